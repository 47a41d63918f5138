// dnafill-studio: the thin main of the Qt desktop app. Its command line is read by
// ui/studio_command_line.h, the window and its steps live in ui/; here are the signals that end the
// window as if closed, and the start.
#include <QApplication>
#include <QCommandLineParser>
#include <QIcon>
#include <QSocketNotifier>
#include <QTimer>

#include <signal.h>
#include <unistd.h>

#include <csignal>
#include <cstdio>
#include <memory>
#include <optional>

#include "app/interrupt.h"
#include "app/standard_streams.h"
#include "core/runtime.h"
#include "ui/design_panel.h"
#include "ui/main_window.h"
#include "ui/studio_command_line.h"
#include "ui/studio_script.h"

namespace {

// SIGTERM, SIGINT or SIGHUP (a `timeout`, a terminal's Ctrl-C, a closed terminal): the window ends as
// if closed, so that a design in hand stops at its next network call and its run ends cancelled in
// the store, not left "running". A handler may only write(): it wakes the event loop through a pipe.
int signalPipe[2] = {-1, -1};
volatile std::sig_atomic_t caughtSignal = 0;

extern "C" void onEndingSignal(int signalNumber) {
  caughtSignal = signalNumber;
  const char byte = 1;
  (void)!::write(signalPipe[1], &byte, 1);
}

void endOnSignals(QApplication& app) {
  if (::pipe(signalPipe) != 0) return;
  auto* notifier = new QSocketNotifier(signalPipe[0], QSocketNotifier::Read, &app);
  QObject::connect(notifier, &QSocketNotifier::activated, &app, [] { QApplication::exit(128 + caughtSignal); });
  struct sigaction action {};
  action.sa_handler = onEndingSignal;
  sigemptyset(&action.sa_mask);
  for (int signalNumber : {SIGTERM, SIGINT, SIGHUP})  // one ignored at the start stays so (nohup)
    if (!dnafill::app::signal_ignored(signalNumber)) sigaction(signalNumber, &action, nullptr);
}

// Qt's offscreen platform (a scripted run, the tests) warns at every window it shows that it does not
// support propagateSizeHints(), a feature the studio does not use: that line is dropped, every other
// message goes where Qt sends it.
QtMessageHandler qtHandler = nullptr;
void dropOffscreenNoise(QtMsgType type, const QMessageLogContext& context, const QString& message) {
  if (type == QtWarningMsg && message == QLatin1String("This plugin does not support propagateSizeHints()")) return;
  if (qtHandler) qtHandler(type, context, message);
  else std::fprintf(stderr, "%s\n", qPrintable(qFormatLogMessage(type, context, message)));
}

void setApplicationFacts() {
  QCoreApplication::setOrganizationName(QStringLiteral("dnafill"));
  QCoreApplication::setApplicationName(QStringLiteral("dnafill-studio"));
  QCoreApplication::setApplicationVersion(QStringLiteral(DNAFILL_VERSION));
}



// --region without other steps: the window opens it for the person at it, and a region the file cannot
// give (a contig it lacks) is one line on stderr too, as a step's error is, besides the dialog. Only
// this first open is said there, not the person's later ones.
void openRegionSaidOnStderr(dnafill::ui::MainWindow& window, const QString& path, const QString& region) {
  auto failed = std::make_shared<QMetaObject::Connection>(), opened = std::make_shared<QMetaObject::Connection>();
  const auto forget = [failed, opened] {
    QObject::disconnect(*failed);
    QObject::disconnect(*opened);
  };
  *failed = QObject::connect(&window, &dnafill::ui::MainWindow::openFailed, &window, [forget](const QString& message) {
    std::fprintf(stderr, "dnafill-studio: %s\n", message.toLocal8Bit().constData());
    forget();
  });
  *opened = QObject::connect(&window, &dnafill::ui::MainWindow::documentOpened, &window, [forget] { forget(); });
  window.openFileRegion(path, region);
}

// The steps of the command line run as a script; only --quit or --screenshot ends the window with
// it (on its first error, too). Otherwise the window stays open for a person, errors in dialogs.
std::unique_ptr<dnafill::ui::StudioScript> startScript(dnafill::ui::MainWindow& window,
                                                       const dnafill::ui::ScriptOptions& script,
                                                       const QCommandLineParser& parser) {
  const bool scripted = script.generate || !script.screenshot.isEmpty() || script.quit || !script.mask.isEmpty() ||
                        script.selectEnd > 0 || parser.isSet(QStringLiteral("record"));
  if (!scripted) {
    // A person opening a file from the shell gets the region chooser for an indexed file.
    if (script.open.isEmpty()) return nullptr;
    if (script.region.isEmpty()) window.openFile(script.open);
    else openRegionSaidOnStderr(window, script.open, script.region);
    return nullptr;
  }
  auto runner = std::make_unique<dnafill::ui::StudioScript>(&window, script);
  if (!script.screenshot.isEmpty() || script.quit)
    QObject::connect(runner.get(), &dnafill::ui::StudioScript::finished, qApp, [](int code) { QApplication::exit(code); });
  QTimer::singleShot(0, runner.get(), &dnafill::ui::StudioScript::start);
  return runner;
}

}  // namespace

int main(int argc, char** argv) {
  dnafill::app::hold_closed_standard_streams();
  dnafill::core::choose_blas_kernels();
  dnafill::core::keep_allocations_in_heap();
  QCommandLineParser parser;
  dnafill::ui::addStudioOptions(parser);
  setApplicationFacts();
  if (const auto answered = dnafill::ui::answerBeforeStart(argc, argv, parser)) return *answered;
  qtHandler = qInstallMessageHandler(dropOffscreenNoise);
  QApplication app(argc, argv);
  endOnSignals(app);
  QApplication::setDesktopFileName(QStringLiteral("org.dnafill.Studio"));
  QApplication::setWindowIcon(QIcon(QStringLiteral(":/dnafill/studio.svg")));
  // parse, not process: process ends an unknown option with exit 1, and 2 is a malformed command line.
  if (!parser.parse(QCoreApplication::arguments()))
    return dnafill::ui::usageError(dnafill::status::fail(parser.errorText().toStdString() + " (see dnafill-studio --help)"));
  parser.process(app);  // parsed cleanly above: this only answers --help, --help-all and --version
  dnafill::ui::StudioOptions options;
  dnafill::ui::ScriptOptions script;
  QSize size;
  if (const auto failed = dnafill::ui::readStudioOptions(parser, options, script, size)) return *failed;

  dnafill::ui::MainWindow window(options);
  if (size.isValid()) window.resize(size);
  auto constraints = window.designPanel()->constraints();
  if (auto s = dnafill::ui::applyConstraintOptions(parser, constraints); !s) return dnafill::ui::usageError(s);
  window.designPanel()->setConstraints(constraints);
  window.show();
  // The layout cannot be drawn smaller than its widgets: a --size below that is enlarged, and said.
  if (size.isValid() && window.size() != size)
    std::fprintf(stderr, "dnafill-studio: --size %dx%d: the window needs at least %dx%d; shown at %dx%d\n", size.width(),
                 size.height(), window.minimumSize().width(), window.minimumSize().height(), window.width(), window.height());
  const auto runner = startScript(window, script, parser);
  return QApplication::exec();
}
