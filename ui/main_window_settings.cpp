// MainWindow's settings kept between sessions (QSettings): the model, device and store, the design
// panel's sampler and constraints, the view's options, the window's geometry and the recent files. A
// saved value that no longer reads as one (a file edited by hand) is dropped to its default and said.
#include "ui/main_window.h"

#include <QAction>
#include <QDir>
#include <QFileInfo>
#include <QLineEdit>
#include <QMenu>
#include <QSettings>
#include <QStandardPaths>
#include <QStatusBar>

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <type_traits>

#include "core/runtime.h"
#include "ui/design_panel.h"
#include "ui/text.h"

namespace dnafill::ui {
namespace {

// QSettings keys.
constexpr auto keyModel = "model/path";
constexpr auto keyDevice = "model/device";
constexpr auto keyPrecision = "model/netPrecision";
constexpr auto keyStore = "store/path";
constexpr auto keyRecent = "files/recent";
constexpr auto keyLastDir = "files/lastDir";
constexpr auto keyCramReference = "files/cramReference";
constexpr auto keyGeometry = "window/geometry";
constexpr auto keyState = "window/state";
constexpr auto keySites = "view/sites";
constexpr auto keyAutoConfidence = "view/autoConfidence";
constexpr auto keySampler = "design/sampler";
constexpr auto keySteps = "design/steps";
constexpr auto keyTemperature = "design/temperature";
constexpr auto keyTopP = "design/topP";
constexpr auto keyVariants = "design/variants";
constexpr auto keySeed = "design/seed";
constexpr auto keyGuidance = "design/guidance";
constexpr auto keyScoreDraws = "design/scoreDraws";
constexpr auto keyRcEnsemble = "design/rcEnsemble";
constexpr auto keyPreset = "constraints/preset";
constexpr auto keyGcMin = "constraints/gcMin";
constexpr auto keyGcMax = "constraints/gcMax";
constexpr auto keyGcWindow = "constraints/gcWindow";
constexpr auto keyHomopolymer = "constraints/maxHomopolymer";
constexpr auto keyAvoid = "constraints/avoid";
constexpr auto keyRepeats = "constraints/avoidRepeats";
constexpr int maxRecent = 10;

// The design settings the panel did not take as they were saved (a NaN, a negative count, beyond a
// box's range: a settings file edited by hand): its boxes clamp them without a word.
QStringList changedDesignSettings(const core::design_options& saved, const core::design_options& shown) {
  const auto& a = saved.sampler;
  const auto& b = shown.sampler;
  // A box keeps a few decimals: a value saved from it reads back within rounding; NaN never does.
  const auto differ = [](double x, double y) { return !(std::abs(x - y) <= 1e-6 * std::max(1.0, std::abs(x))); };
  QStringList changed;
  if (a.steps != b.steps) changed << QStringLiteral("steps");
  if (differ(a.temperature, b.temperature)) changed << QStringLiteral("temperature");
  if (differ(a.top_p, b.top_p)) changed << QStringLiteral("top-p");
  if (saved.variants != shown.variants) changed << QStringLiteral("variants");
  if (a.seed != b.seed) changed << QStringLiteral("seed");
  if (differ(a.guidance, b.guidance)) changed << QStringLiteral("guidance");
  if (saved.score_draws != shown.score_draws) changed << QStringLiteral("score draws");
  return changed;
}

QString defaultStorePath() {
  const QString dir = QStandardPaths::writableLocation(QStandardPaths::AppDataLocation);
  return QDir(dir).filePath(QStringLiteral("designs.sqlite"));
}

// An option's value, else the saved one. A saved value that no longer passes `check` (edited by hand)
// would fail every start, blaming the option: it is dropped for auto, and said.
QString optionOrSaved(const QString& given, const QSettings& settings, const char* key, status (*check)(const std::string&),
                      const QString& what, QStringList& warnings) {
  if (!given.isEmpty()) return given;
  const QString saved = settings.value(QLatin1String(key), QStringLiteral("auto")).toString();
  if (check(saved.toStdString())) return saved;
  warnings << MainWindow::tr("The saved %1 '%2' was dropped: auto is used.").arg(what, saved);
  return QStringLiteral("auto");
}

// One saved design setting into `value`, when it reads as one: a number that is not one ("abc", a seed
// of -1), not finite (inf, nan) or a flag that is neither true nor false keeps the default, and its
// name is added to `dropped`. (Read as they were, such values were taken as 0 or true, or clamped to
// a box's maximum without a word.)
template <typename T>
void readSaved(const QSettings& settings, const char* key, const char* name, T& value, QStringList& dropped) {
  const QVariant saved = settings.value(QLatin1String(key));
  if (!saved.isValid()) return;
  bool ok = false;
  T read{};
  if constexpr (std::is_same_v<T, bool>) {
    const QString text = saved.toString().trimmed().toLower();
    ok = text == QLatin1String("true") || text == QLatin1String("false") || text == QLatin1String("1") || text == QLatin1String("0");
    read = text == QLatin1String("true") || text == QLatin1String("1");
  } else if constexpr (std::is_same_v<T, double>) {
    read = saved.toDouble(&ok);
    ok = ok && std::isfinite(read);
  } else if constexpr (std::is_same_v<T, std::uint64_t>) {
    read = saved.toString().trimmed().startsWith(QLatin1Char('-')) ? 0 : saved.toULongLong(&ok);
  } else {
    read = saved.toInt(&ok);
  }
  if (ok) value = read;
  else dropped << QLatin1String(name);
}

// The design panel's sampler settings as saved; a sampler no longer known, or a value that does not
// read as one, is said and dropped.
core::design_options savedDesignOptions(const QSettings& settings, QStringList& warnings) {
  core::design_options o;
  o.variants = 4;
  o.sampler.seed = 1;
  const QString sampler = settings.value(QLatin1String(keySampler), QString::fromLatin1(core::sampler_name(o.sampler.kind))).toString();
  if (!core::parse_sampler_kind(sampler.toStdString(), o.sampler.kind))
    warnings << MainWindow::tr("The saved sampler '%1' was dropped: %2 is used.").arg(sampler, QString::fromLatin1(core::sampler_name(o.sampler.kind)));
  QStringList dropped;
  readSaved(settings, keySteps, "steps", o.sampler.steps, dropped);
  readSaved(settings, keyTemperature, "temperature", o.sampler.temperature, dropped);
  readSaved(settings, keyTopP, "top-p", o.sampler.top_p, dropped);
  readSaved(settings, keyVariants, "variants", o.variants, dropped);
  readSaved(settings, keySeed, "seed", o.sampler.seed, dropped);
  readSaved(settings, keyGuidance, "guidance", o.sampler.guidance, dropped);
  readSaved(settings, keyScoreDraws, "score draws", o.score_draws, dropped);
  readSaved(settings, keyRcEnsemble, "both strands", o.rc_ensemble, dropped);
  if (!dropped.isEmpty())
    warnings << MainWindow::tr("Saved design settings that did not read as values (edited by hand?) were dropped, "
                               "the defaults used: %1.")
                    .arg(dropped.join(QStringLiteral(", ")));
  return o;
}

// The constraints as saved. Saved as typed (a GC minimum above the maximum, say), they would fail
// every design and every start: they are dropped, and said.
ConstraintSettings savedConstraints(const QSettings& settings, QStringList& warnings) {
  ConstraintSettings c;
  c.preset = settings.value(QLatin1String(keyPreset)).toString().toStdString();
  c.gcMin = settings.value(QLatin1String(keyGcMin), c.gcMin).toDouble();
  c.gcMax = settings.value(QLatin1String(keyGcMax), c.gcMax).toDouble();
  c.gcWindow = settings.value(QLatin1String(keyGcWindow), c.gcWindow).toInt();
  c.maxHomopolymer = settings.value(QLatin1String(keyHomopolymer), c.maxHomopolymer).toInt();
  c.avoidRepeats = settings.value(QLatin1String(keyRepeats), c.avoidRepeats).toInt();
  c.avoid = splitMotifList(settings.value(QLatin1String(keyAvoid)).toString().toStdString());
  if (auto s = c.validate(); !s) {
    warnings << MainWindow::tr("The saved constraints were dropped: %1.").arg(fromStd(s.message()));
    return {};
  }
  return c;
}

}  // namespace

QString MainWindow::savedModelPath() { return QSettings().value(QLatin1String(keyModel)).toString(); }

QString MainWindow::lastFolder() { return QSettings().value(QLatin1String(keyLastDir)).toString(); }

void MainWindow::restoreSettings(const StudioOptions& options) {
  QSettings settings;
  QStringList warnings;  // what useStore and the checks below find, said together at the end
  device_ = optionOrSaved(options.device, settings, keyDevice, core::check_device, tr("device"), warnings);
  for (auto* a : deviceActions_) a->setChecked(a->data().toString() == device_);
  precision_ = optionOrSaved(options.netPrecision, settings, keyPrecision, core::check_inference_precision,
                             tr("network precision"), warnings);
  for (auto* a : precisionActions_) a->setChecked(a->data().toString() == precision_);
  if (const QString problem = useStore(!options.storePath.isEmpty() ? options.storePath
                                                                    : settings.value(QLatin1String(keyStore), defaultStorePath()).toString());
      !problem.isEmpty())
    warnings << problem;
  cramReference_ = options.cramReference;
  if (cramReference_.isEmpty()) {
    cramReference_ = settings.value(QLatin1String(keyCramReference)).toString();
    if (!cramReference_.isEmpty() && !QFileInfo(cramReference_).isFile()) {
      warnings << tr("The CRAM reference %1 is gone: choose another with File > CRAM reference.").arg(cramReference_);
      cramReference_.clear();
    }
  }
  const core::design_options saved = savedDesignOptions(settings, warnings);
  panel_->setDesignOptions(saved);
  if (const QStringList changed = changedDesignSettings(saved, panel_->designOptions()); !changed.isEmpty())
    warnings << tr("The saved %1 could not be used as saved (edited by hand?): the design panel shows the values used.")
                    .arg(changed.join(QStringLiteral(", ")));
  panel_->setConstraints(savedConstraints(settings, warnings));
  sitesEdit_->setText(settings.value(QLatin1String(keySites), QStringLiteral("EcoRI, BsaI, BsmBI")).toString());
  checkSiteNames(/*edited=*/false);
  autoConfidenceAction_->setChecked(settings.value(QLatin1String(keyAutoConfidence), true).toBool());
  if (options.restoreWindow) {
    restoreGeometry(settings.value(QLatin1String(keyGeometry)).toByteArray());
    restoreState(settings.value(QLatin1String(keyState)).toByteArray());
  }
  updateRecentMenu();
  if (!warnings.isEmpty()) {
    // Said in the status bar, again beside the first file opened (whose message took their place),
    // and on stderr, where a long line is not cut at the window's edge.
    startupWarnings_ = warnings.join(QLatin1Char(' '));
    statusBar()->showMessage(startupWarnings_, 30000);
    for (const auto& warning : warnings) std::fprintf(stderr, "dnafill-studio: %s\n", qPrintable(warning));
  }
}

void MainWindow::saveSettings() const {
  if (!options_.keepSettings) return;
  QSettings settings;
  // A model the user chose; the shipped default stays "the default" (empty), wherever it is installed.
  // Absolute, so that a session started from another folder loads the same model and reference.
  auto absolute = [](const QString& path) { return path.isEmpty() ? path : QFileInfo(path).absoluteFilePath(); };
  if (model_.model) settings.setValue(QLatin1String(keyModel), absolute(modelRequested_));
  settings.setValue(QLatin1String(keyDevice), device_);
  settings.setValue(QLatin1String(keyPrecision), precision_);
  settings.setValue(QLatin1String(keyStore), storePath_);
  settings.setValue(QLatin1String(keyCramReference), absolute(cramReference_));
  const auto o = panel_->designOptions();
  settings.setValue(QLatin1String(keySampler), QString::fromLatin1(core::sampler_name(o.sampler.kind)));
  settings.setValue(QLatin1String(keySteps), o.sampler.steps);
  settings.setValue(QLatin1String(keyTemperature), o.sampler.temperature);
  settings.setValue(QLatin1String(keyTopP), o.sampler.top_p);
  settings.setValue(QLatin1String(keyVariants), o.variants);
  settings.setValue(QLatin1String(keySeed), static_cast<qulonglong>(o.sampler.seed));
  settings.setValue(QLatin1String(keyGuidance), o.sampler.guidance);
  settings.setValue(QLatin1String(keyScoreDraws), o.score_draws);
  settings.setValue(QLatin1String(keyRcEnsemble), o.rc_ensemble);
  const auto c = panel_->constraints();
  settings.setValue(QLatin1String(keyPreset), fromStd(c.preset));
  settings.setValue(QLatin1String(keyGcMin), c.gcMin);
  settings.setValue(QLatin1String(keyGcMax), c.gcMax);
  settings.setValue(QLatin1String(keyGcWindow), c.gcWindow);
  settings.setValue(QLatin1String(keyHomopolymer), c.maxHomopolymer);
  settings.setValue(QLatin1String(keyRepeats), c.avoidRepeats);
  QStringList avoid;
  for (const auto& m : c.avoid) avoid << fromStd(m);
  settings.setValue(QLatin1String(keyAvoid), avoid.join(QStringLiteral(", ")));
  settings.setValue(QLatin1String(keySites), sitesEdit_->text());
  settings.setValue(QLatin1String(keyAutoConfidence), autoConfidenceAction_->isChecked());
  settings.setValue(QLatin1String(keyGeometry), saveGeometry());
  settings.setValue(QLatin1String(keyState), saveState());
}

void MainWindow::addRecentFile(const QString& path) {
  if (!options_.keepSettings) return;
  QSettings settings;
  auto files = settings.value(QLatin1String(keyRecent)).toStringList();
  const QString absolute = QFileInfo(path).absoluteFilePath();
  files.removeAll(absolute);
  files.prepend(absolute);
  while (files.size() > maxRecent) files.removeLast();
  settings.setValue(QLatin1String(keyRecent), files);
  settings.setValue(QLatin1String(keyLastDir), QFileInfo(path).absolutePath());
  updateRecentMenu();
}

void MainWindow::updateRecentMenu() {
  recentMenu_->clear();
  const auto files = QSettings().value(QLatin1String(keyRecent)).toStringList();
  for (const auto& path : files) recentMenu_->addAction(QFileInfo(path).fileName(), this, [this, path] { openFile(path); })->setToolTip(literalToolTip(path));
  recentMenu_->setEnabled(!files.isEmpty());
  if (!files.isEmpty()) {
    recentMenu_->addSeparator();
    recentMenu_->addAction(tr("Clear the list"), this, [this] {
      QSettings().remove(QLatin1String(keyRecent));
      updateRecentMenu();
    });
  }
}

}  // namespace dnafill::ui
