// BatchDialog: a batch over a whole file, as `dnafill batch` runs it: input file, mask mode, variants,
// store (and an optional FASTA); a progress bar with records, designs, rate and ETA; Cancel. The
// same batch on the same store resumes an interrupted run, whether the studio or the CLI started it.
#pragma once

#include <QDialog>

#include <memory>

#include "core/checkpoint.h"
#include "core/design.h"

class QCheckBox;
class QComboBox;
class QDialogButtonBox;
class QFormLayout;
class QHBoxLayout;
class QLabel;
class QLineEdit;
class QProgressBar;
class QPushButton;
class QSpinBox;
class QVBoxLayout;

namespace dnafill::ui {

class JobRunner;
struct JobOutcome;

class BatchDialog : public QDialog {
  Q_OBJECT
 public:
  BatchDialog(JobRunner* runner, QWidget* parent = nullptr);

  void setModel(std::shared_ptr<core::mdm_model> model) { model_ = std::move(model); }
  // The sampler settings and constraints of the design panel; the dialog's own variants field overrides
  // `variants`. The field takes the panel's number until the user changes it.
  void setDesignOptions(const core::design_options& options);
  void setInput(const QString& path);
  // The window's file as the input, unless the user chose one (typed, browsed or set): reopening the
  // dialog keeps what the user chose.
  void proposeInput(const QString& path);
  void setStorePath(const QString& path);
  void setCramReference(const QString& path) { cramReference_ = path; }  // decodes a CRAM input
  void setOpenFile(const QString& path) { openFile_ = path; }  // the window's file: the FASTA may not land on it
  void setMask(const QString& mask);  // "lowercase", "N" or "bed:FILE"
  void setVariants(int variants);
  void setFastaOut(const QString& path);
  // SAM/BAM/CRAM input: the reads a batch takes, as `dnafill batch --primary --min-mapq` (the fields are
  // on only for such a file).
  void setAlignmentFilters(bool primaryOnly, int minMapq);
  bool alignmentFiltersEnabled() const;

  bool running() const { return jobId_ != 0; }
  QString statusText() const;
  QPushButton* startButton() const { return start_; }
  QPushButton* cancelButton() const { return cancel_; }

 public Q_SLOTS:
  void start();
  void cancel();

 Q_SIGNALS:
  void batchFinished(qint64 runId, const QString& storePath);  // the store the run is in

 protected:
  // Escape or the window's close button: while a batch runs, asks whether to cancel it (the Close
  // button is off then).
  void reject() override;

 private:
  QFormLayout* buildForm();
  void buildStatus(QVBoxLayout* layout);
  QDialogButtonBox* buildButtons();
  QHBoxLayout* fileRow(QLineEdit*& edit, const QString& name, bool save, const QString& filter);
  void finished(quint64 id, const JobOutcome& outcome);
  QString maskText() const;
  QWidget* alignmentFilters();
  void browse(QLineEdit* edit, bool save, const QString& filter);

  JobRunner* runner_;
  std::shared_ptr<core::mdm_model> model_;
  core::design_options options_;
  QString cramReference_;
  QString openFile_;
  QLineEdit* input_ = nullptr;
  QComboBox* mask_ = nullptr;
  QLineEdit* bed_ = nullptr;
  QWidget* filters_ = nullptr;  // the two below, on for an alignments file
  QCheckBox* primary_ = nullptr;
  QSpinBox* minMapq_ = nullptr;
  QSpinBox* variants_ = nullptr;
  QLineEdit* store_ = nullptr;
  QLineEdit* fasta_ = nullptr;
  QProgressBar* progress_ = nullptr;
  QLabel* status_ = nullptr;
  QLabel* settingsNote_ = nullptr;  // the sampler and constraints the batch runs with
  QPushButton* start_ = nullptr;
  QPushButton* cancel_ = nullptr;
  QPushButton* close_ = nullptr;
  bool inputChosen_ = false, variantsChosen_ = false;  // by the user: the window's proposals leave them
  QString runStore_;  // the store of the batch running or last run
  quint64 jobId_ = 0;
};

}  // namespace dnafill::ui
