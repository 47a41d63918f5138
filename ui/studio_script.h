// StudioScript: drives a MainWindow as a person would, from dnafill-studio's command line: open a
// file, select, mask, generate, show a variant, wait for its confidence track, save a screenshot of
// the window, quit. What the README screenshot and a smoke test under Xvfb use.
#pragma once

#include <QObject>
#include <QSize>
#include <QString>
#include <QTimer>

namespace dnafill::ui {

class MainWindow;

struct ScriptOptions {
  QString open;          // a file to open
  QString region;        // read only this region of it ("" = all)
  int record = 0;        // the record to show (0-based)
  qint64 selectStart = 0, selectEnd = 0;  // --select START-END, 1-based inclusive; 0: none
  QString mask;          // "selection", "lowercase" or "N": what to mask before generating
  bool generate = false; // run a design on the masked holes once the model is loaded
  int showVariant = 1;   // the row of the results to show after the design (1-based)
  QString screenshot;    // PNG of the window once everything above is done; then quit
  bool quit = false;     // quit when done (also without a screenshot)
  int timeoutSeconds = 900;
};

class StudioScript : public QObject {
  Q_OBJECT
 public:
  StudioScript(MainWindow* window, ScriptOptions options, QObject* parent = nullptr);
  void start();
  int exitCode() const { return exitCode_; }

 Q_SIGNALS:
  void finished(int exitCode);

 private:
  void opened();
  void maybeGenerate();
  void designed(qint64 runId, int status);
  void settle();
  // Ends the script; a message goes to stderr and, when the window stays open for a person, to a
  // dialog as well (unless the window has shown it already: `shown`).
  void done(int code, const QString& message = {}, bool shown = false);
  bool endsWindow() const { return options_.quit || !options_.screenshot.isEmpty(); }

  MainWindow* window_;
  ScriptOptions options_;
  bool documentReady_ = false, modelReady_ = false, generated_ = false, finished_ = false;
  QTimer timeout_;
  int exitCode_ = 0;
};

}  // namespace dnafill::ui
