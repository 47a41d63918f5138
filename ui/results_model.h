// ResultsModel: the designs of one run, read from the SQLite store: one row per variant with its
// bits/base, GC, constraints and edits against the original. A table model over a read-only store
// connection (readers never block the writer: WAL), refreshed when a job finishes.
#pragma once

#include <QAbstractTableModel>

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "data/records.h"

namespace dnafill::data {
class store;
}

namespace dnafill::ui {

struct WorkingRecord;

class ResultsModel : public QAbstractTableModel {
  Q_OBJECT
 public:
  enum Column { VariantColumn, RecordColumn, RegionColumn, BitsColumn, GcColumn, ConstraintsColumn, EditsColumn, ColumnCount };
  Q_ENUM(Column)
  enum Role {
    SortRole = Qt::UserRole + 1,  // numbers for sorting
    RunIdRole,
    RecordRole,
    RecordIndexRole,
    RegionStartRole,  // 0-based
    RegionEndRole,    // 0-based, exclusive
    VariantRole,
    SequenceRole,     // the designed region's bases
    BitsPerBaseRole,
    GcRole,
    ConstraintsOkRole,
    EditsRole,        // -1 when the original is not known
  };
  Q_ENUM(Role)

  // The open record a design was made on, or null when it is not open: its bases count the edits, and
  // its start in its contig (a FASTA region's) numbers the Region column as the ruler does.
  using RecordLookup = std::function<const WorkingRecord*(const data::design_record&)>;

  explicit ResultsModel(QObject* parent = nullptr);
  ~ResultsModel() override;

  // The store to read (it may not exist yet: the model is then empty). Errors come back as text.
  void setStorePath(const QString& path);
  QString storePath() const { return storePath_; }
  // Shows the designs of `runId` (0: none). Returns false with `error` set when the store cannot be read.
  bool showRun(qint64 runId, QString* error = nullptr);
  qint64 runId() const { return runId_; }
  bool refresh(QString* error = nullptr);
  void setRecordLookup(RecordLookup lookup);
  // The open records changed (an accepted variant): edits and positions are taken again.
  void recordsChanged();

  const data::design_record& design(int row) const { return rows_.at(static_cast<std::size_t>(row)).design; }

  int rowCount(const QModelIndex& parent = {}) const override;
  int columnCount(const QModelIndex& parent = {}) const override;
  QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
  QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;
  QHash<int, QByteArray> roleNames() const override;

 private:
  QVariant cell(const QModelIndex& index, int role) const;  // data(), before tooltips are made literal
  struct Row {
    data::design_record design;
    qint64 edits = -1;
    qint64 contigStart = 0;  // where the design's record begins in its contig, when it is open
  };
  bool openStore(QString* error);
  void updateFromRecords();
  // "Violates the constraints:" and the first violations of the store's report, one a line.
  static QString constraintsToolTip(const data::design_record& d);
  static constexpr int maxViolationsShown = 10;

  QString storePath_;
  std::unique_ptr<data::store> store_;  // read-only, opened on first use
  qint64 runId_ = 0;
  std::vector<Row> rows_;
  RecordLookup records_;
};

}  // namespace dnafill::ui
