// HistoryModel: every run recorded in the store (infill, generate, batch, from the studio or the
// command line), newest first, with its state and progress; MainWindow re-opens one from here.
#pragma once

#include <QAbstractTableModel>

#include <memory>
#include <vector>

#include "data/records.h"

namespace dnafill::data {
class store;
}

namespace dnafill::ui {

class HistoryModel : public QAbstractTableModel {
  Q_OBJECT
 public:
  enum Column {
    RunColumn,
    KindColumn,
    StatusColumn,
    StartedColumn,
    DesignsColumn,
    SettingsColumn,  // what was designed and how, in short (settingsSummary); every parameter in its tooltip
    InputColumn,
    ModelColumn,
    ColumnCount
  };
  Q_ENUM(Column)
  enum Role {
    SortRole = Qt::UserRole + 1,
    RunIdRole,
    KindRole,
    StatusRole,      // "running", "done", "failed", "cancelled", "interrupted" (killed; docs/store.md)
    SourcePathRole,  // the input file as recorded; empty for none
    ModelPathRole,
    ParametersRole,  // JSON
    ErrorRole,
  };
  Q_ENUM(Role)

  explicit HistoryModel(QObject* parent = nullptr);
  ~HistoryModel() override;

  void setStorePath(const QString& path);
  QString storePath() const { return storePath_; }
  // No store at `path` yet: no file, or an empty one (mktemp's). The first design makes it a store,
  // as the command line's writers do; until then its history is empty, not an error.
  static bool noStoreYet(const QString& path);
  // Reads the runs again; false with `error` set when the store cannot be read (noStoreYet is an
  // empty history, not an error).
  bool refresh(QString* error = nullptr);
  const data::run_record& run(int row) const { return runs_.at(static_cast<std::size_t>(row)); }
  int rowOfRun(qint64 runId) const;  // -1 when not listed

  int rowCount(const QModelIndex& parent = {}) const override;
  int columnCount(const QModelIndex& parent = {}) const override;
  QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
  QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;
  QHash<int, QByteArray> roleNames() const override;

 private:
  QVariant cell(const QModelIndex& index, int role) const;  // data(), before tooltips are made literal
  QString storePath_;
  std::unique_ptr<data::store> store_;
  std::vector<data::run_record> runs_;
};

// A run's parameters (the store's JSON) in short, for the Settings column: what was designed (the
// studio's holes, a --region, a --mask or generate's length), the sampler and its steps, a temperature,
// top-p or guidance off the default, "both strands" (RC ensembling), the seed, and how many constraint
// rules: "holes 201-300, ancestral 8, seed 1, 4 rules". Empty for parameters that are not a JSON object.
QString settingsSummary(const std::string& parameters);

}  // namespace dnafill::ui
