// HistoryModel: the runs of a read-only store, newest first.
#include "ui/history_model.h"

#include <QFileInfo>

#include <algorithm>

#include <nlohmann/json.hpp>

#include "core/run_parameters.h"
#include "data/store.h"
#include "ui/text.h"

namespace dnafill::ui {
namespace {

// "2026-11-30T10:05:04.922Z" (the store's ISO 8601 UTC) as "2026-11-30 10:05:04", under "Started (UTC)".
QString startedText(const std::string& iso) {
  QString text = QString::fromStdString(iso).replace(QLatin1Char('T'), QLatin1Char(' '));
  text.chop(text.endsWith(QLatin1Char('Z')) ? 1 : 0);
  const auto dot = text.indexOf(QLatin1Char('.'));
  return dot < 0 ? text : text.left(dot);
}

// The run's parameters (core::make_run_record's JSON object) as "key: value" lines, for the tooltip.
QString parameterLines(const nlohmann::json& p) {
  QStringList lines;
  for (const auto& [key, value] : p.items())
    lines << QString::fromStdString(key + ": " + (value.is_string() ? value.get<std::string>() : value.dump()));
  return lines.join(QLatin1Char('\n'));
}

// What a run's status means, for the tooltip of one without an error of its own.
QString statusMeaning(const data::run_record& r) {
  const QString resumable = r.kind == "batch" ? HistoryModel::tr(" The same batch takes it up.") : QString();
  switch (r.status) {
    case data::run_status::running: return HistoryModel::tr("A process is writing this run now.");
    case data::run_status::done: return HistoryModel::tr("Finished.");
    case data::run_status::cancelled: return HistoryModel::tr("Stopped before its end; the designs made are kept.") + resumable;
    case data::run_status::interrupted:
      return HistoryModel::tr("Recorded as running, but no process writes the store: it was killed.") + resumable;
    case data::run_status::failed: return HistoryModel::tr("Failed.");
  }
  return {};
}

}  // namespace

QString settingsSummary(const std::string& parameters) {
  core::run_parameters p;
  if (!core::read_run_parameters(parameters, p)) return {};
  const auto text = [](const std::string& s) { return QString::fromStdString(s); };
  QStringList parts;
  // What was designed: the studio's holes, a --region, a --mask, or generate's length.
  if (!p.holes.empty()) parts << QStringLiteral("holes %1").arg(text(core::format_holes(p.holes)));
  else if (!p.region.empty()) parts << text(p.region);
  else if (!p.mask.empty()) parts << QStringLiteral("mask %1").arg(text(p.mask));
  else if (p.length) parts << QStringLiteral("%1 bp").arg(*p.length);
  // How: the sampler (with its steps unless it is the exact one), and what moves it off the model's own draw.
  if (!p.sampler.empty())
    parts << (p.sampler == "first-hit" || !p.steps || *p.steps <= 0 ? text(p.sampler)
                                                                      : QStringLiteral("%1 %2").arg(text(p.sampler)).arg(*p.steps));
  if (p.temperature != 1.0) parts << QStringLiteral("T %1").arg(p.temperature);
  if (p.top_p != 1.0) parts << QStringLiteral("top-p %1").arg(p.top_p);
  if (p.guidance != 0.0) parts << QStringLiteral("guidance %1").arg(p.guidance);
  if (p.rc_ensemble) parts << QStringLiteral("both strands");
  if (p.seed) parts << QStringLiteral("seed %1").arg(*p.seed);
  const auto rules = std::count_if(p.constraints.begin(), p.constraints.end(),
                                   [](const std::string& rule) { return rule != "unfilled"; });  // every check has "unfilled"
  if (rules > 0) parts << (rules == 1 ? QStringLiteral("1 rule") : QStringLiteral("%1 rules").arg(rules));
  return parts.join(QStringLiteral(", "));
}

HistoryModel::HistoryModel(QObject* parent) : QAbstractTableModel(parent) {}
HistoryModel::~HistoryModel() = default;

void HistoryModel::setStorePath(const QString& path) {
  if (path == storePath_) return;
  beginResetModel();
  storePath_ = path;
  store_.reset();
  runs_.clear();
  endResetModel();
}

bool HistoryModel::noStoreYet(const QString& path) {
  const QFileInfo file(path);
  return !file.exists() || (file.isFile() && file.size() == 0);
}

bool HistoryModel::refresh(QString* error) {
  std::vector<data::run_record> runs;
  bool ok = true;
  if (store_ && !store_->still_at_path()) store_.reset();  // removed or replaced: what is there now is read
  if (!storePath_.isEmpty() && !noStoreYet(storePath_)) {
    if (!store_ || !store_->is_open()) {
      auto db = std::make_unique<data::store>();
      if (auto s = db->open(storePath_.toStdString(), data::store_options::reader()); !s) {
        if (error) *error = QString::fromStdString(s.message());
        ok = false;
      } else {
        store_ = std::move(db);
      }
    }
    if (ok) {
      if (auto s = store_->list_runs(runs); !s) {
        if (error) *error = QString::fromStdString(s.message());
        ok = false;
        runs.clear();
        store_.reset();
      }
    }
  }
  std::sort(runs.begin(), runs.end(), [](const auto& a, const auto& b) { return a.id > b.id; });
  beginResetModel();
  runs_ = std::move(runs);
  endResetModel();
  return ok;
}

int HistoryModel::rowOfRun(qint64 runId) const {
  for (std::size_t i = 0; i < runs_.size(); ++i)
    if (runs_[i].id == runId) return static_cast<int>(i);
  return -1;
}

int HistoryModel::rowCount(const QModelIndex& parent) const { return parent.isValid() ? 0 : static_cast<int>(runs_.size()); }
int HistoryModel::columnCount(const QModelIndex& parent) const { return parent.isValid() ? 0 : ColumnCount; }

QVariant HistoryModel::data(const QModelIndex& index, int role) const { return literalToolTips(role, cell(index, role)); }

QVariant HistoryModel::cell(const QModelIndex& index, int role) const {
  if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid)) return {};
  const auto& r = runs_[static_cast<std::size_t>(index.row())];
  const QString source = r.source ? QString::fromStdString(r.source->path) : QString();
  const QString status = QString::fromLatin1(data::run_status_name(r.status));
  auto total = [](std::int64_t n) { return n < 0 ? QStringLiteral("?") : QString::number(n); };
  switch (role) {
    case Qt::DisplayRole:
      switch (index.column()) {
        case RunColumn: return static_cast<qlonglong>(r.id);
        case KindColumn: return QString::fromStdString(r.kind);
        case StatusColumn: return status;
        case StartedColumn: return startedText(r.started_at);
        case DesignsColumn: return QStringLiteral("%1/%2").arg(r.designs_done).arg(total(r.designs_total));
        case SettingsColumn: return settingsSummary(r.parameters);
        case InputColumn: return source.isEmpty() ? QStringLiteral("-") : QFileInfo(source).fileName();
        case ModelColumn: return QFileInfo(QString::fromStdString(r.model.path)).fileName();
      }
      return {};
    case Qt::ToolTipRole:
      if (index.column() == InputColumn) return source;
      if (index.column() == ModelColumn) return QString::fromStdString(r.model.path);
      if (index.column() == SettingsColumn) {
        const auto p = nlohmann::json::parse(r.parameters, nullptr, false);
        return p.is_object() ? parameterLines(p) : QString();
      }
      if (index.column() == StatusColumn) return r.error.empty() ? statusMeaning(r) : QString::fromStdString(r.error);
      return QString::fromStdString(r.parameters);
    case SortRole:
      switch (index.column()) {
        case RunColumn: return static_cast<qlonglong>(r.id);
        case DesignsColumn: return static_cast<qlonglong>(r.designs_done);
        default: return data(index, Qt::DisplayRole);
      }
    case RunIdRole: return static_cast<qlonglong>(r.id);
    case KindRole: return QString::fromStdString(r.kind);
    case StatusRole: return status;
    case SourcePathRole: return source;
    case ModelPathRole: return QString::fromStdString(r.model.path);
    case ParametersRole: return QString::fromStdString(r.parameters);
    case ErrorRole: return QString::fromStdString(r.error);
  }
  return {};
}

QVariant HistoryModel::headerData(int section, Qt::Orientation orientation, int role) const {
  if (orientation != Qt::Horizontal || role != Qt::DisplayRole) return QAbstractTableModel::headerData(section, orientation, role);
  switch (section) {
    case RunColumn: return tr("Run");
    case KindColumn: return tr("Kind");
    case StatusColumn: return tr("Status");
    case StartedColumn: return tr("Started (UTC)");
    case DesignsColumn: return tr("Designs");
    case InputColumn: return tr("Input");
    case SettingsColumn: return tr("Settings");
    case ModelColumn: return tr("Model");
  }
  return {};
}

QHash<int, QByteArray> HistoryModel::roleNames() const {
  auto names = QAbstractTableModel::roleNames();
  names[SortRole] = "sort";
  names[RunIdRole] = "runId";
  names[KindRole] = "kind";
  names[StatusRole] = "status";
  names[SourcePathRole] = "sourcePath";
  names[ModelPathRole] = "modelPath";
  names[ParametersRole] = "parameters";
  names[ErrorRole] = "error";
  return names;
}

}  // namespace dnafill::ui
