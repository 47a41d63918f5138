// MainWindow: files, the view, masks and undo, accepting a design and exporting designs. Its jobs (the
// model, designs, batch, history) are in main_window_jobs.cpp; its widgets and menus are built in
// main_window_layout.cpp; what it keeps between sessions (QSettings) is in main_window_settings.cpp.
#include "ui/main_window.h"

#include <QAction>
#include <QApplication>
#include <QClipboard>
#include <QCloseEvent>
#include <QComboBox>
#include <QDir>
#include <QDragEnterEvent>
#include <QDropEvent>
#include <QFileDialog>
#include <QFileInfo>
#include <QHeaderView>
#include <QItemSelectionModel>
#include <QLabel>
#include <QLineEdit>
#include <QMenu>
#include <QMessageBox>
#include <QMimeData>
#include <QRegularExpression>
#include <QSortFilterProxyModel>
#include <QSpinBox>
#include <QStatusBar>
#include <QTableView>
#include <QUndoCommand>
#include <QUndoStack>
#include <QtConcurrent>

#include <algorithm>
#include <cstdint>
#include <map>
#include <utility>

#include "bio/enzymes.h"
#include "bio/fasta_writer.h"
#include "bio/motif.h"
#include "core/job.h"
#include "core/runtime.h"
#include "data/text_sinks.h"
#include "ui/batch_dialog.h"
#include "ui/design_panel.h"
#include "ui/history_model.h"
#include "ui/job_runner.h"
#include "ui/output_check.h"
#include "ui/region_dialog.h"
#include "ui/results_model.h"
#include "ui/text.h"

// The icon is compiled into the static dnafill_ui: its resources are registered by hand.
static void initStudioResources() { Q_INIT_RESOURCE(studio); }

namespace dnafill::ui {
namespace {

// One undoable change of a record: its masks, and its bases when a variant was accepted. A change of
// masks alone keeps no copy of the bases (a chromosome is ~250 MB).
class RecordEdit : public QUndoCommand {
 public:
  RecordEdit(MainWindow* window, int record, std::vector<bio::interval> beforeMasks, std::vector<bio::interval> afterMasks,
             const QString& text)
      : QUndoCommand(text), window_(window), record_(record), beforeMasks_(std::move(beforeMasks)),
        afterMasks_(std::move(afterMasks)) {}
  // ... and the bases, before and after.
  RecordEdit(MainWindow* window, int record, const WorkingRecord& before, std::string afterBases, const QString& text)
      : RecordEdit(window, record, before.masks, before.masks, text) {
    basesChanged_ = true;
    beforeBases_ = before.bases;
    afterBases_ = std::move(afterBases);
  }
  bool changesBases() const { return basesChanged_; }
  int record() const { return record_; }
  void undo() override { window_->setRecordState(record_, basesChanged_ ? &beforeBases_ : nullptr, beforeMasks_); }
  void redo() override { window_->setRecordState(record_, basesChanged_ ? &afterBases_ : nullptr, afterMasks_); }

 private:
  MainWindow* window_;
  int record_;
  bool basesChanged_ = false;
  std::string beforeBases_, afterBases_;
  std::vector<bio::interval> beforeMasks_, afterMasks_;
};

SiteSearch findSites(std::string bases, const QStringList& names) {
  SiteSearch result;
  for (const auto& name : names) {
    std::string site;
    if (!bio::resolve_motif(name.toStdString(), site)) continue;
    for (const auto& hit : bio::find_motif(bases, site))
      result.sites.push_back({static_cast<qint64>(hit.start), static_cast<qint64>(hit.length), name});
  }
  result.bases = std::move(bases);
  return result;
}

// The selected cells of a table as a spreadsheet pastes them: a line a row, its cells apart by tabs,
// rows and columns in the order shown (sorted, columns as moved).
QString selectedCellsText(const QTableView& table) {
  std::map<int, std::map<int, QString>> rows;  // shown row -> shown column -> text
  for (const auto& index : table.selectionModel()->selectedIndexes())
    if (!table.isColumnHidden(index.column()))
      rows[index.row()][table.horizontalHeader()->visualIndex(index.column())] = index.data().toString();
  QStringList lines;
  for (const auto& [row, cells] : rows) {
    QStringList texts;
    for (const auto& [column, text] : cells) texts << text;
    lines << texts.join(QLatin1Char('\t'));
  }
  return lines.join(QLatin1Char('\n'));
}

}  // namespace

MainWindow::MainWindow(const StudioOptions& options, QWidget* parent) : QMainWindow(parent), options_(options) {
  initStudioResources();
  setObjectName(QStringLiteral("mainWindow"));
  setWindowIcon(QIcon(QStringLiteral(":/dnafill/studio.svg")));
  setAcceptDrops(true);
  runner_ = new JobRunner(this);
  undo_ = new QUndoStack(this);
  results_ = new ResultsModel(this);
  history_ = new HistoryModel(this);
  reader_ = new QFutureWatcher<std::pair<status, Document>>(this);
  siteFinder_ = new QFutureWatcher<SiteSearch>(this);
  buildLayout();
  buildActions();
  restoreSettings(options);

  connect(runner_, &JobRunner::jobStarted, this, &MainWindow::jobStarted);
  connect(runner_, &JobRunner::jobProgress, this, &MainWindow::jobProgress);
  connect(runner_, &JobRunner::jobFinished, this, &MainWindow::jobFinished);
  connect(undo_, &QUndoStack::cleanChanged, this, [this] { updateTitle(); });
  connect(siteFinder_, &QFutureWatcher<SiteSearch>::finished, this, [this] {
    auto found = siteFinder_->result();
    if (found.bases == view_->sequence()) view_->setSites(std::move(found.sites));
    if (siteFinderAgain_) {
      siteFinderAgain_ = false;
      updateSites();
    }
  });
  results_->setRecordLookup([this](const data::design_record& d) { return recordOf(d); });
  connect(results_, &QAbstractItemModel::modelReset, this, &MainWindow::leaveShownDesign);
  // A signal (app/studio_main.cpp) ends the event loop without a closeEvent: its settings are kept too.
  connect(qApp, &QCoreApplication::aboutToQuit, this, [this] { saveSettings(); });
  updateTitle();
  updateHoles();
  updateViewControls();  // then at each showSequence: they follow what the view shows
  QString model = options.modelPath;
  if (model.isEmpty()) {
    model = savedModelPath();
    if (!model.isEmpty() && !QFileInfo(model).isFile()) {  // gone since: the shipped default, said
      const QString said = statusBar()->currentMessage();
      statusBar()->showMessage((said + tr(" The last model %1 is gone: the shipped model is loaded.").arg(model)).trimmed(), 30000);
      model.clear();
    }
  }
  loadModel(model, device_);
}

MainWindow::~MainWindow() {
  // The runner's destructor cancels and waits: before the models and views its jobs report to go away.
  runner_->disconnect(this);
  delete runner_;
  runner_ = nullptr;
  closing_ = true;  // a file being read stops after its record in hand (a genome's records: seconds)
  reader_->waitForFinished();
  siteFinder_->waitForFinished();
}

// A running design writes into the store it began with, and its results are read from the one in use
// when it ends: another store then showed another run under its number.
bool MainWindow::storeChangeRefused() {
  if (!designRunning()) return false;
  statusBar()->showMessage(tr("A design is running: the store can be changed when it ends"), 10000);
  return true;
}

void MainWindow::setStorePath(const QString& path) {
  if (storeChangeRefused()) return;
  if (const QString problem = useStore(path); !problem.isEmpty()) statusBar()->showMessage(problem, 30000);
}

QString MainWindow::useStore(const QString& path) {
  storePath_ = path;
  // Its folder is made now, so that one that cannot be made (a HOME that is gone) is said at once,
  // not after the first design.
  const QString folder = QFileInfo(path).absolutePath();
  const bool made = QDir().mkpath(folder);
  results_->setStorePath(path);  // another store empties the table: leaveShownDesign
  history_->setStorePath(path);
  refreshHistory();
  if (batch_) batch_->setStorePath(path);
  if (made) return {};
  return tr("The store's folder %1 cannot be made: no design can be kept. Choose another store (File, Choose the "
            "store...).").arg(folder);
}

// ---- files ------------------------------------------------------------------------------------------

void MainWindow::openFileDialog() {
  const QString path = QFileDialog::getOpenFileName(
      this, tr("Open a sequence file"), lastFolder(),
      tr("Sequence files (*.fa *.fasta *.fna *.fa.gz *.fasta.gz *.fq *.fastq *.fq.gz *.fastq.gz *.sam *.bam *.cram);;All files (*)"));
  if (!path.isEmpty()) openFile(path);
}

bool MainWindow::saveWorkingSequence() {
  if (record_ < 0) return false;
  const QString path = QFileDialog::getSaveFileName(this, tr("Save the working records"), QString(), tr("FASTA (*.fa *.fasta *.fa.gz)"));
  return !path.isEmpty() && saveWorkingRecords(path);
}

// An edit of bases (an accepted variant) between the state last saved (or read) and now, done or undone.
bool MainWindow::hasUnsavedEdits() const {
  const int clean = undo_->cleanIndex(), now = undo_->index();
  if (clean == now) return false;
  const int from = clean < 0 ? 0 : std::min(clean, now), to = clean < 0 ? undo_->count() : std::max(clean, now);
  for (int i = from; i < to; ++i)
    if (const auto* edit = dynamic_cast<const RecordEdit*>(undo_->command(i)); edit && edit->changesBases()) return true;
  return false;
}

bool MainWindow::undoNamesRecord(int record) const {
  for (int i = 0; i < undo_->count(); ++i)
    if (const auto* edit = dynamic_cast<const RecordEdit*>(undo_->command(i)); edit && edit->record() == record) return true;
  return false;
}

// Accepted variants live in the working records alone until saved: before they go (another file, the
// window closed) the person is asked. Masks alone are not asked about: they are redone in a moment.
bool MainWindow::mayDropWorkingRecords(const QString& action) {
  if (!hasUnsavedEdits()) return true;
  QMessageBox box(QMessageBox::Warning, tr("Unsaved edits"),
                  tr("The working records hold accepted variants that are not saved. Save them before %1?").arg(action),
                  QMessageBox::Save | QMessageBox::Discard | QMessageBox::Cancel, this);
  box.setObjectName(QStringLiteral("unsavedEditsDialog"));
  box.setTextFormat(Qt::PlainText);  // it names the file
  box.setDefaultButton(QMessageBox::Save);
  switch (box.exec()) {
    case QMessageBox::Save: return saveWorkingSequence();
    case QMessageBox::Discard: return true;
    default: return false;
  }
}

bool MainWindow::saveWorkingRecords(const QString& path) {
  // The open file may be saved over only when the window holds all of it: a region of a genome, the
  // first reads of a BAM, would replace the whole file.
  auto kept = storeFiles(storePath_.toStdString());
  const bool whole = document_.region.empty() && !document_.truncated;
  if (!whole) keepInput(kept, document_.path, tr("the file open in the window, of which the window holds a part"));
  keepInput(kept, cramReference_.toStdString(), tr("the CRAM reference"));
  if (model_.model) kept.push_back({model_.model->path(), tr("the model")});
  if (const QString problem = overwrites(path.toStdString(), kept); !problem.isEmpty()) {
    showError(tr("Save failed"), problem);
    return false;
  }
  bio::fasta_writer writer;
  status s = writer.open(path.toStdString());
  for (std::size_t i = 0; s && i < document_.records.size(); ++i) {
    const WorkingRecord& r = document_.records[i];
    s = writer.write({r.name, r.comment, r.bases, {}});  // the header whole, as dnafill view writes it
  }
  if (s) s = writer.close();
  if (!s) {
    showError(tr("Save failed"), fromStd(s.message()));
    return false;
  }
  undo_->setClean();
  return true;
}

// Qt holds file names as Unicode: a name of bytes that are not UTF-8 (a Latin-1 "é") arrives with
// U+FFFD in their place, from the command line, a drop or a file dialog, and names no file. Said as
// such, not as "No such file".
bool MainWindow::refusedAsUnnamable(const QString& path) {
  if (!path.contains(QChar(QChar::ReplacementCharacter)) || QFileInfo::exists(path)) return false;
  const QString problem =
      tr("%1: the file's name is not valid UTF-8, and the studio cannot name it: rename it (dnafill view --in reads it)").arg(path);
  showError(tr("Cannot open %1").arg(QFileInfo(path).fileName()), problem);
  Q_EMIT openFailed(problem);
  return true;
}

void MainWindow::openFile(const QString& path) {
  if (refusedAsUnnamable(path)) return;
  // Probing reads a header or an index: quick, but off the GUI thread all the same.
  auto* watcher = new QFutureWatcher<std::pair<status, FileProbe>>(this);
  connect(watcher, &QFutureWatcher<std::pair<status, FileProbe>>::finished, this, [this, watcher, path] {
    watcher->deleteLater();
    const auto [s, probe] = watcher->result();
    if (!s) {
      showError(tr("Cannot open %1").arg(QFileInfo(path).fileName()), fromStd(s.message()));
      Q_EMIT openFailed(fromStd(s.message()));
      return;
    }
    if (!probe.indexed) {
      openFileRegion(path, {});
      return;
    }
    auto* dialog = new RegionDialog(path, fromStd(probe.format), probe.contigs, this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &QDialog::accepted, this, [this, dialog, path] { openFileRegion(path, dialog->region()); });
    dialog->open();
  });
  watcher->setFuture(QtConcurrent::run([p = path.toStdString()] {
    FileProbe probe;
    status s = probeFile(p, probe);
    return std::pair<status, FileProbe>(std::move(s), std::move(probe));
  }));
}

bool MainWindow::openFileRegion(const QString& path, const QString& region) {
  if (reader_->isRunning()) {
    showError(tr("Busy"), tr("Still reading the previous file; try again in a moment."));
    return false;
  }
  if (refusedAsUnnamable(path)) return false;
  if (!mayDropWorkingRecords(tr("opening %1").arg(QFileInfo(path).fileName()))) return false;
  jobLabel_->setText(tr("Reading %1...").arg(QFileInfo(path).fileName()));
  disconnect(reader_, nullptr, this, nullptr);
  connect(reader_, &QFutureWatcher<std::pair<status, Document>>::finished, this, [this, path, region] { documentRead(path, region); });
  reader_->setFuture(QtConcurrent::run([p = path.toStdString(), r = region.toStdString(), c = cramReference_.toStdString(),
                                        stop = &closing_] {
    Document d;
    status s = readDocument(p, r, ReadLimits{}, d, c, stop);
    return std::pair<status, Document>(std::move(s), std::move(d));
  }));
  return true;
}

void MainWindow::documentRead(const QString& path, const QString& region) {
  auto [s, doc] = reader_->result();
  jobLabel_->clear();
  if (!s) {
    showError(tr("Cannot open %1").arg(QFileInfo(path).fileName()), fromStd(s.message()));
    Q_EMIT openFailed(fromStd(s.message()));
    return;
  }
  document_ = std::move(doc);
  ++documentSerial_;  // the designs shown so far were made on another document
  undo_->clear();
  recordBox_->clear();
  for (const auto& r : document_.records) {
    recordBox_->addItem(recordLabel(r.name, static_cast<qint64>(r.bases.size())));
    if (!r.comment.empty())  // a FASTA description; a read's flag, mapping quality and position
      recordBox_->setItemData(recordBox_->count() - 1, literalToolTip(QString::fromStdString(r.comment)), Qt::ToolTipRole);
  }
  record_ = -1;
  setCurrentRecord(0);
  addRecentFile(path);
  statusBar()->showMessage(tr("%1: %n record(s)%2", nullptr, static_cast<int>(document_.records.size()))
                                   .arg(QFileInfo(path).fileName(), region.isEmpty() ? QString() : tr(", region %1").arg(region)) +
                               (document_.truncated ? tr(" (only the first ones: the file holds more)") : QString()) +
                               (startupWarnings_.isEmpty() ? QString() : QStringLiteral(". ") + startupWarnings_),
                           startupWarnings_.isEmpty() ? 8000 : 30000);
  startupWarnings_.clear();  // said with the first file
  results_->refresh();
  Q_EMIT documentOpened(path);
}

void MainWindow::setCurrentRecord(int index) {
  if (index < 0 || index >= static_cast<int>(document_.records.size())) return;
  const bool changed = index != record_;
  record_ = index;
  recordBox_->setCurrentIndex(index);
  recordBox_->setToolTip(literalToolTip(recordBox_->currentText()));  // a long name is cut in the box
  if (changed) view_->setSequence({});  // a new record starts at the whole-record zoom
  showWorkingSequence();
  if (changed) view_->zoomToFit();
  updateTitle();
}

WorkingRecord* MainWindow::current() {
  return record_ >= 0 && record_ < static_cast<int>(document_.records.size()) ? &document_.records[static_cast<std::size_t>(record_)] : nullptr;
}

// Only a design shown on the document it was made on has an open record: another file may hold a
// record of the same name and place, and a design written into it would be nonsense (padded with N).
const WorkingRecord* MainWindow::recordOf(const data::design_record& d) const {
  if (resultsDocument_ != documentSerial_) return nullptr;
  if (d.record_index < 0 || d.record_index >= static_cast<std::int64_t>(document_.records.size())) return nullptr;
  const auto& r = document_.records[static_cast<std::size_t>(d.record_index)];
  return r.name == d.record && d.region_end <= static_cast<std::int64_t>(r.bases.size()) ? &r : nullptr;
}

void MainWindow::updateTitle() {
  const QString name = document_.path.empty() ? tr("untitled") : QFileInfo(fromStd(document_.path)).fileName();
  setWindowTitle(QStringLiteral("%1[*] - dnafill-studio").arg(name));
  setWindowModified(!undo_->isClean());
}

// ---- the view ---------------------------------------------------------------------------------------

// Ctrl+C is a shortcut of the whole window, whichever widget has the focus: it copies what is selected
// there, the cells of the results or the history table, else the bases (a table's Ctrl+C copied bases).
void MainWindow::copySelection() {
  for (const auto* table : {resultsView_, historyView_}) {
    if (focusWidget() != table) continue;
    if (table->selectionModel()->hasSelection()) QApplication::clipboard()->setText(selectedCellsText(*table));
    return;
  }
  view_->copySelection();
}

void MainWindow::showSequence(const std::string& bases, const std::string& reference, bio::interval highlight) {
  // The same bases (a mask changed, a variant without edits) keep their sites and confidence.
  if (bases != view_->sequence() || bases.empty()) {
    view_->setSequence(bases);
    updateSites();
    scheduleConfidence();
  }
  view_->setReference(reference);
  view_->setHighlight(highlight);
  updateViewControls();
}

void MainWindow::showWorkingSequence() {
  auto* r = current();
  shownDesign_ = -1;
  acceptAction_->setEnabled(false);  // the working sequence has no variant to accept
  if (!r) return;
  view_->setFirstPosition(firstPositionOf(r->start, r->bases.size()));
  showSequence(r->bases, {}, {0, 0});
  view_->setMasks(r->masks);
  QString label = tr("working sequence, %1 bp").arg(withSeparators(static_cast<qint64>(r->bases.size())));
  if (!r->comment.empty()) label += QStringLiteral("; ") + QString::fromStdString(r->comment);  // as in the chooser
  // A region of a FASTA is one record named NAME:START-END (as samtools faidx), numbered from START.
  if (view_->firstPosition() > 1) label += tr("; numbered as in its contig");
  shownLabel_->setText(label);
  shownLabel_->setToolTip(literalToolTip(label));
  updateHoles();
  updateSelectionBar();
}

// A reset table (another run, one that cannot be read, another store) fires no currentRowChanged, and
// the design shown is no row of it: shownDesign_ named another design, or none, and a selection on the
// design shown alone was masked on the open record at the design's offsets. The view goes back to the
// working sequence, so a selection is always on what it was made on.
void MainWindow::leaveShownDesign() {
  if (shownDesign_ < 0) return;
  if (current()) return showWorkingSequence();
  showNoRecord();
}

void MainWindow::showNoRecord() {
  shownDesign_ = -1;
  acceptAction_->setEnabled(false);
  view_->setSequence({});
  view_->setMasks({});
  shownLabel_->clear();
  updateViewControls();
  updateHoles();
  updateSelectionBar();
}

void MainWindow::showDesign(int row) {
  if (row < 0 || row >= results_->rowCount()) return;
  const auto& d = results_->design(row);
  shownDesign_ = row;
  const auto* r = recordOf(d);
  if (r) {
    if (record_ != d.record_index) {
      record_ = static_cast<int>(d.record_index);
      recordBox_->setCurrentIndex(record_);
      recordBox_->setToolTip(literalToolTip(recordBox_->currentText()));
    }
    view_->setFirstPosition(firstPositionOf(r->start, r->bases.size()));
    showSequence(core::apply_design(r->bases, d), r->bases, {d.region_start, d.region_end});
    view_->setMasks(r->masks);
    shownLabel_->setText(tr("run %1, variant %2: %n edit(s) from the working sequence", nullptr, static_cast<int>(view_->differenceCount()))
                             .arg(d.run_id)
                             .arg(d.variant));
  } else {
    // The record is not open: the designed region on its own, numbered as in the record.
    view_->setFirstPosition(firstPositionOf(d.region_start, d.sequence.size()));
    showSequence(d.sequence, {}, {0, static_cast<qint64>(d.sequence.size())});
    view_->setMasks({});
    shownLabel_->setText(tr("run %1, variant %2: the designed region %3:%4-%5 (its record is not open)")
                             .arg(d.run_id)
                             .arg(d.variant)
                             .arg(fromStd(d.record))
                             .arg(d.region_start + 1)
                             .arg(d.region_end));
  }
  acceptAction_->setEnabled(r != nullptr);
  updateSelectionBar();
  updateHoles();  // a design of another record made that one current: the panel says its holes
}

void MainWindow::updateSelectionBar() {
  const auto n = static_cast<int>(std::min<std::size_t>(view_->sequence().size(), 2147483647));
  const auto s = view_->selection();
  const auto before = static_cast<int>(view_->firstPosition() - 1);  // the boxes number bases as the ruler does
  for (auto* box : {selStart_, selEnd_}) box->blockSignals(true);
  selStart_->setRange(before + (n > 0 ? 1 : 0), before + std::max(n, 0));
  selEnd_->setRange(before, before + n);
  selStart_->setValue(before + static_cast<int>(s.start + 1));
  selEnd_->setValue(before + static_cast<int>(s.end));
  for (auto* box : {selStart_, selEnd_}) box->blockSignals(false);
  selLength_->setText(s.end > s.start ? tr("%n base(s), GC %1%", nullptr, static_cast<int>(s.end - s.start))
                                            .arg(100.0 * view_->gcFraction(s.start, s.end), 0, 'f', 1)
                                      : tr("nothing selected"));
}

QStringList MainWindow::siteNames() const {
  return sitesEdit_->text().split(QRegularExpression(QStringLiteral("[,;\\s]+")), Qt::SkipEmptyParts);
}

// findSites passes over a name that is neither an enzyme nor a motif: the field says which, as the
// design panel's Avoid field does, and the status bar when the field was just edited.
void MainWindow::checkSiteNames(bool edited) {
  std::vector<std::string> names;
  for (const auto& name : siteNames()) names.push_back(name.toStdString());
  const QStringList unknown = unknownMotifs(names);
  showMotifProblems(sitesEdit_, unknown, sitesToolTip());
  if (edited && !unknown.isEmpty()) statusBar()->showMessage(tr("Sites: %1").arg(unknown.join(QStringLiteral("; "))), 10000);
}

void MainWindow::updateSites() {
  if (siteFinder_->isRunning()) {
    siteFinderAgain_ = true;
    return;
  }
  const QStringList names = siteNames();
  view_->setSites({});
  if (names.isEmpty() || view_->sequence().empty()) return;
  siteFinder_->setFuture(QtConcurrent::run(findSites, view_->sequence(), names));
}

void MainWindow::scheduleConfidence() {
  if (confidenceJob_) runner_->cancel(confidenceJob_);  // what it was computing is no longer shown
  if (designJob_) return;  // one worker runs the model: the design's results are shown, and scored, next
  if (autoConfidenceAction_->isChecked() && static_cast<std::int64_t>(view_->sequence().size()) <= autoConfidenceLimit)
    computeConfidence();
}

void MainWindow::computeConfidence() {
  if (!model_.model || view_->sequence().empty()) {
    confidenceWanted_ = !model_.model;  // computed once the model is there
    return;
  }
  if (confidenceJob_) runner_->cancel(confidenceJob_);
  auto model = model_.model;
  const std::string bases = view_->sequence();
  const bool bothStrands = panel_->designOptions().rc_ensemble;  // as a design would read the model
  confidenceJob_ = runner_->submit(tr("model confidence"), [model, bases, bothStrands](JobContext& context) {
    return confidenceJob(context, model, bases, bothStrands);
  });
  view_->setConfidencePending(true);
}

// ---- masks and undo ---------------------------------------------------------------------------------

void MainWindow::setRecordState(int record, const std::string* bases, const std::vector<bio::interval>& masks) {
  if (record < 0 || record >= static_cast<int>(document_.records.size())) return;
  auto& r = document_.records[static_cast<std::size_t>(record)];
  if (bases) r.bases = *bases;
  r.masks = masks;
  if (bases) {
    recordBox_->setItemText(record, recordLabel(r.name, static_cast<qint64>(r.bases.size())));
    results_->recordsChanged();
  }
  if (record != record_) setCurrentRecord(record);
  else if (bases || shownDesign_ < 0) {
    const auto selection = view_->selection();
    showWorkingSequence();
    view_->setSelection(selection.start, selection.end);
  } else {
    view_->setMasks(r.masks);
  }
  updateHoles();
}

void MainWindow::setMasks(std::vector<bio::interval> masks, const QString& what) {
  auto* r = current();
  if (!r || masks == r->masks) return;
  undo_->push(new RecordEdit(this, record_, r->masks, std::move(masks), what));
}

// A design whose record is not open is shown on its own, numbered from its region: a selection on it
// is no place in the open record, and a mask made from it fell on other bases. So is one that is no
// longer in the table (leaveShownDesign sees to it that none is shown).
bool MainWindow::maskRefusedOnDesign() {
  if (shownDesign_ < 0) return false;
  if (shownDesign_ < results_->rowCount() && recordOf(results_->design(shownDesign_))) return false;
  statusBar()->showMessage(tr("The design shown is of a record that is not open: masks are made on the working "
                              "sequence (Ctrl+W shows it)"), 10000);
  return true;
}

// Bases of the record as the ruler numbers them (in its contig, for a region): the undo texts say
// "mask 1,101-1,200" where the ruler and the selection boxes do.
QString MainWindow::positionsText(const bio::interval& bases) const {
  const qint64 before = view_->firstPosition() - 1;
  return QStringLiteral("%1-%2").arg(withSeparators(before + bases.start + 1), withSeparators(before + bases.end));
}

void MainWindow::maskSelection() {
  const auto s = view_->selection();
  if (!current() || s.end <= s.start || maskRefusedOnDesign()) return;
  if (shownDesign_ >= 0) showWorkingSequence();  // holes belong to the working sequence
  setMasks(withHole(current()->masks, s), tr("mask %1").arg(positionsText(s)));
  view_->setSelection(s.start, s.end);
}

void MainWindow::unmaskSelection() {
  const auto s = view_->selection();
  if (!current() || s.end <= s.start || maskRefusedOnDesign()) return;
  setMasks(withHole(current()->masks, s, true), tr("unmask %1").arg(positionsText(s)));
}

void MainWindow::maskLowercase() {
  if (auto* r = current()) setMasks(bio::merge_intervals(bio::lowercase_mask(r->bases)), tr("mask lowercase"));
}

void MainWindow::maskN() {
  // Runs of N, as `--mask N` and the batch dialog's N take them: other ambiguity codes stay bases.
  if (auto* r = current()) setMasks(bio::n_mask(r->bases), tr("mask N"));
}

void MainWindow::clearMasks() {
  if (current()) setMasks({}, tr("clear masks"));
}

void MainWindow::updateHoles() {
  const auto* r = record_ >= 0 && record_ < static_cast<int>(document_.records.size()) ? &document_.records[static_cast<std::size_t>(record_)] : nullptr;
  const auto s = view_->selection();
  panel_->setHoles(r != nullptr, r ? static_cast<int>(r->masks.size()) : 0, r ? bio::covered_bases(r->masks) : 0,
                   r && s.end > s.start);
  for (auto* a : recordActions_) a->setEnabled(r != nullptr);
}

// A design of a run whose record is not open is shown too (History): zoom and selection follow the
// view, not the record.
void MainWindow::updateViewControls() {
  const bool shown = !view_->sequence().empty();
  for (auto* w : viewControls_) w->setEnabled(shown);
  for (auto* a : viewActions_) a->setEnabled(shown);
}

int MainWindow::resultsRow(const QModelIndex& proxyIndex) const { return resultsProxy_->mapToSource(proxyIndex).row(); }

void MainWindow::acceptShownDesign() {
  if (shownDesign_ < 0 || shownDesign_ >= results_->rowCount()) return;
  const data::design_record d = results_->design(shownDesign_);
  const auto* r = recordOf(d);
  if (!r) return showError(tr("Accept"), tr("The record of this design is not open."));
  // The holes it filled are designed now: they stay masked, so generating again redesigns them.
  undo_->push(new RecordEdit(this, static_cast<int>(d.record_index), *r, core::apply_design(r->bases, d),
                             tr("accept run %1 variant %2").arg(d.run_id).arg(d.variant)));
  if (const QString broken = brokenAfterAccept(d, *r); !broken.isEmpty())
    return statusBar()->showMessage(tr("Variant %1 is now the working sequence, and there, with what is around it "
                                       "now, it breaks %2 (Ctrl+Z to undo)").arg(d.variant).arg(broken), 30000);
  statusBar()->showMessage(tr("Variant %1 is now the working sequence (Ctrl+Z to undo)").arg(d.variant), 6000);
}

// A design was checked in the sequence it was made in. Accepted after another variant changed what is
// around it, the working sequence may break a rule across the join (a run of one base, a site) that
// its row says it meets: checked again in `r`, its record as it is now, under the constraints set now.
// The first violation, or "".
QString MainWindow::brokenAfterAccept(const data::design_record& d, const WorkingRecord& r) const {
  core::design_options options;
  if (!d.constraints_ok || !panelOptions(options) || options.constraints.empty()) return {};
  auto holes = core::read_design_check(d).holes;
  if (holes.empty()) holes = {{d.region_start, d.region_end}};
  const auto violations = bio::check_constraints(r.bases, bio::merge_intervals(holes), options.constraints);
  return violations.empty() ? QString() : fromStd(violations.front().constraint + ": " + violations.front().detail);
}

void MainWindow::exportSelectedDialog() {
  if (!resultsView_->selectionModel()->hasSelection() && shownDesign_ < 0) {  // before asking for a file
    showError(tr("Export"), tr("Select the variants to export in the results table."));
    return;
  }
  const QString path = QFileDialog::getSaveFileName(this, tr("Export designs to FASTA"),
                                                    lastFolder(),
                                                    tr("FASTA (*.fa *.fasta *.fa.gz)"));
  if (!path.isEmpty()) exportSelectedDesigns(path);
}

bool MainWindow::exportSelectedDesigns(const QString& path) {
  std::vector<int> rows;
  for (const auto& index : resultsView_->selectionModel()->selectedRows()) rows.push_back(resultsRow(index));
  if (rows.empty() && shownDesign_ >= 0) rows.push_back(shownDesign_);
  if (rows.empty()) {
    showError(tr("Export"), tr("Select the variants to export in the results table."));
    return false;
  }
  // The store holds the designs, and the open file is the sequence they are of.
  auto kept = storeFiles(storePath_.toStdString());
  keepInput(kept, document_.path, tr("the file open in the window"));
  keepInput(kept, cramReference_.toStdString(), tr("the CRAM reference"));
  if (model_.model) kept.push_back({model_.model->path(), tr("the model")});
  if (const QString problem = overwrites(path.toStdString(), kept); !problem.isEmpty()) {
    showError(tr("Export"), problem);
    return false;
  }
  std::sort(rows.begin(), rows.end());
  bio::fasta_writer writer;
  status s = writer.open(path.toStdString());
  for (std::size_t i = 0; s && i < rows.size(); ++i) {
    const auto& d = results_->design(rows[i]);
    const auto* r = recordOf(d);
    // The whole record with the design written in when it is open; the designed region otherwise.
    s = writer.write({data::design_name(d), data::design_comment(d), r ? core::apply_design(r->bases, d) : d.sequence, {}});
  }
  if (s) s = writer.close();
  if (!s) {
    showError(tr("Export failed"), fromStd(s.message()));
    return false;
  }
  statusBar()->showMessage(tr("%n design(s) written to %1", nullptr, static_cast<int>(rows.size())).arg(path), 8000);
  return true;
}

// ---- window -----------------------------------------------------------------------------------------

void MainWindow::showError(const QString& title, const QString& message) {
  auto* box = new QMessageBox(QMessageBox::Critical, title, message, QMessageBox::Ok, this);
  box->setObjectName(QStringLiteral("errorDialog"));
  box->setTextFormat(Qt::PlainText);  // messages quote file and record names
  box->setAttribute(Qt::WA_DeleteOnClose);
  box->open();  // window-modal and not blocking: jobs keep reporting while it is up
  statusBar()->showMessage(message, 10000);
  Q_EMIT errorShown(message);
}

void MainWindow::closeEvent(QCloseEvent* event) {
  if (!mayDropWorkingRecords(tr("closing"))) return event->ignore();
  saveSettings();
  if (runner_) runner_->cancelAll();
  event->accept();
}

void MainWindow::dragEnterEvent(QDragEnterEvent* event) {
  if (event->mimeData()->hasUrls())
    for (const auto& url : event->mimeData()->urls())
      if (url.isLocalFile()) return event->acceptProposedAction();
}

void MainWindow::dropEvent(QDropEvent* event) {
  for (const auto& url : event->mimeData()->urls())
    if (url.isLocalFile()) {
      event->acceptProposedAction();
      return openFile(url.toLocalFile());
    }
}

}  // namespace dnafill::ui
