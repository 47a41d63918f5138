// BatchDialog: the form, and the batch job's progress and outcome.
#include "ui/batch_dialog.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QMessageBox>
#include <QProgressBar>
#include <QPushButton>
#include <QSignalBlocker>
#include <QSpinBox>
#include <QToolButton>
#include <QVBoxLayout>

#include "bio/sequence_source.h"
#include "ui/constraint_settings.h"
#include "ui/job_runner.h"
#include "ui/jobs.h"
#include "ui/text.h"

namespace dnafill::ui {

BatchDialog::BatchDialog(JobRunner* runner, QWidget* parent) : QDialog(parent), runner_(runner) {
  setWindowTitle(tr("Batch design"));
  setObjectName(QStringLiteral("batchDialog"));
  auto* layout = new QVBoxLayout(this);
  auto* intro = new QLabel(tr("Designs every masked region of every record of a file into a store, as "
                              "<tt>dnafill batch</tt> does. Interrupted, the same batch on the same store resumes."),
                           this);
  intro->setWordWrap(true);
  layout->addWidget(intro);
  layout->addLayout(buildForm());
  buildStatus(layout);
  layout->addWidget(buildButtons());
  connect(runner_, &JobRunner::jobProgress, this, [this](quint64 id, double fraction, const QString& detail) {
    if (id != jobId_) return;
    progress_->setValue(static_cast<int>(fraction * 1000));
    status_->setText(detail);
  });
  connect(runner_, &JobRunner::jobFinished, this, &BatchDialog::finished);
  resize(560, sizeHint().height());
}

// A line edit named `name` with a "..." button that browses for a file to open (or, `save`, to write).
QHBoxLayout* BatchDialog::fileRow(QLineEdit*& edit, const QString& name, bool save, const QString& filter) {
  edit = new QLineEdit(this);
  edit->setObjectName(name);
  auto* browseButton = new QToolButton(this);
  browseButton->setText(QStringLiteral("..."));
  connect(browseButton, &QToolButton::clicked, this, [this, edit, save, filter] { browse(edit, save, filter); });
  auto* row = new QHBoxLayout;
  row->addWidget(edit, 1);
  row->addWidget(browseButton);
  return row;
}

// What the batch reads and writes: the input, its alignment filters, the mask, the variants, the store
// and the optional FASTA.
QFormLayout* BatchDialog::buildForm() {
  auto* form = new QFormLayout;
  const QString sequences = tr("Sequence files (*.fa *.fasta *.fna *.fa.gz *.fasta.gz *.fq *.fastq *.fq.gz *.fastq.gz *.sam *.bam *.cram);;All files (*)");
  form->addRow(tr("Input file"), fileRow(input_, QStringLiteral("inputEdit"), false, sequences));
  form->addRow(tr("Alignments"), alignmentFilters());
  mask_ = new QComboBox(this);
  mask_->setObjectName(QStringLiteral("maskBox"));
  mask_->addItem(tr("lowercase (soft-masked) runs"), QStringLiteral("lowercase"));
  mask_->addItem(tr("runs of N"), QStringLiteral("N"));
  mask_->addItem(tr("intervals of a BED file"), QStringLiteral("bed"));
  form->addRow(tr("Mask"), mask_);
  // The BED field and its "..." button are on only for a BED mask: one widget holds both.
  auto* bedRow = new QWidget(this);
  bedRow->setLayout(fileRow(bed_, QStringLiteral("bedEdit"), false, tr("BED files (*.bed *.bed.gz);;All files (*)")));
  bedRow->layout()->setContentsMargins(0, 0, 0, 0);
  form->addRow(tr("BED file"), bedRow);
  bedRow->setEnabled(false);
  connect(mask_, &QComboBox::currentIndexChanged, this,
          [this, bedRow] { bedRow->setEnabled(mask_->currentData() == QLatin1String("bed")); });
  variants_ = new QSpinBox(this);
  variants_->setObjectName(QStringLiteral("batchVariantsBox"));
  variants_->setRange(1, 256);
  form->addRow(tr("Variants per region"), variants_);
  // What the user types or picks here is kept when the window proposes its own (proposeInput,
  // setDesignOptions); the window's proposals change the fields with their signals blocked.
  connect(variants_, &QSpinBox::valueChanged, this, [this] { variantsChosen_ = true; });
  connect(input_, &QLineEdit::textEdited, this, [this](const QString& text) { inputChosen_ = !text.trimmed().isEmpty(); });
  form->addRow(tr("Store"), fileRow(store_, QStringLiteral("storeEdit"), true, tr("dnafill stores (*.sqlite *.db);;All files (*)")));
  form->addRow(tr("FASTA out (optional)"), fileRow(fasta_, QStringLiteral("fastaEdit"), true, tr("FASTA (*.fa *.fa.gz);;All files (*)")));
  return form;
}

// The settings the batch runs with, its progress and its status line.
void BatchDialog::buildStatus(QVBoxLayout* layout) {
  settingsNote_ = new QLabel(this);
  settingsNote_->setTextFormat(Qt::PlainText);  // the rules name motifs as typed
  settingsNote_->setObjectName(QStringLiteral("settingsNote"));
  settingsNote_->setWordWrap(true);
  layout->addWidget(settingsNote_);
  progress_ = new QProgressBar(this);
  progress_->setRange(0, 1000);
  progress_->setValue(0);
  layout->addWidget(progress_);
  status_ = new QLabel(tr("Not started"), this);
  status_->setTextFormat(Qt::PlainText);  // messages quote file and record names
  status_->setObjectName(QStringLiteral("batchStatus"));
  status_->setWordWrap(true);
  status_->setTextInteractionFlags(Qt::TextSelectableByMouse);
  layout->addWidget(status_);
}

// Start, Cancel batch (on while one runs) and Close.
QDialogButtonBox* BatchDialog::buildButtons() {
  auto* buttons = new QDialogButtonBox(this);
  start_ = buttons->addButton(tr("Start"), QDialogButtonBox::AcceptRole);
  start_->setObjectName(QStringLiteral("startButton"));
  cancel_ = buttons->addButton(tr("Cancel batch"), QDialogButtonBox::ActionRole);
  cancel_->setObjectName(QStringLiteral("cancelBatchButton"));
  cancel_->setEnabled(false);
  close_ = buttons->addButton(QDialogButtonBox::Close);
  connect(start_, &QPushButton::clicked, this, &BatchDialog::start);
  connect(cancel_, &QPushButton::clicked, this, &BatchDialog::cancel);
  connect(close_, &QPushButton::clicked, this, &BatchDialog::reject);
  return buttons;
}

// Which reads of a SAM/BAM/CRAM file are designed; the row is on only while the input is one (a
// FASTA refuses the filters), told by the file's first bytes.
QWidget* BatchDialog::alignmentFilters() {
  filters_ = new QWidget(this);
  primary_ = new QCheckBox(tr("primary only"), filters_);
  primary_->setObjectName(QStringLiteral("primaryBox"));
  primary_->setToolTip(tr("Skip secondary and supplementary alignments (dnafill batch --primary)"));
  minMapq_ = new QSpinBox(filters_);
  minMapq_->setObjectName(QStringLiteral("minMapqBox"));
  minMapq_->setRange(0, 255);
  minMapq_->setToolTip(tr("Skip alignments with a lower MAPQ (dnafill batch --min-mapq)"));
  auto* row = new QHBoxLayout(filters_);
  row->setContentsMargins(0, 0, 0, 0);
  row->addWidget(primary_);
  row->addSpacing(16);
  row->addWidget(new QLabel(tr("minimum MAPQ"), filters_));
  row->addWidget(minMapq_);
  row->addStretch(1);
  filters_->setEnabled(false);
  connect(input_, &QLineEdit::textChanged, this,
          [this](const QString& path) { filters_->setEnabled(bio::holds_alignments(path.trimmed().toStdString())); });
  return filters_;
}

void BatchDialog::setAlignmentFilters(bool primaryOnly, int minMapq) {
  primary_->setChecked(primaryOnly);
  minMapq_->setValue(minMapq);
}
bool BatchDialog::alignmentFiltersEnabled() const { return filters_->isEnabled(); }

void BatchDialog::setDesignOptions(const core::design_options& options) {
  options_ = options;
  if (!variantsChosen_) {
    const QSignalBlocker proposing(variants_);
    variants_->setValue(options.variants);
  }
  const auto rules = describeRules(options.constraints);
  settingsNote_->setText(tr("Sampler settings and constraints come from the design panel. Constraints: %1.")
                             .arg(rules.empty() ? tr("none") : QString::fromStdString(rules)));
}
void BatchDialog::setInput(const QString& path) {
  input_->setText(path);
  inputChosen_ = !path.trimmed().isEmpty();
}
void BatchDialog::proposeInput(const QString& path) {
  if (!inputChosen_ || input_->text().trimmed().isEmpty()) input_->setText(path);
}
void BatchDialog::setStorePath(const QString& path) { store_->setText(path); }
void BatchDialog::setVariants(int variants) {
  variants_->setValue(variants);
  variantsChosen_ = true;
}
void BatchDialog::setFastaOut(const QString& path) { fasta_->setText(path); }
void BatchDialog::setMask(const QString& mask) {
  if (mask.startsWith(QLatin1String("bed:"))) {
    mask_->setCurrentIndex(mask_->findData(QStringLiteral("bed")));
    bed_->setText(mask.mid(4));
  } else {
    mask_->setCurrentIndex(std::max(0, mask_->findData(mask)));
  }
}

QString BatchDialog::statusText() const { return status_->text(); }

QString BatchDialog::maskText() const {
  const QString mode = mask_->currentData().toString();
  return mode == QLatin1String("bed") ? QStringLiteral("bed:") + bed_->text().trimmed() : mode;
}

void BatchDialog::browse(QLineEdit* edit, bool save, const QString& filter) {
  const QString path = save ? QFileDialog::getSaveFileName(this, tr("Choose a file"), edit->text(), filter, nullptr,
                                                           QFileDialog::DontConfirmOverwrite)
                            : QFileDialog::getOpenFileName(this, tr("Choose a file"), edit->text(), filter);
  if (path.isEmpty()) return;
  edit->setText(path);
  if (edit == input_) inputChosen_ = true;
}

void BatchDialog::start() {
  if (running()) return;
  QString problem;
  if (!model_ || !model_->loaded()) problem = tr("No model is loaded yet.");
  else if (input_->text().trimmed().isEmpty()) problem = tr("Input file: choose the file to design.");
  else if (!QFileInfo(input_->text().trimmed()).isFile()) problem = tr("Input file: %1 does not exist.").arg(input_->text().trimmed());
  else if (store_->text().trimmed().isEmpty()) problem = tr("Store: a batch records its run in a store, to resume it.");
  else if (mask_->currentData() == QLatin1String("bed") && bed_->text().trimmed().isEmpty()) problem = tr("BED file: choose one.");
  if (!problem.isEmpty()) {
    status_->setText(problem);
    status_->setStyleSheet(problemStyle());
    return;
  }
  status_->setStyleSheet({});
  BatchRequest request;
  request.model = model_;
  request.input = input_->text().trimmed().toStdString();
  request.cramReference = cramReference_.toStdString();
  request.openFile = openFile_.toStdString();
  if (bio::holds_alignments(request.input)) {  // as the file is now, not as it was when its name was typed
    request.primaryOnly = primary_->isChecked();
    request.minMapq = minMapq_->value();
  }
  request.mask = maskText().toStdString();
  request.storePath = store_->text().trimmed().toStdString();
  request.fastaOut = fasta_->text().trimmed().toStdString();
  request.options = options_;
  request.options.variants = variants_->value();
  progress_->setValue(0);
  status_->setText(tr("Starting..."));
  runStore_ = store_->text().trimmed();
  jobId_ = runner_->submit(tr("batch"), [request](JobContext& context) { return batchJob(context, request); });
  start_->setEnabled(false);
  cancel_->setEnabled(true);
  close_->setEnabled(false);
}

void BatchDialog::cancel() {
  if (!running()) return;
  runner_->cancel(jobId_);
  status_->setText(tr("Cancelling..."));
}

void BatchDialog::reject() {
  if (running()) {
    QMessageBox box(QMessageBox::Question, tr("Batch running"),
                    tr("A batch is running. Cancel it? The same batch on the same store resumes it later."),
                    QMessageBox::NoButton, this);
    box.setObjectName(QStringLiteral("cancelBatchQuestion"));
    auto* stop = box.addButton(tr("Cancel batch"), QMessageBox::DestructiveRole);
    box.setDefaultButton(box.addButton(tr("Keep running"), QMessageBox::RejectRole));
    box.exec();
    if (box.clickedButton() != stop) return;
    cancel();  // nothing when the batch ended while the question was up
  }
  QDialog::reject();
}

void BatchDialog::finished(quint64 id, const JobOutcome& outcome) {
  if (id != jobId_) return;
  jobId_ = 0;
  start_->setEnabled(true);
  cancel_->setEnabled(false);
  close_->setEnabled(true);
  // A run of its own, or none (a batch refused before its store was opened): not the last one's.
  const auto* result = std::any_cast<BatchResult>(&outcome.payload);
  switch (outcome.status) {
    case JobOutcome::Status::Done: {
      const auto& r = std::any_cast<const BatchResult&>(outcome.payload);
      const auto& p = r.summary.progress;
      progress_->setValue(1000);
      QString text = tr("Run %1 %2: %3")
                         .arg(r.runId)
                         .arg(r.resumed ? tr("resumed and done") : tr("done"))
                         .arg(QString::fromStdString(core::describe_done(p)));
      const auto& c = r.constraints;
      if (c.failed > 0) {
        text += tr("; %1 of %2 violate the constraints (first: %3)").arg(c.failed).arg(c.designs).arg(QString::fromStdString(c.first_failure));
        status_->setStyleSheet(problemStyle());
      }
      status_->setText(text);
      break;
    }
    case JobOutcome::Status::Cancelled:
      status_->setText(outcome.message);
      break;
    case JobOutcome::Status::Failed: {
      status_->setText(outcome.message);
      status_->setStyleSheet(problemStyle());
      auto* box = new QMessageBox(QMessageBox::Warning, tr("Batch failed"), outcome.message, QMessageBox::Ok, this);
      box->setObjectName(QStringLiteral("errorDialog"));
      box->setTextFormat(Qt::PlainText);
      box->setAttribute(Qt::WA_DeleteOnClose);
      box->open();
      break;
    }
  }
  if (result && result->runId > 0) Q_EMIT batchFinished(result->runId, runStore_);
}

}  // namespace dnafill::ui
