// The command line of dnafill-studio: its options, what is answered before a window exists, and the
// options read into the window's settings, its script, its size and its constraints.
#include "ui/studio_command_line.h"

#include <QFileInfo>
#include <QImageReader>
#include <QImageWriter>
#include <QStringDecoder>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "bio/constraints.h"
#include "bio/enzymes.h"
#include "bio/output_file.h"
#include "bio/region.h"
#include "core/checkpoint.h"
#include "core/runtime.h"
#include "data/store.h"
#include "ui/history_model.h"

namespace dnafill::ui {
namespace {

// The command line's shell slips, as dnafill's main checks them: an empty value (an unset $VAR), a
// missing one whose place the next option took (--model --quit loaded a model named --quit), and an
// option given twice (Qt takes the last value without a word).
status checkValues(const QCommandLineParser& parser) {
  for (const QString& name : parser.optionNames()) {
    const std::string option = (name.size() == 1 ? "-" : "--") + name.toStdString();
    if (const auto given = parser.values(name).size(); given > 1)
      return status::fail(option + ": given " + std::to_string(given) + " times; it takes one value");
    for (const QString& value : parser.values(name)) {
      if (value.isEmpty()) return status::fail(option + ": an empty value");
      if (value.startsWith(QLatin1String("--")))
        return status::fail(option + ": needs a value (the next option, " + value.toStdString() + ", took its place)");
    }
  }
  return {};
}

// A whole number in [low, high] from --name, or a message naming the option.
status readInt(const QCommandLineParser& parser, const char* name, int low, int high, int& out) {
  const QString text = parser.value(QString::fromLatin1(name));
  bool number = false;
  const int value = text.trimmed().toInt(&number);
  if (!number || value < low || value > high)
    return status::fail(std::string("--") + name + ": not a whole number from " + std::to_string(low) + " to " +
                        std::to_string(high) + ": '" + text.toStdString() + "'");
  out = value;
  return {};
}

// --constraints: the panel holds one preset (the command line's comma-separated list does not fit it).
status readPreset(const QCommandLineParser& parser, std::string& preset) {
  preset = parser.value(QStringLiteral("constraints")).trimmed().toStdString();
  const auto& known = dnafill::bio::constraint_presets();
  if (preset.empty() || std::find(known.begin(), known.end(), preset) != known.end()) return {};
  std::string names;
  for (const auto& name : known) names += (names.empty() ? "" : ", ") + name;
  return status::fail("--constraints: " +
                      std::string(preset.find(',') != std::string::npos ? "the studio takes one preset"
                                                                         : "unknown preset") +
                      " (" + names + "), not '" + preset + "'");
}

// --select START-END, 1-based inclusive; whether it fits its record is known once the file is open.
status readSelection(const QString& text, dnafill::ui::ScriptOptions& script) {
  const auto dash = text.indexOf(QLatin1Char('-'));
  bool first = false, last = false;
  const qint64 start = text.left(dash).toLongLong(&first), end = text.mid(dash + 1).toLongLong(&last);
  if (dash < 1 || !first || !last || start < 1 || end < start)
    return status::fail("--select: START-END, 1-based with START <= END, as 101-250, not '" + text.toStdString() + "'");
  script.selectStart = start;
  script.selectEnd = end;
  return {};
}

// --screenshot names an image file whose format Qt writes, and not a FIFO or a device. Not a file of
// the session (the store and the files SQLite keeps beside it, the open file, the model, the CRAM
// reference), there or not yet (a new --db), and a file there must hold a picture: a store, a model
// or a FASTA named x.png is not replaced by one.
status checkScreenshot(const QCommandLineParser& parser, const QString& path) {
  const std::string shot = path.toStdString();
  const QByteArray format = QFileInfo(path).suffix().toLower().toLatin1();
  if (!QImageWriter::supportedImageFormats().contains(format))
    return status::fail("--screenshot: " + shot + ": name an image file (.png, .jpg, .bmp, ...)");
  std::vector<std::pair<std::string, std::string>> session;  // (path, what it is)
  if (const auto db = parser.value(QStringLiteral("db")).toStdString(); !db.empty()) {
    session.emplace_back(db, "--db");
    for (const auto& companion : dnafill::data::store::companion_files(db))
      session.emplace_back(companion.path, "the --db store's " + companion.role);
  }
  session.emplace_back(parser.value(QStringLiteral("model")).toStdString(), "--model");
  session.emplace_back(parser.value(QStringLiteral("reference")).toStdString(), "--reference");
  session.emplace_back(parser.positionalArguments().value(0).toStdString(), "the file to open");
  for (const auto& [file, what] : session)
    if (!file.empty() && dnafill::bio::same_file(shot, file))
      return status::fail("--screenshot: " + shot + " is " + what + " (" + file + "): the picture would replace it");
  std::error_code ec;
  // A missing folder was found after all the work (a design, its run kept): here, as the CLI's outputs.
  if (auto s = dnafill::bio::check_creatable(shot); !s) return status::fail("--screenshot: " + s.message());
  if (!std::filesystem::exists(shot, ec)) return {};
  if (!std::filesystem::is_regular_file(shot, ec)) return status::fail("--screenshot: " + shot + ": not a regular file");
  if (std::filesystem::file_size(shot, ec) > 0 && QImageReader::imageFormat(path).isEmpty())
    return status::fail("--screenshot: " + shot + " is there and is not a picture (it holds " +
                        dnafill::bio::what_file_holds(shot) + "): it would be replaced; remove it or name another file");
  return {};
}

// What the window does by itself once shown: open, select, mask, generate, screenshot, quit.
status readScript(const QCommandLineParser& parser, dnafill::ui::ScriptOptions& script) {
  const QStringList files = parser.positionalArguments();
  if (files.size() > 1)
    return status::fail("one file at a time, got " + std::to_string(files.size()) + ": " + files.join(QStringLiteral(", ")).toStdString());
  script.open = files.value(0);
  script.region = parser.value(QStringLiteral("region"));
  // Its syntax is the command line's to check (exit 2); whether the file has that contig, the file's.
  if (dnafill::bio::region r; parser.isSet(QStringLiteral("region")))
    if (auto s = dnafill::bio::parse_region(script.region.toStdString(), r); !s) return status::fail("--region: " + s.message());
  if (auto s = readInt(parser, "record", 1, 1 << 30, script.record); !s) return s;
  script.record -= 1;
  if (parser.isSet(QStringLiteral("select")))
    if (auto s = readSelection(parser.value(QStringLiteral("select")), script); !s) return s;
  script.mask = parser.value(QStringLiteral("mask"));
  if (parser.isSet(QStringLiteral("mask")) && script.mask != QLatin1String("selection") &&
      script.mask != QLatin1String("lowercase") && script.mask != QLatin1String("N"))
    return status::fail("--mask: selection, lowercase or N, not '" + script.mask.toStdString() + "'");
  script.generate = parser.isSet(QStringLiteral("generate"));
  if (auto s = readInt(parser, "show-variant", 1, 1 << 30, script.showVariant); !s) return s;
  script.screenshot = parser.value(QStringLiteral("screenshot"));
  if (!script.screenshot.isEmpty())
    if (auto s = checkScreenshot(parser, script.screenshot); !s) return s;
  script.quit = parser.isSet(QStringLiteral("quit"));
  // Each value is good; now what acts on the opened file needs one, and each step the one before it.
  for (const char* name : {"region", "record", "select", "mask", "generate", "show-variant"})
    if (script.open.isEmpty() && parser.isSet(QLatin1String(name)))
      return status::fail(std::string("--") + name + ": acts on a file: give one (dnafill-studio FILE --" + name + " ...)");
  if (parser.isSet(QStringLiteral("show-variant")) && !script.generate)
    return status::fail("--show-variant: shows a variant of the run --generate makes: give --generate too");
  if (script.generate && script.mask.isEmpty())
    return status::fail("--generate: designs the masked bases: give --mask selection|lowercase|N");
  if (script.mask == QLatin1String("selection") && script.selectEnd == 0)
    return status::fail("--mask selection: masks the --select bases: give --select START-END");
  return {};
}

status readWindowSize(const QCommandLineParser& parser, QSize& size) {
  const QString text = parser.value(QStringLiteral("size"));
  const auto parts = text.split(QLatin1Char('x'));
  bool wide = false, high = false;
  if (parts.size() == 2) size = QSize(parts[0].toInt(&wide), parts[1].toInt(&high));
  // The window is painted into one image: far past any screen it cannot be had (a crash in Qt).
  constexpr int largest = 16384;
  if (!wide || !high || size.width() < 1 || size.height() < 1 || size.width() > largest || size.height() > largest)
    return status::fail("--size: WIDTHxHEIGHT in pixels, each 1..16384, as 1400x900, not '" + text.toStdString() + "'");
  return {};
}

// --db becomes the store of later sessions too (the settings keep it), so it is made absolute; one
// that is there must be a store this build can read, or every design would fail on it later.
status readStorePath(const QCommandLineParser& parser, QString& path) {
  const QString given = parser.value(QStringLiteral("db"));
  path = QFileInfo(given).absoluteFilePath();
  if (QFileInfo(path).isDir()) return status::fail("--db: " + path.toStdString() + ": is a folder, not a store");
  // As the command line's --db: a store named in a folder that is not there is a mistyped name (or a
  // URL, smb://host/x.sqlite), and making the folders put it somewhere nobody looks.
  if (const QFileInfo folder(QFileInfo(path).absolutePath()); !folder.isDir())
    return status::fail("--db: " + given.toStdString() + ": " +
                        (folder.exists() ? folder.filePath().toStdString() + " is not a folder"
                                         : "the folder " + folder.filePath().toStdString() + " does not exist"));
  if (dnafill::ui::HistoryModel::noStoreYet(path)) return {};
  dnafill::data::store store;
  if (auto s = store.open(path.toStdString(), dnafill::data::store_options::reader()); !s) return status::fail("--db: " + s.message());
  return {};
}

// --help, --help-all or --version among the arguments: answered without a window system, where a
// QApplication would abort for want of a display.
bool asksForHelpOrVersion(int argc, char** argv) {
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--") break;
    if (a == "-h" || a == "--help" || a == "--help-all" || a == "-v" || a == "--version") return true;
  }
  return false;
}

// Where Qt's "-platform" (or "--platform") option is among the arguments before any "--", as Qt reads
// it: the whole word, its value the next argument. 0 when it is not there.
int platformOption(int argc, char** argv) {
  for (int i = 1; i < argc && std::strcmp(argv[i], "--") != 0; ++i)
    if (std::strcmp(argv[i], "-platform") == 0 || std::strcmp(argv[i], "--platform") == 0) return i;
  return 0;
}

// No display where Qt draws through X11 or Wayland: no DISPLAY, no WAYLAND_DISPLAY, no platform chosen
// (QT_QPA_PLATFORM or -platform). Qt would abort (SIGABRT) after advising a reinstall; the caller says
// what is missing instead.
bool lacksDisplay(int argc, char** argv) {
#if defined(__unix__) && !defined(__APPLE__)
  auto unset = [](const char* name) {
    const char* value = std::getenv(name);
    return value == nullptr || *value == '\0';
  };
  return platformOption(argc, argv) == 0 && unset("QT_QPA_PLATFORM") && unset("DISPLAY") && unset("WAYLAND_DISPLAY");
#else
  (void)argc;
  (void)argv;
  return false;
#endif
}

}  // namespace

void addStudioOptions(QCommandLineParser& parser) {
  parser.setApplicationDescription(QStringLiteral("Design DNA with a masked diffusion model: the desktop app."));
  parser.addHelpOption();
  parser.addVersionOption();
  parser.addPositionalArgument(QStringLiteral("file"), QStringLiteral("A FASTA/FASTQ/SAM/BAM/CRAM file to open"),
                               QStringLiteral("[file]"));
  // {names, description, value name (empty: a flag), default}
  struct option {
    QStringList names;
    const char* description;
    const char* value;
    const char* fallback;
  };
  const option options[] = {
      {{"m", "model"}, "Checkpoint to load (default: the last one, else the shipped model)", "path", ""},
      {{"device"}, "cpu, cuda or auto", "device", ""},
      {{"net-precision"}, "The network's arithmetic: fp32, bf16 or auto (bf16 on a GPU)", "precision", ""},
      {{"db"}, "The SQLite store of runs and designs", "path", ""},
      {{"reference"}, "FASTA that decodes CRAM files (as dnafill's --reference)", "fasta", ""},
      {{"threads"}, "Compute threads (default, or 0: all cores)", "n", "0"},
      {{"region"}, "Open only this region of the file (NAME:START-END)", "region", ""},
      {{"record"}, "Show this record (1-based)", "n", "1"},
      {{"select"}, "Select bases START-END (1-based inclusive)", "range", ""},
      {{"mask"}, "What to mask before generating: selection, lowercase (runs) or N (runs)", "what", ""},
      {{"generate"}, "Generate once the file and the model are there", "", ""},
      {{"show-variant"}, "The variant to show after generating", "n", "1"},
      {{"screenshot"}, "Save a picture of the window when done (.png, .jpg, ...), then quit", "image", ""},
      {{"size"}, "Window size WIDTHxHEIGHT", "size", ""},
      {{"quit"}, "Quit when the steps above are done", "", ""},
      {{"no-restore"}, "Do not restore the last window layout", "", ""},
      {{"constraints"}, "Constraint preset: twist, idt or golden-gate", "preset", ""},
      {{"avoid"}, "Enzymes or IUPAC motifs to keep out, comma-separated", "sites", ""},
      {{"max-homopolymer"}, "Longest run of one base allowed (0: no limit)", "n", ""},
      {{"avoid-repeats"}, "No k-mer of this length twice (4..32; 0: off)", "k", ""},
      {{"gc"}, "GC bounds MIN-MAX (0.3-0.7 or 30-70)", "range", ""},
      {{"gc-window"}, "Also hold the GC range in every window of this many bases (0: the whole region)", "n", ""},
  };
  for (const auto& o : options)
    parser.addOption(QCommandLineOption(o.names, QString::fromUtf8(o.description), QString::fromUtf8(o.value),
                                        QString::fromUtf8(o.fallback)));
}

// Constraint options fill the design panel, as a person would (on top of the restored settings).
status applyConstraintOptions(const QCommandLineParser& parser, dnafill::ui::ConstraintSettings& c) {
  if (parser.isSet(QStringLiteral("constraints")))
    if (auto s = readPreset(parser, c.preset); !s) return s;
  if (parser.isSet(QStringLiteral("avoid"))) {
    c.avoid.clear();
    if (auto s = dnafill::bio::split_name_list("--avoid", parser.value(QStringLiteral("avoid")).toStdString(), c.avoid); !s) return s;
    for (const auto& motif : c.avoid) {
      std::string site;
      if (auto s = dnafill::bio::resolve_motif(motif, site); !s) return status::fail("--avoid: " + s.message());
    }
  }
  if (parser.isSet(QStringLiteral("max-homopolymer")))
    if (auto s = readInt(parser, "max-homopolymer", 0, dnafill::bio::longest_homopolymer_limit, c.maxHomopolymer); !s) return s;
  if (parser.isSet(QStringLiteral("gc")))
    if (auto s = dnafill::bio::parse_gc_range(parser.value(QStringLiteral("gc")).toStdString(), c.gcMin, c.gcMax); !s)
      return s;
  if (parser.isSet(QStringLiteral("avoid-repeats")))
    if (auto s = readInt(parser, "avoid-repeats", 0, dnafill::bio::longest_repeat_k, c.avoidRepeats);
        !s || (c.avoidRepeats > 0 && c.avoidRepeats < dnafill::bio::shortest_repeat_k))
      return status::fail("--avoid-repeats: 0 (off) or a k-mer length from " + std::to_string(dnafill::bio::shortest_repeat_k) +
                          " to " + std::to_string(dnafill::bio::longest_repeat_k) + ", not '" +
                          parser.value(QStringLiteral("avoid-repeats")).toStdString() + "'");
  if (parser.isSet(QStringLiteral("gc-window")))
    if (auto s = readInt(parser, "gc-window", 0, dnafill::bio::longest_gc_window, c.gcWindow); !s) return s;
  // As on the CLI: a window holds the GC range in every window, and without a range it holds nothing.
  if (parser.isSet(QStringLiteral("gc-window")) && c.gcWindow > 0 && c.gcMin <= 0.0 && c.gcMax >= 1.0)
    return status::fail("--gc-window: needs --gc MIN-MAX");
  return c.validate();
}

int usageError(const status& s) {
  std::fprintf(stderr, "dnafill-studio: %s\n", s.message().c_str());
  return 2;
}

namespace {

// The option among --db, --model, --reference and --screenshot whose file name is not UTF-8, read
// from the raw arguments: Qt decodes them with U+FFFD for such bytes, and the name then names another
// file (a store or a picture was written under it, a model "not found"). Its value, decoded, in `name`.
const char* nameNotUtf8(int argc, char** argv, QString& name) {
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    if (arg == "--") break;
    for (const char* option : {"--db", "--model", "--reference", "--screenshot"}) {
      const std::string_view o = option;
      std::string_view value;
      if (arg == o && i + 1 < argc) value = argv[i + 1];
      else if (arg.size() > o.size() && arg.substr(0, o.size()) == o && arg[o.size()] == '=') value = arg.substr(o.size() + 1);
      else continue;
      QStringDecoder utf8(QStringDecoder::Utf8);
      name = utf8(QByteArrayView(value.data(), static_cast<qsizetype>(value.size())));
      if (utf8.hasError()) return option;
    }
  }
  return nullptr;
}

}  // namespace

// What is answered before a QApplication exists, which would abort for want of a display or of a
// platform plugin: --help, --help-all and --version, a malformed line, a file name that is not UTF-8,
// -platform without a name, no display. The exit status; none when the window is to start.
std::optional<int> answerBeforeStart(int argc, char** argv, QCommandLineParser& parser) {
  if (asksForHelpOrVersion(argc, argv)) {
    // Answered here only when the line parses without Qt's own options (-platform ...) and asks for it
    // (not "--model -h"); anything else goes the usual way, through the application object.
    QStringList arguments;
    bool qtOption = false;  // Qt's own options are one dash and a word (-platform, -style)
    for (int i = 0; i < argc; ++i) {
      arguments << QString::fromLocal8Bit(argv[i]);
      qtOption = qtOption || (i > 0 && std::strlen(argv[i]) > 2 && argv[i][0] == '-' && argv[i][1] != '-');
    }
    if (parser.parse(arguments)) {
      if (parser.isSet(QStringLiteral("version"))) {
        std::printf("dnafill-studio %s\n", DNAFILL_VERSION);
        return 0;
      }
      if (parser.isSet(QStringLiteral("help")) || parser.isSet(QStringLiteral("help-all"))) {
        // Without an application object Qt cannot name the program in the usage line.
        const QString help = parser.helpText().replace(QStringLiteral("<executable_name>"), arguments.first());
        std::fputs(help.toLocal8Bit().constData(), stdout);
        return 0;
      }
    } else if (!qtOption) {
      return usageError(status::fail(parser.errorText().toStdString() + " (see dnafill-studio --help)"));
    }
  }
  if (QString name; const char* option = nameNotUtf8(argc, argv, name))
    return usageError(status::fail(std::string(option) + ": " + name.toStdString() +
                                   ": the name is not valid UTF-8, and the studio cannot name it: rename the file"));
  // Qt takes the word after -platform as a plugin's name, whatever it is, and aborts when none has it.
  if (const int at = platformOption(argc, argv); at > 0 && (at + 1 == argc || argv[at + 1][0] == '-' || argv[at + 1][0] == '\0'))
    return usageError(status::fail(std::string(argv[at]) + ": needs a platform's name (offscreen, xcb, wayland)"));
  if (lacksDisplay(argc, argv)) {
    std::fprintf(stderr, "dnafill-studio: no display to show a window on (DISPLAY and WAYLAND_DISPLAY are not set): "
                         "run it in a desktop session, or with QT_QPA_PLATFORM=offscreen for a scripted run\n");
    return 1;
  }
  return std::nullopt;
}

// The window's options, its script and its size from a line that parsed. A bad value is a usage
// error (exit 2); a --db that is not a store is a file's problem (exit 1).
std::optional<int> readStudioOptions(const QCommandLineParser& parser, dnafill::ui::StudioOptions& options,
                                     dnafill::ui::ScriptOptions& script, QSize& size) {
  if (auto s = checkValues(parser); !s) return usageError(s);
  int threads = 0;
  if (auto s = readInt(parser, "threads", 0, dnafill::core::max_threads_option, threads); !s) return usageError(s);
  dnafill::core::set_threads(threads);
  options.modelPath = parser.value(QStringLiteral("model"));
  options.device = parser.value(QStringLiteral("device"));
  if (parser.isSet(QStringLiteral("device")))
    if (auto s = dnafill::core::check_device(options.device.toStdString()); !s) return usageError(s);
  options.netPrecision = parser.value(QStringLiteral("net-precision"));
  if (parser.isSet(QStringLiteral("net-precision")))
    if (auto s = dnafill::core::check_inference_precision(options.netPrecision.toStdString()); !s) return usageError(s);
  if (parser.isSet(QStringLiteral("db")))
    if (auto s = readStorePath(parser, options.storePath); !s) {
      std::fprintf(stderr, "dnafill-studio: %s\n", s.message().c_str());
      return 1;
    }
  if (parser.isSet(QStringLiteral("reference"))) {
    options.cramReference = QFileInfo(parser.value(QStringLiteral("reference"))).absoluteFilePath();
    if (const QFileInfo reference(options.cramReference); !reference.isFile()) {
      std::fprintf(stderr, "dnafill-studio: --reference: %s: %s\n", options.cramReference.toLocal8Bit().constData(),
                   reference.isDir() ? "a folder, not a FASTA file" : reference.exists() ? "not a regular file" : "no such file");
      return 1;
    }
  }
  options.restoreWindow = !parser.isSet(QStringLiteral("no-restore")) && !parser.isSet(QStringLiteral("screenshot"));
  if (auto s = readScript(parser, script); !s) return usageError(s);
  options.keepSettings = script.screenshot.isEmpty() && !script.quit;  // a one-off run is not the person's choice
  if (parser.isSet(QStringLiteral("size")))
    if (auto s = readWindowSize(parser, size); !s) return usageError(s);
  return std::nullopt;
}

}  // namespace dnafill::ui
