// ResultsModel: designs of a run from a read-only store.
#include "ui/results_model.h"

#include <QFileInfo>

#include <cmath>

#include "core/job.h"
#include "data/store.h"
#include "ui/document.h"
#include "ui/sequence_view.h"
#include "ui/text.h"

namespace dnafill::ui {

ResultsModel::ResultsModel(QObject* parent) : QAbstractTableModel(parent) {}
ResultsModel::~ResultsModel() = default;

void ResultsModel::setStorePath(const QString& path) {
  if (path == storePath_) return;
  beginResetModel();
  storePath_ = path;
  store_.reset();
  rows_.clear();
  runId_ = 0;
  endResetModel();
}

bool ResultsModel::openStore(QString* error) {
  if (store_ && !store_->still_at_path()) store_.reset();  // removed or replaced: what is there now is read
  if (store_ && store_->is_open()) return true;
  if (storePath_.isEmpty() || !QFileInfo::exists(storePath_)) {
    if (error) *error = tr("%1: no store yet").arg(storePath_);
    return false;
  }
  auto db = std::make_unique<data::store>();
  if (auto s = db->open(storePath_.toStdString(), data::store_options::reader()); !s) {
    if (error) *error = QString::fromStdString(s.message());
    return false;
  }
  store_ = std::move(db);
  return true;
}

bool ResultsModel::showRun(qint64 runId, QString* error) {
  runId_ = runId;
  return refresh(error);
}

bool ResultsModel::refresh(QString* error) {
  std::vector<Row> rows;
  bool ok = true;
  if (runId_ > 0) {
    if (!openStore(error)) {
      ok = false;
    } else {
      auto s = store_->for_each_design(runId_, [&rows](data::design_record& d) {
        rows.push_back({std::move(d), -1});
        return status{};
      });
      if (!s) {
        if (error) *error = QString::fromStdString(s.message());
        ok = false;
        rows.clear();
        store_.reset();  // reopen next time (the file may have been replaced)
      }
    }
  }
  beginResetModel();
  rows_ = std::move(rows);
  updateFromRecords();
  endResetModel();
  return ok;
}

void ResultsModel::setRecordLookup(RecordLookup lookup) {
  records_ = std::move(lookup);
  recordsChanged();
}

void ResultsModel::recordsChanged() {
  updateFromRecords();
  if (!rows_.empty()) Q_EMIT dataChanged(index(0, 0), index(rowCount() - 1, ColumnCount - 1));
}

void ResultsModel::updateFromRecords() {
  for (auto& row : rows_) {
    const WorkingRecord* r = records_ ? records_(row.design) : nullptr;
    row.edits = r ? ui::countEdits(r->bases, row.design.region_start, row.design.sequence) : -1;
    row.contigStart = r ? firstPositionOf(r->start, r->bases.size()) - 1 : 0;  // as the ruler numbers it
  }
}

QString ResultsModel::constraintsToolTip(const data::design_record& d) {
  if (d.constraints_ok) return tr("No violation: the design passed the independent check of the run's constraints");
  const auto violations = core::read_design_check(d).violations;
  QStringList lines;
  for (const auto& v : violations) {
    if (lines.size() == maxViolationsShown) {
      lines << tr("... and %1 more").arg(static_cast<qsizetype>(violations.size()) - maxViolationsShown);
      break;
    }
    lines << QString::fromStdString(v.constraint + ": " + v.detail);
  }
  return tr("Violates the constraints:\n%1").arg(lines.isEmpty() ? tr("(no detail kept)") : lines.join(QLatin1Char('\n')));
}

int ResultsModel::rowCount(const QModelIndex& parent) const { return parent.isValid() ? 0 : static_cast<int>(rows_.size()); }
int ResultsModel::columnCount(const QModelIndex& parent) const { return parent.isValid() ? 0 : ColumnCount; }

QVariant ResultsModel::data(const QModelIndex& index, int role) const { return literalToolTips(role, cell(index, role)); }

QVariant ResultsModel::cell(const QModelIndex& index, int role) const {
  if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid)) return {};
  const Row& row = rows_[static_cast<std::size_t>(index.row())];
  const auto& d = row.design;
  const bool scored = !std::isnan(d.bits_per_base);
  switch (role) {
    case Qt::DisplayRole:
      switch (index.column()) {
        case VariantColumn: return d.variant;
        case RecordColumn: return QString::fromStdString(d.record);
        case RegionColumn:
          return QStringLiteral("%1-%2").arg(withSeparators(row.contigStart + d.region_start + 1), withSeparators(row.contigStart + d.region_end));
        case BitsColumn: return scored ? QString::number(d.bits_per_base, 'f', 3) : QStringLiteral("-");
        case GcColumn: return QString::number(100.0 * d.gc, 'f', 1);
        case ConstraintsColumn: return d.constraints_ok ? tr("ok") : tr("failed");
        case EditsColumn: return row.edits >= 0 ? QVariant(row.edits) : QVariant(QStringLiteral("-"));
      }
      return {};
    case Qt::ToolTipRole:
      if (index.column() == ConstraintsColumn) return constraintsToolTip(d);
      if (index.column() == BitsColumn) return tr("The model's conditional bits/base of the designed bases (2.0 = chance)");
      if (index.column() == EditsColumn) return tr("Bases of the region that differ from the original");
      if (index.column() == RegionColumn)  // several holes of a record are one design: from the first to the last
        return (row.contigStart > 0 ? tr("Bases %1-%2 of the contig, %3-%4 of the record %5 (1-based); %6 of them designed: the holes")
                                          .arg(withSeparators(row.contigStart + d.region_start + 1), withSeparators(row.contigStart + d.region_end))
                                    : tr("Bases %1-%2 of the record %5 (1-based); %6 of them designed: the holes"))
            .arg(withSeparators(d.region_start + 1), withSeparators(d.region_end), QString::fromStdString(d.record), withSeparators(d.designed_bases));
      if (index.column() == GcColumn) return tr("GC % of the designed bases");
      return {};
    case Qt::TextAlignmentRole:
      return index.column() == RecordColumn ? QVariant(Qt::AlignLeft | Qt::AlignVCenter)
                                            : QVariant(Qt::AlignRight | Qt::AlignVCenter);
    case SortRole:
      switch (index.column()) {
        case VariantColumn: return d.variant;
        case RecordColumn: return QString::fromStdString(d.record);
        case RegionColumn: return static_cast<qlonglong>(d.region_start);
        case BitsColumn: return scored ? d.bits_per_base : 1e9;
        case GcColumn: return d.gc;
        case ConstraintsColumn: return d.constraints_ok ? 1 : 0;
        case EditsColumn: return static_cast<qlonglong>(row.edits);
      }
      return {};
    case RunIdRole: return static_cast<qlonglong>(d.run_id);
    case RecordRole: return QString::fromStdString(d.record);
    case RecordIndexRole: return static_cast<qlonglong>(d.record_index);
    case RegionStartRole: return static_cast<qlonglong>(d.region_start);
    case RegionEndRole: return static_cast<qlonglong>(d.region_end);
    case VariantRole: return d.variant;
    case SequenceRole: return QString::fromStdString(d.sequence);
    case BitsPerBaseRole: return scored ? QVariant(d.bits_per_base) : QVariant();
    case GcRole: return d.gc;
    case ConstraintsOkRole: return d.constraints_ok;
    case EditsRole: return static_cast<qlonglong>(row.edits);
  }
  return {};
}

QVariant ResultsModel::headerData(int section, Qt::Orientation orientation, int role) const {
  if (orientation != Qt::Horizontal || role != Qt::DisplayRole) return QAbstractTableModel::headerData(section, orientation, role);
  switch (section) {
    case VariantColumn: return tr("Variant");
    case RecordColumn: return tr("Record");
    case RegionColumn: return tr("Region");
    case BitsColumn: return tr("Bits/base");
    case GcColumn: return tr("GC %");
    case ConstraintsColumn: return tr("Constraints");
    case EditsColumn: return tr("Edits");
  }
  return {};
}

QHash<int, QByteArray> ResultsModel::roleNames() const {
  auto names = QAbstractTableModel::roleNames();
  names[SortRole] = "sort";
  names[RunIdRole] = "runId";
  names[RecordRole] = "record";
  names[RecordIndexRole] = "recordIndex";
  names[RegionStartRole] = "regionStart";
  names[RegionEndRole] = "regionEnd";
  names[VariantRole] = "variant";
  names[SequenceRole] = "sequence";
  names[BitsPerBaseRole] = "bitsPerBase";
  names[GcRole] = "gc";
  names[ConstraintsOkRole] = "constraintsOk";
  names[EditsRole] = "edits";
  return names;
}

}  // namespace dnafill::ui
