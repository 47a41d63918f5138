// dnafill-studio: the thin main of the Qt desktop app (the classes live in ui/).
#include <QApplication>
#include <QCommandLineParser>
#include <QIcon>
#include <QTimer>

#include <cstdio>
#include <string>

#include "bio/constraints.h"
#include "core/checkpoint.h"
#include "core/runtime.h"
#include "ui/constraint_settings.h"
#include "ui/design_panel.h"
#include "ui/main_window.h"
#include "ui/studio_script.h"

namespace {

int usageError(const std::string& message) {
  std::fprintf(stderr, "dnafill-studio: %s\n", message.c_str());
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  dnafill::core::keep_allocations_in_heap();
  QApplication app(argc, argv);
  QApplication::setOrganizationName(QStringLiteral("dnafill"));
  QApplication::setApplicationName(QStringLiteral("dnafill-studio"));
  QApplication::setApplicationVersion(QStringLiteral(DNAFILL_VERSION));
  QApplication::setDesktopFileName(QStringLiteral("org.dnafill.Studio"));
  QApplication::setWindowIcon(QIcon(QStringLiteral(":/dnafill/studio.svg")));

  QCommandLineParser parser;
  parser.setApplicationDescription(QStringLiteral("Design DNA with a masked diffusion model: the desktop app."));
  parser.addHelpOption();
  parser.addVersionOption();
  parser.addPositionalArgument(QStringLiteral("file"), QStringLiteral("A FASTA/FASTQ/SAM/BAM/CRAM file to open"), QStringLiteral("[file]"));
  const QCommandLineOption model({QStringLiteral("m"), QStringLiteral("model")}, QStringLiteral("Checkpoint to load (default: the last one, else the shipped model)"), QStringLiteral("path"));
  const QCommandLineOption device(QStringLiteral("device"), QStringLiteral("cpu, cuda or auto"), QStringLiteral("device"));
  const QCommandLineOption precision(QStringLiteral("net-precision"), QStringLiteral("The network's arithmetic: fp32, bf16 or auto (bf16 on a GPU)"), QStringLiteral("precision"));
  const QCommandLineOption db(QStringLiteral("db"), QStringLiteral("The SQLite store of runs and designs"), QStringLiteral("path"));
  const QCommandLineOption threads(QStringLiteral("threads"), QStringLiteral("Compute threads (default: all cores)"), QStringLiteral("n"), QStringLiteral("0"));
  const QCommandLineOption region(QStringLiteral("region"), QStringLiteral("Open only this region of the file (NAME:START-END)"), QStringLiteral("region"));
  const QCommandLineOption record(QStringLiteral("record"), QStringLiteral("Show this record (1-based)"), QStringLiteral("n"), QStringLiteral("1"));
  const QCommandLineOption select(QStringLiteral("select"), QStringLiteral("Select bases START-END (1-based inclusive)"), QStringLiteral("range"));
  const QCommandLineOption mask(QStringLiteral("mask"), QStringLiteral("Mask the selection, lowercase or N"), QStringLiteral("what"));
  const QCommandLineOption generate(QStringLiteral("generate"), QStringLiteral("Generate once the file and the model are there"));
  const QCommandLineOption variant(QStringLiteral("show-variant"), QStringLiteral("The variant to show after generating"), QStringLiteral("n"), QStringLiteral("1"));
  const QCommandLineOption screenshot(QStringLiteral("screenshot"), QStringLiteral("Save a PNG of the window when done, then quit"), QStringLiteral("png"));
  const QCommandLineOption size(QStringLiteral("size"), QStringLiteral("Window size WIDTHxHEIGHT"), QStringLiteral("size"));
  const QCommandLineOption quit(QStringLiteral("quit"), QStringLiteral("Quit when the steps above are done"));
  const QCommandLineOption fresh(QStringLiteral("no-restore"), QStringLiteral("Do not restore the last window layout"));
  const QCommandLineOption preset(QStringLiteral("constraints"), QStringLiteral("Constraint preset: twist, idt or golden-gate"), QStringLiteral("preset"));
  const QCommandLineOption avoid(QStringLiteral("avoid"), QStringLiteral("Enzymes or IUPAC motifs to keep out, comma-separated"), QStringLiteral("sites"));
  const QCommandLineOption homopolymer(QStringLiteral("max-homopolymer"), QStringLiteral("Longest run of one base allowed"), QStringLiteral("n"));
  const QCommandLineOption repeats(QStringLiteral("avoid-repeats"), QStringLiteral("No k-mer of this length twice (4..32)"), QStringLiteral("k"));
  const QCommandLineOption gc(QStringLiteral("gc"), QStringLiteral("GC bounds MIN-MAX (0.3-0.7 or 30-70)"), QStringLiteral("range"));
  const QCommandLineOption gcWindow(QStringLiteral("gc-window"), QStringLiteral("Also hold --gc in every window of this many bases"), QStringLiteral("n"));
  for (const auto& option : {model, device, precision, db, threads, region, record, select, mask, generate, variant, screenshot, size, quit, fresh,
                             preset, avoid, homopolymer, repeats, gc, gcWindow})
    parser.addOption(option);
  parser.process(app);

  dnafill::core::set_threads(parser.value(threads).toInt());
  dnafill::ui::StudioOptions options;
  options.modelPath = parser.value(model);
  options.device = parser.value(device);
  options.netPrecision = parser.value(precision);
  if (parser.isSet(precision))
    if (auto s = dnafill::core::check_inference_precision(options.netPrecision.toStdString()); !s)
      return usageError(s.message());
  options.storePath = parser.value(db);
  options.restoreWindow = !parser.isSet(fresh) && !parser.isSet(screenshot);
  dnafill::ui::MainWindow window(options);
  if (parser.isSet(size)) {
    const auto parts = parser.value(size).split(QLatin1Char('x'));
    if (parts.size() == 2) window.resize(parts[0].toInt(), parts[1].toInt());
  }
  // Constraint options fill the design panel, as a person would (on top of the restored settings).
  auto constraints = window.designPanel()->constraints();
  if (parser.isSet(preset)) constraints.preset = parser.value(preset).trimmed().toStdString();
  if (parser.isSet(avoid)) constraints.avoid = dnafill::ui::splitMotifList(parser.value(avoid).toStdString());
  bool number = true;
  if (parser.isSet(homopolymer)) constraints.maxHomopolymer = parser.value(homopolymer).toInt(&number);
  if (!number) return usageError("--max-homopolymer: not a whole number: " + parser.value(homopolymer).toStdString());
  if (parser.isSet(gc))
    if (auto s = dnafill::bio::parse_gc_range(parser.value(gc).toStdString(), constraints.gcMin, constraints.gcMax); !s)
      return usageError(s.message());
  if (parser.isSet(repeats)) constraints.avoidRepeats = parser.value(repeats).toInt(&number);
  if (!number) return usageError("--avoid-repeats: not a whole number: " + parser.value(repeats).toStdString());
  if (parser.isSet(gcWindow)) constraints.gcWindow = parser.value(gcWindow).toInt(&number);
  if (!number) return usageError("--gc-window: not a whole number: " + parser.value(gcWindow).toStdString());
  if (auto s = constraints.validate(); !s) return usageError(s.message());
  window.designPanel()->setConstraints(constraints);
  window.show();

  dnafill::ui::ScriptOptions script;
  script.open = parser.positionalArguments().value(0);
  script.region = parser.value(region);
  script.record = std::max(0, parser.value(record).toInt() - 1);
  script.select = parser.value(select);
  script.mask = parser.value(mask);
  script.generate = parser.isSet(generate);
  script.showVariant = parser.value(variant).toInt();
  script.screenshot = parser.value(screenshot);
  script.quit = parser.isSet(quit);
  const bool scripted = script.generate || !script.screenshot.isEmpty() || script.quit;
  dnafill::ui::StudioScript runner(&window, script);
  QObject::connect(&runner, &dnafill::ui::StudioScript::finished, &app, [](int code) { QApplication::exit(code); });
  if (scripted) {
    QTimer::singleShot(0, &runner, &dnafill::ui::StudioScript::start);
  } else if (!script.open.isEmpty()) {
    // A person opening a file from the shell gets the region chooser for an indexed file.
    if (script.region.isEmpty()) window.openFile(script.open);
    else window.openFileRegion(script.open, script.region);
  }
  return QApplication::exec();
}
