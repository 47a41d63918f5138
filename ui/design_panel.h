// DesignPanel: what to design and how. The holes (mask the selection, lowercase or N runs), the
// sampler (kind, steps, temperature, top-p, variants, seed, guidance, both strands), the constraints
// (GC range and window, homopolymer limit, motifs and enzymes with completion, presets) and generation
// of a new sequence of a given length, in a form that scrolls; Generate and Cancel stay pinned below
// it. It only fills core::design_options and ConstraintSettings; MainWindow runs the jobs.
#pragma once

#include <QCompleter>
#include <QWidget>

#include <string>
#include <vector>

#include "core/design.h"
#include "ui/constraint_settings.h"

class QCheckBox;
class QComboBox;
class QDoubleSpinBox;
class QGroupBox;
class QHBoxLayout;
class QLabel;
class QLineEdit;
class QPushButton;
class QSpinBox;

namespace dnafill::ui {

// Completes the last comma-separated word of a line edit ("EcoRI, Bs" -> "EcoRI, BsaI").
class ListCompleter : public QCompleter {
  Q_OBJECT
 public:
  ListCompleter(const QStringList& words, QObject* parent = nullptr);
  QStringList splitPath(const QString& path) const override;
  QString pathFromIndex(const QModelIndex& index) const override;
};

// Enzyme names of bio/enzymes.h, for completion.
QStringList enzymeNames();

// Each of `names` that is neither a known enzyme nor an IUPAC motif, as bio says it ("'FooI' is neither
// a known enzyme nor an IUPAC motif").
QStringList unknownMotifs(const std::vector<std::string>& names);
// Shows `problems` on a field of enzyme names and motifs (the panel's Avoid, the window's Sites): in red,
// listed in its tooltip; without any, `fine` is its tooltip.
void showMotifProblems(QLineEdit* field, const QStringList& problems, const QString& fine);

class DesignPanel : public QWidget {
  Q_OBJECT
 public:
  explicit DesignPanel(QWidget* parent = nullptr);

  // The sampler settings as core takes them (validated by core when the job starts).
  core::design_options designOptions() const;
  void setDesignOptions(const core::design_options& options);
  ConstraintSettings constraints() const;
  void setConstraints(const ConstraintSettings& constraints);
  // Chooses bio's preset ("twist", "idt", "golden-gate"; empty = none), whose rules are added to the
  // fields' own; false when unknown.
  bool applyPreset(const QString& name);

  qint64 newSequenceLength() const;
  QString newSequenceName() const;

  // While a design runs: Generate is disabled, Cancel enabled.
  void setBusy(bool busy);
  // Whether a record is shown (enables the hole buttons) and has something to design (enables Generate).
  void setHoles(bool haveRecord, int holes, qint64 bases, bool haveSelection);
  void setModelReady(bool ready);

  QPushButton* generateButton() const { return generate_; }
  QPushButton* cancelButton() const { return cancel_; }
  QPushButton* maskButton() const { return mask_; }
  QPushButton* generateNewButton() const { return generateNew_; }
  QLineEdit* avoidEdit() const { return avoid_; }
  QComboBox* presetBox() const { return preset_; }

 Q_SIGNALS:
  void maskSelectionRequested();
  void unmaskSelectionRequested();
  void maskLowercaseRequested();
  void maskNRequested();
  void clearMasksRequested();
  void infillRequested();  // the Generate button: fill the masked holes
  void generateNewRequested(qint64 length, const QString& name);
  void cancelRequested();
  void constraintsChanged();
  void bothStrandsToggled();  // "Both strands": the confidence track is read again

 private:
  QGroupBox* buildHolesBox();
  QGroupBox* buildSamplerBox();
  QGroupBox* buildConstraintsBox();
  void buildPresetChoice();  // the parts of the constraints box
  QHBoxLayout* buildGcBoxes();
  void buildLimitBoxes();
  QHBoxLayout* buildButtons();
  QGroupBox* buildNewSequenceBox();
  void validateAvoid();
  void showPreset(const QString& name);
  void updateButtons();

  QComboBox* sampler_ = nullptr;
  QSpinBox* steps_ = nullptr;
  QDoubleSpinBox* temperature_ = nullptr;
  QDoubleSpinBox* topP_ = nullptr;
  QSpinBox* variants_ = nullptr;
  QSpinBox* seed_ = nullptr;
  QDoubleSpinBox* guidance_ = nullptr;
  QSpinBox* scoreDraws_ = nullptr;
  QCheckBox* rcEnsemble_ = nullptr;

  QGroupBox* constraintsBox_ = nullptr;
  QComboBox* preset_ = nullptr;
  QDoubleSpinBox* gcMin_ = nullptr;
  QDoubleSpinBox* gcMax_ = nullptr;
  QSpinBox* gcWindow_ = nullptr;
  QSpinBox* homopolymer_ = nullptr;
  QSpinBox* repeats_ = nullptr;  // --avoid-repeats K; the minimum reads "off"
  QLineEdit* avoid_ = nullptr;
  QLabel* presetRules_ = nullptr;  // what the chosen preset adds

  QLabel* holes_ = nullptr;
  QPushButton* mask_ = nullptr;
  QPushButton* unmask_ = nullptr;
  QPushButton* maskLowercase_ = nullptr;
  QPushButton* maskN_ = nullptr;
  QPushButton* clear_ = nullptr;
  QPushButton* generate_ = nullptr;
  QPushButton* cancel_ = nullptr;
  QSpinBox* newLength_ = nullptr;
  QLineEdit* newName_ = nullptr;
  QPushButton* generateNew_ = nullptr;

  bool busy_ = false, haveRecord_ = false, haveHoles_ = false, haveSelection_ = false, modelReady_ = false;
};

}  // namespace dnafill::ui
