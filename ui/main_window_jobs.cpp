// MainWindow's jobs: the model, the designs (infill of the masks, generation of new records), their
// progress and outcome, the batch dialog and the history of the store's runs. The window itself, its
// files, view and masks are in main_window.cpp; its widgets in main_window_layout.cpp.
#include "ui/main_window.h"

#include <QComboBox>
#include <QFileInfo>
#include <QLabel>
#include <QProgressBar>
#include <QSortFilterProxyModel>
#include <QStatusBar>
#include <QTableView>
#include <QToolButton>
#include <QUndoStack>

#include <algorithm>
#include <utility>

#include "bio/mask.h"
#include "bio/output_file.h"
#include "core/job.h"
#include "core/run_parameters.h"
#include "core/runtime.h"
#include "data/text_sinks.h"
#include "ui/batch_dialog.h"
#include "ui/design_panel.h"
#include "ui/history_model.h"
#include "ui/job_runner.h"
#include "ui/results_model.h"
#include "ui/text.h"

namespace dnafill::ui {

// ---- jobs -------------------------------------------------------------------------------------------

void MainWindow::loadModel(const QString& path, const QString& device) { requestModel(path, device, pendingModel().precision); }

// What a new choice in the Model menu starts from: the one still loading, so that two quick choices
// (a device, then a precision) both hold; else the model in use.
MainWindow::ModelRequest MainWindow::pendingModel() const {
  return modelJob_ ? modelLoading_ : ModelRequest{modelRequested_, device_, precision_};
}

// The model, device and precision become the session's (and the settings') once the model has loaded:
// one that fails leaves the model in use, and is not tried again at the next start.
void MainWindow::requestModel(const QString& path, const QString& device, const QString& precision) {
  modelLoading_ = {path, device.isEmpty() ? QStringLiteral("auto") : device, precision};
  modelLabel_->setText(tr("loading model..."));
  panel_->setModelReady(false);
  modelJob_ = runner_->submit(tr("loading the model"), [request = modelLoading_](JobContext& context) {
    return loadModelJob(context, request.path, request.device, request.precision);
  });
}

// The status bar's model and device, and the Model menu's choices, as the loaded model has them.
void MainWindow::showModel() {
  for (auto* a : deviceActions_) a->setChecked(a->data().toString() == device_);
  for (auto* a : precisionActions_) a->setChecked(a->data().toString() == precision_);
  if (!model_.model) {
    modelLabel_->setText(tr("no model"));
    deviceLabel_->clear();
    return;
  }
  modelLabel_->setText(tr("Model: %1").arg(model_.name));
  modelLabel_->setToolTip(literalToolTip(model_.path));
  deviceLabel_->setText((model_.device == QLatin1String("cuda") ? QStringLiteral("CUDA") : QStringLiteral("CPU")) +
                        (model_.precision == QLatin1String("bf16") ? QStringLiteral(", bf16") : QString()));
  deviceLabel_->setToolTip(fromStd(core::machine_description(model_.device.toStdString())));
}

void MainWindow::infill() {
  auto* r = current();
  if (!r) return showError(tr("Nothing to design"), tr("Open a file first."));
  if (r->masks.empty()) return showError(tr("Nothing to design"), tr("Mask the bases to regenerate first: select them and press Mask."));
  if (!model_.model) return showError(tr("No model"), tr("The model is not loaded yet."));
  DesignRequest request;
  request.kind = "infill";
  request.record = r->name;
  request.recordIndex = record_;
  request.bases = r->bases;
  request.holes = r->masks;
  // The file the record came from, when its bases are still as read (else the run has no input).
  if (!document_.path.empty() && r->asRead()) request.inputPath = document_.path;
  // The record, its holes and the region read, for re-opening the run (reopenRun, restoreHoles).
  request.extra = core::studio_design_parameters(r->name, r->masks, document_.region);
  runDesign(std::move(request));
}

void MainWindow::generateNew(qint64 length, const QString& name) {
  if (!model_.model) return showError(tr("No model"), tr("The model is not loaded yet."));
  const std::string record = name.trimmed().isEmpty() ? std::string("generated") : name.trimmed().toStdString();
  if (!data::is_new_record_name(record))  // as generate --name
    return showError(tr("New sequence"), tr("Name: one word of printable characters without '|' or '>', got '%1'").arg(name));
  if (length < 1) return showError(tr("New sequence"), tr("Length: must be at least 1"));
  // The new record joins the document as N x length, the whole of it a hole: generating is infilling it.
  // It joins once the design has started: a refused one (settings, a design running) adds nothing.
  WorkingRecord added{record, std::string(static_cast<std::size_t>(length), 'N'), {{0, length}}, 0, {}};
  DesignRequest request;
  request.kind = "generate";
  request.record = record;
  request.recordIndex = static_cast<int>(document_.records.size());
  request.bases = added.bases;
  request.holes = added.masks;
  request.extra = core::generate_parameters(length, record);
  if (!runDesign(std::move(request))) return;
  document_.records.push_back(std::move(added));
  recordBox_->addItem(recordLabel(record, length));
  generatedRecord_ = static_cast<int>(document_.records.size()) - 1;
  setCurrentRecord(generatedRecord_);
}

// A Generate new that failed or was cancelled made no sequence: its record of N goes, unless it was
// worked on meanwhile or the document is another one now. Every edit of a record (a mask, an accept)
// is a command on the undo stack, which names it by number even once undone: when none names it, it is
// as added (an edit undone and then discarded by a later one left it so). The number of commands said
// nothing: an edit that discards an undone command leaves as many as before.
void MainWindow::dropUngeneratedRecord() {
  const int index = generatedRecord_;
  generatedRecord_ = -1;
  if (index < 0 || designDocument_ != documentSerial_ || index != static_cast<int>(document_.records.size()) - 1 ||
      undoNamesRecord(index))
    return;
  document_.records.pop_back();
  recordBox_->removeItem(index);
  if (record_ < index) return;
  record_ = -1;
  if (index > 0) return setCurrentRecord(index - 1);
  showNoRecord();  // it was the only record
}

bool MainWindow::runDesign(DesignRequest request) {
  auto refuse = [this](const QString& title, const QString& message) {
    showError(title, message);
    return false;
  };
  if (designJob_) return refuse(tr("Busy"), tr("A design is running; cancel it or wait for it."));
  // One worker runs the model: a confidence track in the making would hold the design up. It is
  // computed again for whatever is shown next.
  if (confidenceJob_) runner_->cancel(confidenceJob_);
  request.model = model_.model;
  request.storePath = storePath_.toStdString();
  if (auto s = panelOptions(request.options); !s) return refuse(tr("Design settings"), fromStd(s.message()));
  if (auto s = request.options.validate(*model_.model); !s) return refuse(tr("Design settings"), fromStd(s.message()));
  saveSettings();
  designJob_ = runner_->submit(tr("designing %1").arg(fromStd(request.record)),
                               [request](JobContext& context) { return designJob(context, request); });
  designDocument_ = documentSerial_;
  panel_->setBusy(true);
  return true;
}

status MainWindow::panelOptions(core::design_options& options) const {
  options = panel_->designOptions();
  return panel_->constraints().resolve(options.constraints);
}

// Cancel (the panel's, Design > Cancel, the status bar's) stops the design, also one waiting behind a
// batch, and a confidence track. Not the batch: cancelling a design queued behind it stopped the batch
// too; a batch is cancelled in its dialog.
void MainWindow::cancelJobs() {
  if (designJob_) runner_->cancel(designJob_);
  if (confidenceJob_) runner_->cancel(confidenceJob_);
}

void MainWindow::jobStarted(quint64 id, const QString& title) {
  if (id == modelJob_) return;
  statusJob_ = id;
  jobLabel_->setText(title);
  jobProgress_->setRange(0, 0);  // busy, not "0%", until the job says how far it is
  jobProgress_->setVisible(true);
  jobCancel_->setVisible(id == designJob_ || id == confidenceJob_);  // what cancelJobs stops; not a batch
}

void MainWindow::jobProgress(quint64 id, double fraction, const QString& detail) {
  if (id != statusJob_) return;
  jobProgress_->setRange(0, 1000);
  jobProgress_->setValue(static_cast<int>(fraction * 1000));
  if (!detail.isEmpty()) jobLabel_->setText(detail);
}

void MainWindow::jobFinished(quint64 id, const JobOutcome& outcome) {
  if (id == statusJob_) {
    statusJob_ = 0;
    jobLabel_->clear();
    jobProgress_->setVisible(false);
    jobCancel_->setVisible(false);
  }
  if (id == modelJob_) {
    modelJob_ = 0;
    if (outcome.status != JobOutcome::Status::Done) {
      showModel();
      panel_->setModelReady(model_.model != nullptr);
      const QString kept = model_.model ? tr(" The model loaded before, %1, stays in use.").arg(model_.name) : QString();
      return showError(tr("Cannot load the model"), outcome.message + kept);
    }
    model_ = std::any_cast<LoadedModel>(outcome.payload);
    modelRequested_ = modelLoading_.path;
    device_ = modelLoading_.device;
    precision_ = modelLoading_.precision;
    showModel();
    panel_->setModelReady(true);
    if (batch_) batch_->setModel(model_.model);
    saveSettings();
    Q_EMIT modelLoaded(model_.name, model_.device);
    if (confidenceWanted_ || (autoConfidenceAction_->isChecked() && !view_->sequence().empty() && !view_->hasConfidence()))
      scheduleConfidence();
    confidenceWanted_ = false;
    return;
  }
  if (id == designJob_) {
    designJob_ = 0;
    panel_->setBusy(false);
    return designDone(outcome);
  }
  if (id == confidenceJob_) {
    confidenceJob_ = 0;
    view_->setConfidencePending(false);
    if (outcome.status == JobOutcome::Status::Failed) {
      statusBar()->showMessage(tr("Model confidence: %1").arg(outcome.message), 8000);
      return;
    }
    if (outcome.status != JobOutcome::Status::Done) return;
    auto result = std::any_cast<ConfidenceResult>(outcome.payload);
    // The view moved on, or "Both strands" changed meanwhile (the track was cleared for it).
    if (result.bases != view_->sequence() || result.bothStrands != panel_->designOptions().rc_ensemble) return;
    view_->setConfidence(std::move(result.probability));
    Q_EMIT confidenceReady();
  }
}

void MainWindow::designDone(const JobOutcome& outcome) {
  if (outcome.status == JobOutcome::Status::Done) generatedRecord_ = -1;
  else dropUngeneratedRecord();
  const auto* result = std::any_cast<DesignResult>(&outcome.payload);
  const qint64 runId = result ? result->runId : 0;
  if (runId > 0) lastRunId_ = runId;
  refreshHistory();
  if (outcome.status == JobOutcome::Status::Failed) {
    showError(tr("Design failed"), outcome.message);
  } else if (outcome.status == JobOutcome::Status::Cancelled) {
    statusBar()->showMessage(outcome.message, 8000);
  } else {
    QString error;
    resultsDocument_ = designDocument_;  // maybe not the one open now: another was opened meanwhile
    if (runId > 0) runDocuments_[runId] = designDocument_;
    if (!results_->showRun(runId, &error)) showError(tr("Cannot read the results"), error);
    resultsView_->resizeColumnsToContents();
    tabs_->setCurrentIndex(0);
    if (results_->rowCount() > 0) {
      resultsView_->selectRow(0);
      resultsView_->setCurrentIndex(resultsProxy_->index(0, 0));
    }
    // As the CLI: every design failing its check is an error, some failing a warning; the table shows which.
    core::constraint_summary constraints;
    for (const auto& d : result->designs) constraints.add(d);
    QString message = tr("Run %1: %n design(s) in %2", nullptr, static_cast<int>(result->designs.size()))
                          .arg(runId)
                          .arg(QFileInfo(storePath_).fileName());
    if (constraints.failed > 0)
      message += tr("; %1 of %2 violate the constraints (first: %3)")
                     .arg(constraints.failed)
                     .arg(constraints.designs)
                     .arg(fromStd(constraints.first_failure));
    if (constraints.all_failed()) showError(tr("No design meets the constraints"), message);
    else statusBar()->showMessage(message, constraints.failed > 0 ? 20000 : 8000);
  }
  Q_EMIT designFinished(runId, static_cast<int>(outcome.status));
}

// ---- batch and history ------------------------------------------------------------------------------

BatchDialog* MainWindow::batchDialog() {
  if (!batch_) {
    batch_ = new BatchDialog(runner_, this);
    batch_->setStorePath(storePath_);
    connect(batch_, &BatchDialog::batchFinished, this, [this](qint64 runId, const QString& store) {
      if (!bio::same_file(store.toStdString(), storePath_.toStdString()))  // History and results show the window's store
        return statusBar()->showMessage(
            tr("Batch run %1 is in %2; History shows %3 (File, Choose the store... shows the other)").arg(runId).arg(store, storePath_),
            30000);
      refreshHistory();
      if (results_->runId() == runId) results_->refresh();
    });
  }
  batch_->setModel(model_.model);
  batch_->setCramReference(cramReference_);
  batch_->setOpenFile(fromStd(document_.path));
  core::design_options options;
  if (!panelOptions(options)) options.constraints = {};  // openBatchDialog refuses these; the dialog shows none
  batch_->setDesignOptions(options);
  if (!document_.path.empty()) batch_->proposeInput(fromStd(document_.path));
  return batch_;
}

void MainWindow::openBatchDialog() {
  core::design_options options;
  if (auto s = panelOptions(options); !s) return showError(tr("Design settings"), fromStd(s.message()));
  auto* dialog = batchDialog();
  dialog->show();
  dialog->raise();
  dialog->activateWindow();
}

// The document a run's designs were made on: the open one when it is the run's input read as it was
// (the same region); else, for a run of this session, the one it was made on. Else none: its records
// are not open.
std::uint64_t MainWindow::documentOfRun(qint64 runId, const QString& source, const std::string& region) const {
  if (!source.isEmpty() && !document_.path.empty() && QFileInfo(source) == QFileInfo(fromStd(document_.path)) &&
      region == document_.region)
    return documentSerial_;
  if (const auto made = runDocuments_.find(runId); made != runDocuments_.end()) return made->second;
  return noDocument;
}

void MainWindow::refreshHistory() {
  QString error;
  if (!history_->refresh(&error)) statusBar()->showMessage(tr("History: %1").arg(error), 8000);
  historyView_->resizeColumnsToContents();
}

void MainWindow::reopenRun(qint64 runId) {
  const int row = history_->rowOfRun(runId);
  if (row < 0) return showError(tr("Re-open"), tr("Run %1 is not in %2").arg(runId).arg(storePath_));
  const auto& run = history_->run(row);
  const QString source = run.source ? fromStd(run.source->path) : QString();
  core::run_parameters recorded;
  core::read_run_parameters(run.parameters, recorded);
  const std::string region = recorded.read_region;
  auto show = [this, runId, source, region, parameters = run.parameters] {
    QString error;
    resultsDocument_ = documentOfRun(runId, source, region);
    if (!results_->showRun(runId, &error)) return showError(tr("Cannot read run %1").arg(runId), error);
    restoreHoles(runId, parameters);
    resultsView_->resizeColumnsToContents();
    tabs_->setCurrentIndex(0);
    if (results_->rowCount() > 0) resultsView_->setCurrentIndex(resultsProxy_->index(0, 0));
  };
  if (!source.isEmpty() && QFileInfo(source).isFile() && (fromStd(document_.path) != source || document_.region != region)) {
    // Read the input the run was made from, then show its designs in it; when it cannot be read, they
    // are not shown in whatever file is opened next.
    if (!openFileRegion(source, fromStd(region))) return;
    auto opened = std::make_shared<QMetaObject::Connection>(), failed = std::make_shared<QMetaObject::Connection>();
    *opened = connect(this, &MainWindow::documentOpened, this, [this, show, opened, failed] {
      disconnect(*opened);
      disconnect(*failed);
      show();
    });
    // Its read failed: not another file's probe while it is still being read.
    *failed = connect(this, &MainWindow::openFailed, this, [this, opened, failed] {
      if (reader_->isRunning()) return;
      disconnect(*opened);
      disconnect(*failed);
    });
    return;
  }
  show();
}

// The holes a re-opened studio run designed become the record's masks again (one undoable step), so
// Generate redesigns what the run designed. The record is the one its designs were made on, found by
// its place and name as results are: a name may repeat, and one that is not UTF-8 is stored in the
// run's parameters with U+FFFD. Every hole must lie in the record: the holes of a store edited by hand
// need not be in order, so the last one is not the one that ends last.
void MainWindow::restoreHoles(qint64 runId, const std::string& parameters) {
  core::run_parameters studio;
  core::read_run_parameters(parameters, studio);
  auto& holes = studio.holes;
  if (holes.empty() || results_->rowCount() == 0) return;  // a command-line run: no holes of a record
  const auto* record = recordOf(results_->design(0));
  const auto inRecord = [record](const bio::interval& h) { return h.end <= static_cast<std::int64_t>(record->bases.size()); };
  if (!record || !std::all_of(holes.begin(), holes.end(), inRecord)) {
    statusBar()->showMessage(tr("The holes of run %1 are not masked again: its record is not open as it was designed").arg(runId), 8000);
    return;
  }
  const int index = static_cast<int>(record - document_.records.data());
  if (index != record_) setCurrentRecord(index);
  setMasks(bio::merge_intervals(std::move(holes)), tr("holes of run %1").arg(runId));  // as the panel makes masks
}

}  // namespace dnafill::ui
