// DesignPanel: the form behind the design job, and the enzyme-name completer.
#include "ui/design_panel.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QRandomGenerator>
#include <QScrollArea>
#include <QScrollBar>
#include <QSpinBox>
#include <QStringListModel>
#include <QToolButton>
#include <QVBoxLayout>

#include "bio/enzymes.h"
#include "core/job.h"
#include "ui/text.h"

namespace dnafill::ui {

QStringList enzymeNames() {
  QStringList names;
  for (const auto& enzyme : bio::restriction_enzymes())
    names << QString::fromLatin1(enzyme.name.data(), static_cast<int>(enzyme.name.size()));
  return names;
}

QStringList unknownMotifs(const std::vector<std::string>& names) {
  QStringList problems;
  for (const auto& name : names) {
    std::string site;
    if (auto s = bio::resolve_motif(name, site); !s) problems << QString::fromStdString(s.message());
  }
  return problems;
}

void showMotifProblems(QLineEdit* field, const QStringList& problems, const QString& fine) {
  field->setStyleSheet(problems.isEmpty() ? QString() : problemStyle());
  field->setToolTip(problems.isEmpty() ? fine : literalToolTip(problems.join(QLatin1Char('\n'))));
}

ListCompleter::ListCompleter(const QStringList& words, QObject* parent) : QCompleter(words, parent) {
  setCaseSensitivity(Qt::CaseInsensitive);
  setFilterMode(Qt::MatchStartsWith);
}

QStringList ListCompleter::splitPath(const QString& path) const {
  const auto last = path.section(QLatin1Char(','), -1).trimmed();
  return {last};
}

QString ListCompleter::pathFromIndex(const QModelIndex& index) const {
  const QString word = QCompleter::pathFromIndex(index);
  auto* edit = qobject_cast<QLineEdit*>(widget());
  if (!edit) return word;
  QString text = edit->text();
  const int comma = text.lastIndexOf(QLatin1Char(','));
  return comma < 0 ? word : text.left(comma + 1) + QLatin1Char(' ') + word;
}

DesignPanel::DesignPanel(QWidget* parent) : QWidget(parent) {
  // The form scrolls; Generate and Cancel stay pinned below it, in sight at any window height.
  auto* form = new QWidget(this);
  auto* formLayout = new QVBoxLayout(form);
  formLayout->addWidget(buildHolesBox());
  formLayout->addWidget(buildSamplerBox());
  formLayout->addWidget(buildConstraintsBox());
  formLayout->addWidget(buildNewSequenceBox());
  formLayout->addStretch(1);
  auto* scroll = new QScrollArea(this);
  scroll->setWidget(form);
  scroll->setWidgetResizable(true);
  scroll->setFrameShape(QFrame::NoFrame);
  scroll->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
  scroll->setMinimumWidth(form->sizeHint().width() + scroll->verticalScrollBar()->sizeHint().width());
  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(0, 0, 0, 0);
  layout->addWidget(scroll, 1);
  auto* buttons = buildButtons();
  buttons->setContentsMargins(9, 0, 9, 9);
  layout->addLayout(buttons);
  setDesignOptions(core::design_options{});
  updateButtons();
}

// The holes: mask and unmask the selection, lowercase, N, clear.
QGroupBox* DesignPanel::buildHolesBox() {
  auto* holesBox = new QGroupBox(tr("Holes"), this);
  auto* holesLayout = new QVBoxLayout(holesBox);
  holes_ = new QLabel(tr("No hole: select bases and mask them"), holesBox);
  holes_->setObjectName(QStringLiteral("holesLabel"));
  holes_->setWordWrap(true);
  mask_ = new QPushButton(tr("&Mask selection"), holesBox);
  mask_->setObjectName(QStringLiteral("maskButton"));
  mask_->setToolTip(tr("Mark the selected bases as a hole for the model to regenerate (M)"));
  unmask_ = new QPushButton(tr("Unmask"), holesBox);
  unmask_->setToolTip(tr("Remove the selected bases from the holes"));
  auto* lower = maskLowercase_ = new QPushButton(tr("Mask lowercase"), holesBox);
  lower->setToolTip(tr("Every soft-masked (lowercase) run of the record becomes a hole"));
  auto* unknown = maskN_ = new QPushButton(tr("Mask N"), holesBox);
  unknown->setToolTip(tr("Every run of N becomes a hole, as --mask N of the command line (other ambiguity codes stay)"));
  auto* clear = clear_ = new QPushButton(tr("Clear"), holesBox);
  clear->setToolTip(tr("Remove every hole of the record"));
  auto* row1 = new QHBoxLayout;
  row1->addWidget(mask_);
  row1->addWidget(unmask_);
  auto* row2 = new QHBoxLayout;
  row2->addWidget(lower);
  row2->addWidget(unknown);
  row2->addWidget(clear);
  holesLayout->addWidget(holes_);
  holesLayout->addLayout(row1);
  holesLayout->addLayout(row2);
  connect(mask_, &QPushButton::clicked, this, &DesignPanel::maskSelectionRequested);
  connect(unmask_, &QPushButton::clicked, this, &DesignPanel::unmaskSelectionRequested);
  connect(lower, &QPushButton::clicked, this, &DesignPanel::maskLowercaseRequested);
  connect(unknown, &QPushButton::clicked, this, &DesignPanel::maskNRequested);
  connect(clear, &QPushButton::clicked, this, &DesignPanel::clearMasksRequested);
  return holesBox;
}

// The sampler, with core's defaults.
QGroupBox* DesignPanel::buildSamplerBox() {
  auto* samplerBox = new QGroupBox(tr("Sampler"), this);
  auto* form = new QFormLayout(samplerBox);
  sampler_ = new QComboBox(samplerBox);
  sampler_->setObjectName(QStringLiteral("samplerBox"));
  for (auto kind : {core::sampler_kind::ancestral, core::sampler_kind::first_hit, core::sampler_kind::confidence})
    sampler_->addItem(QString::fromLatin1(core::sampler_name(kind)), static_cast<int>(kind));
  sampler_->setToolTip(tr("ancestral: MDLM steps; first-hit: exact, one base per network call; confidence: "
                          "commits the most confident bases first (not a sample of the model)"));
  steps_ = new QSpinBox(samplerBox);
  steps_->setObjectName(QStringLiteral("stepsBox"));
  steps_->setRange(1, 4096);
  temperature_ = new QDoubleSpinBox(samplerBox);
  temperature_->setRange(0.05, 5.0);
  temperature_->setSingleStep(0.05);
  topP_ = new QDoubleSpinBox(samplerBox);
  topP_->setRange(0.01, 1.0);
  topP_->setSingleStep(0.05);
  variants_ = new QSpinBox(samplerBox);
  variants_->setObjectName(QStringLiteral("variantsBox"));
  variants_->setRange(1, 256);
  seed_ = new QSpinBox(samplerBox);
  seed_->setObjectName(QStringLiteral("seedBox"));
  seed_->setRange(0, 2147483647);
  auto* reseed = new QToolButton(samplerBox);
  reseed->setText(tr("New"));
  reseed->setToolTip(tr("A new random seed (the same seed and settings give the same designs)"));
  connect(reseed, &QToolButton::clicked, this,
          [this] { seed_->setValue(static_cast<int>(QRandomGenerator::global()->bounded(1, 2147483647))); });
  auto* seedRow = new QHBoxLayout;
  seedRow->addWidget(seed_, 1);
  seedRow->addWidget(reseed);
  guidance_ = new QDoubleSpinBox(samplerBox);
  guidance_->setRange(0.0, 20.0);
  guidance_->setSingleStep(0.5);
  guidance_->setToolTip(tr("Unsupervised classifier-free guidance w: 0 is the plain conditional"));
  scoreDraws_ = new QSpinBox(samplerBox);
  scoreDraws_->setRange(0, 64);
  scoreDraws_->setToolTip(tr("Monte-Carlo draws for each design's bits/base (0: not scored)"));
  form->addRow(tr("Sampler"), sampler_);
  form->addRow(tr("Steps"), steps_);
  form->addRow(tr("Temperature"), temperature_);
  form->addRow(tr("Top-p"), topP_);
  form->addRow(tr("Variants"), variants_);
  form->addRow(tr("Seed"), seedRow);
  form->addRow(tr("Guidance"), guidance_);
  form->addRow(tr("Score draws"), scoreDraws_);
  rcEnsemble_ = new QCheckBox(tr("Both strands"), samplerBox);
  rcEnsemble_->setObjectName(QStringLiteral("rcEnsembleBox"));
  rcEnsemble_->setToolTip(tr("Average the model's log-probabilities over the sequence and its reverse complement "
                             "(--rc-ensemble): twice the cost"));
  form->addRow(QString(), rcEnsemble_);
  connect(rcEnsemble_, &QCheckBox::toggled, this, &DesignPanel::bothStrandsToggled);
  connect(sampler_, &QComboBox::currentIndexChanged, this, [this] {
    core::sampler_params chosen;
    chosen.kind = static_cast<core::sampler_kind>(sampler_->currentData().toInt());
    steps_->setEnabled(chosen.uses_steps());
  });
  return samplerBox;
}

// The constraints, enforced while decoding.
QGroupBox* DesignPanel::buildConstraintsBox() {
  constraintsBox_ = new QGroupBox(tr("Constraints"), this);
  constraintsBox_->setObjectName(QStringLiteral("constraintsBox"));
  buildPresetChoice();
  auto* gcRow = buildGcBoxes();
  buildLimitBoxes();
  auto* cform = new QFormLayout(constraintsBox_);
  cform->addRow(tr("Preset"), preset_);
  cform->addRow(presetRules_);
  cform->addRow(tr("GC range"), gcRow);
  cform->addRow(tr("GC window"), gcWindow_);
  cform->addRow(tr("Max homopolymer"), homopolymer_);
  cform->addRow(tr("Avoid repeats"), repeats_);
  cform->addRow(tr("Avoid"), avoid_);
  auto* enforced = new QLabel(tr("<i>Enforced while decoding, on both strands and across the junctions; "
                                  "every design is checked again.</i>"),
                               constraintsBox_);
  enforced->setWordWrap(true);
  cform->addRow(enforced);
  connect(preset_, &QComboBox::activated, this, [this](int index) { applyPreset(preset_->itemData(index).toString()); });
  connect(avoid_, &QLineEdit::textChanged, this, &DesignPanel::validateAvoid);
  for (auto* box : {gcMin_, gcMax_})
    connect(box, &QDoubleSpinBox::valueChanged, this, &DesignPanel::constraintsChanged);
  for (auto* box : {gcWindow_, homopolymer_, repeats_}) connect(box, &QSpinBox::valueChanged, this, &DesignPanel::constraintsChanged);
  return constraintsBox_;
}

// The synthesis preset and the line that lists its rules.
void DesignPanel::buildPresetChoice() {
  preset_ = new QComboBox(constraintsBox_);
  preset_->setObjectName(QStringLiteral("presetBox"));
  preset_->addItem(tr("(none)"), QString());
  for (const auto& name : bio::constraint_presets()) preset_->addItem(QString::fromStdString(name), QString::fromStdString(name));
  preset_->setToolTip(tr("Synthesis rules added to those below (as --constraints); docs/constraints.md gives their sources"));
  presetRules_ = new QLabel(constraintsBox_);
  presetRules_->setObjectName(QStringLiteral("presetRules"));
  presetRules_->setWordWrap(true);
}

// The GC range (two percentages, as a row) and its window.
QHBoxLayout* DesignPanel::buildGcBoxes() {
  auto percent = [this](double value) {
    auto* box = new QDoubleSpinBox(constraintsBox_);
    box->setRange(0.0, 100.0);
    box->setDecimals(0);
    box->setSuffix(QStringLiteral(" %"));
    box->setValue(value);
    return box;
  };
  gcMin_ = percent(0.0);
  gcMax_ = percent(100.0);
  auto* gcRow = new QHBoxLayout;
  gcRow->addWidget(gcMin_);
  gcRow->addWidget(new QLabel(QStringLiteral("-"), constraintsBox_));
  gcRow->addWidget(gcMax_);
  gcWindow_ = new QSpinBox(constraintsBox_);
  // bio's ranges, as the CLI and the studio's command line take them: a box clamps a value beyond its
  // range without a word (--max-homopolymer 5000 became 1000).
  gcWindow_->setRange(0, bio::longest_gc_window);
  gcWindow_->setSpecialValueText(tr("each hole"));
  gcWindow_->setSuffix(tr(" bases"));
  gcWindow_->setToolTip(tr("The GC range holds over each hole and also over every window of this many bases inside it"));
  return gcRow;
}

// The longest run of one base, the repeated k-mers, and the sites to avoid (bio's ranges, as above).
void DesignPanel::buildLimitBoxes() {
  homopolymer_ = new QSpinBox(constraintsBox_);
  homopolymer_->setRange(0, bio::longest_homopolymer_limit);
  homopolymer_->setSpecialValueText(tr("no limit"));
  homopolymer_->setToolTip(tr("The longest run of one base a design may hold, junctions with the flanks included"));
  repeats_ = new QSpinBox(constraintsBox_);
  repeats_->setObjectName(QStringLiteral("repeatsBox"));
  repeats_->setRange(bio::shortest_repeat_k - 1, bio::longest_repeat_k);  // the minimum reads "off"
  repeats_->setSpecialValueText(tr("off"));
  repeats_->setSuffix(tr("-mers"));
  repeats_->setToolTip(tr("No k-mer of this length twice in the design and its flanks, on either strand"));
  avoid_ = new QLineEdit(constraintsBox_);
  avoid_->setObjectName(QStringLiteral("avoidEdit"));
  avoid_->setPlaceholderText(tr("EcoRI, BsaI, GGTCTC ..."));
  avoid_->setCompleter(new ListCompleter(enzymeNames(), avoid_));
}

// Generate, Cancel.
QHBoxLayout* DesignPanel::buildButtons() {
  generate_ = new QPushButton(tr("&Generate"), this);
  generate_->setObjectName(QStringLiteral("generateButton"));
  generate_->setToolTip(tr("Regenerate the holes of the record: one run, the variants into the results table (Ctrl+G)"));
  generate_->setDefault(true);
  cancel_ = new QPushButton(tr("Cancel"), this);
  cancel_->setObjectName(QStringLiteral("cancelButton"));
  auto* buttons = new QHBoxLayout;
  buttons->addWidget(generate_, 1);
  buttons->addWidget(cancel_);
  connect(generate_, &QPushButton::clicked, this, &DesignPanel::infillRequested);
  connect(cancel_, &QPushButton::clicked, this, &DesignPanel::cancelRequested);
  return buttons;
}

// A new sequence of any length.
QGroupBox* DesignPanel::buildNewSequenceBox() {
  auto* newBox = new QGroupBox(tr("New sequence"), this);
  auto* nform = new QFormLayout(newBox);
  newLength_ = new QSpinBox(newBox);
  newLength_->setObjectName(QStringLiteral("newLengthBox"));
  newLength_->setRange(1, static_cast<int>(core::longest_generated));
  newLength_->setValue(1000);
  newLength_->setSuffix(tr(" bases"));
  newName_ = new QLineEdit(QStringLiteral("generated"), newBox);
  generateNew_ = new QPushButton(tr("Generate new"), newBox);
  generateNew_->setObjectName(QStringLiteral("generateNewButton"));
  generateNew_->setToolTip(tr("A new record of that many bases, written block by block by the model"));
  nform->addRow(tr("Length"), newLength_);
  nform->addRow(tr("Name"), newName_);
  nform->addRow(generateNew_);
  connect(generateNew_, &QPushButton::clicked, this, [this] { Q_EMIT generateNewRequested(newSequenceLength(), newSequenceName()); });
  return newBox;
}

core::design_options DesignPanel::designOptions() const {
  core::design_options o;
  o.sampler.kind = static_cast<core::sampler_kind>(sampler_->currentData().toInt());
  o.sampler.steps = steps_->value();
  o.sampler.temperature = temperature_->value();
  o.sampler.top_p = topP_->value();
  o.sampler.seed = static_cast<std::uint64_t>(seed_->value());
  o.sampler.guidance = guidance_->value();
  o.variants = variants_->value();
  o.score_draws = scoreDraws_->value();
  o.rc_ensemble = rcEnsemble_->isChecked();
  return o;
}

void DesignPanel::setDesignOptions(const core::design_options& o) {
  sampler_->setCurrentIndex(std::max(0, sampler_->findData(static_cast<int>(o.sampler.kind))));
  steps_->setValue(o.sampler.steps);
  temperature_->setValue(o.sampler.temperature);
  topP_->setValue(o.sampler.top_p);
  seed_->setValue(static_cast<int>(std::min<std::uint64_t>(o.sampler.seed, 2147483647)));
  guidance_->setValue(o.sampler.guidance);
  variants_->setValue(o.variants);
  scoreDraws_->setValue(o.score_draws);
  rcEnsemble_->setChecked(o.rc_ensemble);
}

ConstraintSettings DesignPanel::constraints() const {
  ConstraintSettings c;
  c.preset = preset_->currentData().toString().toStdString();
  c.gcMin = gcMin_->value() / 100.0;
  c.gcMax = gcMax_->value() / 100.0;
  c.gcWindow = gcWindow_->value();
  c.maxHomopolymer = homopolymer_->value();
  c.avoidRepeats = repeats_->value() == repeats_->minimum() ? 0 : repeats_->value();
  c.avoid = splitMotifList(avoid_->text().toStdString());
  return c;
}

void DesignPanel::setConstraints(const ConstraintSettings& c) {
  showPreset(QString::fromStdString(c.preset));
  gcMin_->setValue(c.gcMin * 100.0);
  gcMax_->setValue(c.gcMax * 100.0);
  gcWindow_->setValue(c.gcWindow);
  homopolymer_->setValue(c.maxHomopolymer);
  repeats_->setValue(c.avoidRepeats == 0 ? repeats_->minimum() : c.avoidRepeats);
  QStringList avoid;
  for (const auto& m : c.avoid) avoid << QString::fromStdString(m);
  avoid_->setText(avoid.join(QStringLiteral(", ")));
}

bool DesignPanel::applyPreset(const QString& name) {
  if (!name.isEmpty() && preset_->findData(name) < 0) return false;
  showPreset(name);
  Q_EMIT constraintsChanged();
  return true;
}

void DesignPanel::showPreset(const QString& name) {
  preset_->setCurrentIndex(std::max(0, preset_->findData(name)));
  const auto rules = describePreset(name.toStdString());
  presetRules_->setText(rules.empty() ? QString() : tr("<small>adds: %1</small>").arg(QString::fromStdString(rules).toHtmlEscaped()));
  presetRules_->setVisible(!rules.empty());
}

void DesignPanel::validateAvoid() {
  showMotifProblems(avoid_, unknownMotifs(splitMotifList(avoid_->text().toStdString())),
                    tr("Enzyme names or IUPAC motifs, kept out of both strands"));
  Q_EMIT constraintsChanged();
}

qint64 DesignPanel::newSequenceLength() const { return newLength_->value(); }
QString DesignPanel::newSequenceName() const { return newName_->text().trimmed(); }

void DesignPanel::setBusy(bool busy) {
  busy_ = busy;
  updateButtons();
}

void DesignPanel::setHoles(bool haveRecord, int holes, qint64 bases, bool haveSelection) {
  haveRecord_ = haveRecord;
  haveHoles_ = holes > 0;
  haveSelection_ = haveSelection;
  holes_->setText(!haveRecord ? tr("No record: open a file, or generate a new sequence below")
                  : holes == 0 ? tr("No hole: select bases and mask them")
                             : tr("%n hole(s), %1 bases to design", nullptr, holes).arg(bases));
  updateButtons();
}

void DesignPanel::setModelReady(bool ready) {
  modelReady_ = ready;
  updateButtons();
}

void DesignPanel::updateButtons() {
  mask_->setEnabled(haveSelection_);
  unmask_->setEnabled(haveSelection_);
  maskLowercase_->setEnabled(haveRecord_);
  maskN_->setEnabled(haveRecord_);
  clear_->setEnabled(haveHoles_);
  generate_->setEnabled(!busy_ && haveHoles_ && modelReady_);
  generateNew_->setEnabled(!busy_ && modelReady_);
  cancel_->setEnabled(busy_);
}

}  // namespace dnafill::ui
