// The command line of dnafill-studio, read for its thin main (app/studio_main.cpp): the options, what
// is answered before a window exists (--help, --version, a malformed line, no display), and the
// options read into the window's settings, its script, its size and the design panel's constraints.
// A bad value is one line on stderr naming the option, and exit 2 (a --db or --reference that is not
// there or not a store: exit 1).
#pragma once

#include <QCommandLineParser>
#include <QSize>

#include <optional>

#include "bio/status.h"
#include "ui/constraint_settings.h"
#include "ui/main_window.h"
#include "ui/studio_script.h"

namespace dnafill::ui {

void addStudioOptions(QCommandLineParser& parser);

// What is answered before a QApplication exists, which would abort for want of a display or of a
// platform plugin: --help, --help-all and --version, a malformed line, -platform without a name, no
// display. The exit status; none when the window is to start.
std::optional<int> answerBeforeStart(int argc, char** argv, QCommandLineParser& parser);

// The window's options, its script and its size from a line that parsed (and --threads, set). The
// exit status when a value is bad; none when the window is to start.
std::optional<int> readStudioOptions(const QCommandLineParser& parser, StudioOptions& options, ScriptOptions& script,
                                     QSize& size);

// Constraint options fill the design panel, as a person would (on top of the restored settings).
status applyConstraintOptions(const QCommandLineParser& parser, ConstraintSettings& c);

// "dnafill-studio: MESSAGE" on stderr; 2, the exit status of a malformed command line.
int usageError(const status& s);

}  // namespace dnafill::ui
