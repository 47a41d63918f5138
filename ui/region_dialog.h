// RegionDialog: for an indexed file (FASTA with .fai, BAM/CRAM with an index), choose a contig and a
// range to read instead of the whole file. The region comes back samtools-style (1-based inclusive).
#pragma once

#include <QDialog>

#include <string>
#include <utility>
#include <vector>

class QComboBox;
class QLabel;
class QPushButton;
class QRadioButton;
class QSpinBox;

namespace dnafill::ui {

class RegionDialog : public QDialog {
  Q_OBJECT
 public:
  RegionDialog(const QString& path, const QString& format,
               const std::vector<std::pair<std::string, std::int64_t>>& contigs, QWidget* parent = nullptr);

  // "NAME:START-END" (a whole contig is "NAME"), or empty for the whole file. Open is enabled only for
  // a region there is: a contig of the file (its name typed, where there are many), not empty, the end
  // not before the start.
  QString region() const;
  // Preselects a region (as region() gives it).
  void setRegion(const QString& contig, qint64 start, qint64 end);
  void accept() override;  // only with Open enabled (Return presses it otherwise too)

 private:
  void contigChanged();
  // The contig chosen: the current item, or the one whose name (or label) is typed; -1 for none.
  int contigIndex() const;
  void typedContig();
  void updateState();
  const std::vector<std::pair<std::string, std::int64_t>> contigs_;
  QRadioButton* wholeFile_ = nullptr;
  QRadioButton* oneRegion_ = nullptr;
  QComboBox* contig_ = nullptr;
  QSpinBox* start_ = nullptr;
  QSpinBox* end_ = nullptr;
  QLabel* length_ = nullptr;
  QPushButton* open_ = nullptr;
};

}  // namespace dnafill::ui
