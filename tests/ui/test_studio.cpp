// The studio used as a person would, with a tiny model: open a file, select with the mouse, edit the
// coordinates, mask, generate, see the variants in the table and in the store, look at one, accept it,
// undo, export; design under constraints typed into the panel; generate a new sequence; cancel a long design while the window keeps answering; a bad
// file or model gives an error dialog; a batch cancelled in the dialog is resumed by the CLI and then
// found done by the dialog; the history re-opens a run, its holes masked again.
#include <QAbstractItemModelTester>
#include <QApplication>
#include <QCheckBox>
#include <QClipboard>
#include <QElapsedTimer>
#include <QLabel>
#include <QLineEdit>
#include <QMenu>
#include <QMenuBar>
#include <QMessageBox>
#include <QMimeData>
#include <QMouseEvent>
#include <QProcess>
#include <QPushButton>
#include <QSettings>
#include <QSignalSpy>
#include <QSortFilterProxyModel>
#include <QSpinBox>
#include <QStatusBar>
#include <QStandardPaths>
#include <QTabWidget>
#include <QTableView>
#include <QTemporaryDir>
#include <QToolButton>
#include <QUndoStack>
#include <QtTest>

#include <cstdio>
#include <functional>
#include <map>
#include <set>

#include <sqlite3.h>

#include "bio/constraints.h"
#include "bio/fasta.h"
#include "core/checkpoint.h"
#include "core/job.h"
#include "core/runtime.h"
#include "core/scoring.h"
#include "data/store.h"
#include "ui/batch_dialog.h"
#include "ui/constraint_settings.h"
#include "ui/design_panel.h"
#include "ui/history_model.h"
#include "ui/job_runner.h"
#include "ui/main_window.h"
#include "ui/results_model.h"
#include "ui/sequence_view.h"
#include "ui/studio_script.h"
#include "ui/text.h"
#include "tests/ui/view_events.h"

using namespace dnafill;
using namespace dnafill::ui;
using dnafill::test::onBase;
using dnafill::test::sendMouse;

namespace {

const QString testData = QStringLiteral(DNAFILL_TEST_DATA);
const QString designFasta = testData + QStringLiteral("/cli/design.fa");  // chrA 600 bp, chrB 400 bp

std::vector<data::run_record> runsIn(const QString& path) {
  data::store db;
  data::store_options options;
  options.read_only = true;
  std::vector<data::run_record> runs;
  if (!db.open(path.toStdString(), options).ok() || !db.list_runs(runs).ok()) return {};
  return runs;
}

std::vector<data::design_record> designsIn(const QString& path, std::int64_t runId) {
  data::store db;
  data::store_options options;
  options.read_only = true;
  std::vector<data::design_record> designs;
  if (!db.open(path.toStdString(), options).ok()) return {};
  auto s = db.for_each_design(runId, [&](data::design_record& d) {
    designs.push_back(d);
    return status{};
  });
  return s.ok() ? designs : std::vector<data::design_record>{};
}

// The bytes of a file; empty when it cannot be read.
QByteArray readAll(const QString& path) {
  QFile file(path);
  return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
}

// Writes `bytes` to `path`; false when it cannot.
bool writeAll(const QString& path, const QByteArray& bytes) {
  QFile file(path);
  return file.open(QIODevice::WriteOnly | QIODevice::Truncate) && file.write(bytes) == bytes.size();
}

// Sets the holes a studio run recorded ("21-30,1-10") in the store, as a person editing it by hand
// would; false when the store cannot be written.
bool setStudioHoles(const QString& store, qint64 runId, const char* holes) {
  sqlite3* db = nullptr;
  const bool opened = sqlite3_open(store.toStdString().c_str(), &db) == SQLITE_OK;
  const std::string sql = "UPDATE runs SET parameters = json_set(parameters, '$.holes', '" + std::string(holes) +
                          "') WHERE id = " + std::to_string(runId);
  const bool set = opened && sqlite3_exec(db, sql.c_str(), nullptr, nullptr, nullptr) == SQLITE_OK && sqlite3_changes(db) == 1;
  sqlite3_close(db);
  return set;
}

// The error dialog on screen now, if any.
QMessageBox* errorDialog(QWidget* window) {
  for (auto* box : window->findChildren<QMessageBox*>(QStringLiteral("errorDialog")))
    if (box->isVisible()) return box;
  return nullptr;
}

// Each file of `refused` (its path, and what the error says of it) is refused by `write` with one error
// dialog, and stays as it was. A failure ends the test (QTest::currentTestFailed, checked by the caller).
void checkRefused(MainWindow& w, const std::map<QString, QString>& refused, const std::function<bool(const QString&)>& write) {
  for (const auto& [path, what] : refused) {
    const QByteArray before = QFileInfo::exists(path) ? readAll(path) : QByteArray();
    QSignalSpy error(&w, &MainWindow::errorShown);
    QVERIFY(!write(path));
    QCOMPARE(error.count(), 1);
    QVERIFY2(error.first().at(0).toString().contains(what), qPrintable(error.first().at(0).toString()));
    errorDialog(&w)->accept();
    QCOMPARE(QFileInfo::exists(path) ? readAll(path) : QByteArray(), before);
  }
}

// Whether Design > Cancel is enabled as the menu opens (it is updated then).
bool cancelEnabled(MainWindow& w) {
  auto* cancel = w.findChild<QAction*>(QStringLiteral("cancelDesignAction"));
  auto* menu = cancel ? qobject_cast<QMenu*>(cancel->parent()) : nullptr;
  if (!menu) return false;
  Q_EMIT menu->aboutToShow();
  return cancel->isEnabled();
}

}  // namespace

class TestStudio : public QObject {
  Q_OBJECT
 private:
  QTemporaryDir dir_;
  QString store_;

  // A window started with `saved` (key: value) under `group` of its settings, as if edited by hand;
  // the group is removed again once the window has read it.
  std::unique_ptr<MainWindow> windowWithSettings(const QString& group, const std::map<QString, QVariant>& saved) {
    {
      QSettings settings;
      for (const auto& [key, value] : saved) settings.setValue(group + QLatin1Char('/') + key, value);
    }
    auto w = makeWindow();
    QSettings().remove(group);
    return w;
  }

  std::unique_ptr<MainWindow> makeWindow(const QString& model = QStringLiteral(DNAFILL_TINY_MODEL), bool waitForModel = true,
                                         const QString& netPrecision = QStringLiteral("fp32")) {
    StudioOptions options;
    options.modelPath = model;
    options.device = QStringLiteral("cpu");
    options.netPrecision = netPrecision;
    options.storePath = store_;
    options.restoreWindow = false;
    auto w = std::make_unique<MainWindow>(options);
    w->resize(1300, 900);
    w->show();
    if (!QTest::qWaitForWindowExposed(w.get())) return nullptr;
    if (waitForModel) {
      QElapsedTimer t;
      t.start();
      while (!w->modelReady() && t.elapsed() < 60000) QTest::qWait(20);
      if (!w->modelReady()) return nullptr;
    }
    // Quick designs: the tiny model, few steps.
    auto o = w->designPanel()->designOptions();
    o.sampler.kind = core::sampler_kind::ancestral;
    o.sampler.steps = 4;
    o.sampler.seed = 1;
    o.variants = 2;
    o.score_draws = 1;
    w->designPanel()->setDesignOptions(o);
    return w;
  }

  // Answers the modal message box named `name` once it is up, as a person would click: the box runs
  // its own loop, so from a timer (owned by `owner`). Its text is added to `asked`; `pick` chooses the
  // button.
  void answerWhenAsked(QObject* owner, const QString& name, QStringList& asked,
                       std::function<QAbstractButton*(QMessageBox*)> pick) {
    auto* timer = new QTimer(owner);
    timer->setInterval(10);
    connect(timer, &QTimer::timeout, timer, [&asked, name, pick, timer] {
      auto* box = qobject_cast<QMessageBox*>(QApplication::activeModalWidget());
      if (!box || box->objectName() != name) return;
      asked << box->text();
      timer->deleteLater();
      timer->stop();
      if (auto* button = pick(box)) button->click();
    });
    timer->start();
  }

  bool open(MainWindow& w, const QString& path) {
    QSignalSpy opened(&w, &MainWindow::documentOpened);
    w.openFile(path);
    return opened.wait(20000);
  }

  // Opens a region of `path` (NAME:START-END), as --region does.
  bool openRegion(MainWindow& w, const QString& path, const QString& region) {
    QSignalSpy opened(&w, &MainWindow::documentOpened);
    w.openFileRegion(path, region);
    return opened.wait(20000);
  }

  // A copy of designFasta in the test's folder, for tests that write beside it or over it; "" on failure.
  QString copyOfDesignFasta(const QString& name) {
    const QString path = dir_.filePath(name);
    QFile::remove(path);
    return QFile::copy(designFasta, path) ? path : QString();
  }

  // Opens `path`, masks [start, end) of record `record` and generates: true when the design is done.
  bool designIn(MainWindow& w, const QString& path, qint64 start, qint64 end, int record = 0) {
    if (!open(w, path)) return false;
    w.setCurrentRecord(record);
    w.sequenceView()->setSelection(start, end);
    w.maskSelection();
    return generateAndWait(w) == 0;
  }

  // Generates and waits; the outcome's status (0 done, 1 failed, 2 cancelled), -1 on timeout.
  int generateAndWait(MainWindow& w) {
    QSignalSpy finished(&w, &MainWindow::designFinished);
    QTest::mouseClick(w.designPanel()->generateButton(), Qt::LeftButton);
    if (!finished.wait(180000)) return -1;
    return finished.last().at(1).toInt();
  }

  // Designs that take a while (one variant, many steps), to be cancelled while they run.
  static void makeDesignsSlow(MainWindow& w) {
    auto o = w.designPanel()->designOptions();
    o.sampler.steps = 64;
    o.variants = 1;
    o.score_draws = 0;
    w.designPanel()->setDesignOptions(o);
  }

 private Q_SLOTS:
  void initTestCase() {
    QVERIFY(dir_.isValid());
    QSettings::setPath(QSettings::NativeFormat, QSettings::UserScope, dir_.filePath(QStringLiteral("settings")));
    QStandardPaths::setTestModeEnabled(true);
    QApplication::setOrganizationName(QStringLiteral("dnafill-tests"));
    QApplication::setApplicationName(QStringLiteral("dnafill-studio-tests"));
    core::set_threads(1);  // ctest runs two tests at a time on two cores
    QVERIFY2(QFileInfo::exists(QStringLiteral(DNAFILL_TINY_MODEL)), "the tiny model fixture is missing");
  }

  // Each function starts as ctest runs it, in a process of its own: no settings saved by an earlier
  // one (a window saves its design settings as it closes; a batch would take its constraints up).
  void init() {
    QSettings().clear();
    store_ = dir_.filePath(QStringLiteral("%1.sqlite").arg(QString::fromLatin1(QTest::currentTestFunction())));
  }

  void designFlow() {
    auto w = makeWindow();
    QVERIFY(w);
    QAbstractItemModelTester resultsTester(w->resultsModel(), QAbstractItemModelTester::FailureReportingMode::QtTest);
    QAbstractItemModelTester historyTester(w->historyModel(), QAbstractItemModelTester::FailureReportingMode::QtTest);
    // The status bar names the model and the device.
    QVERIFY(w->modelLabel()->text().contains(QStringLiteral("tiny")));
    QCOMPARE(w->deviceLabel()->text(), QStringLiteral("CPU"));

    QVERIFY(open(*w, designFasta));
    QCOMPARE(w->document().records.size(), std::size_t(2));
    QCOMPARE(w->currentRecord(), 0);
    auto* view = w->sequenceView();
    QCOMPARE(view->sequence().size(), std::size_t(600));

    // Select bases 301-400 with the mouse (a drag over the bases track).
    sendMouse(view->viewport(), QEvent::MouseButtonPress, onBase(*view, 300), Qt::LeftButton);
    sendMouse(view->viewport(), QEvent::MouseMove, onBase(*view, 350), Qt::LeftButton);
    sendMouse(view->viewport(), QEvent::MouseMove, onBase(*view, 399), Qt::LeftButton);
    sendMouse(view->viewport(), QEvent::MouseButtonRelease, onBase(*view, 399), Qt::NoButton);
    QCOMPARE(view->selection().start, std::int64_t(300));
    QCOMPARE(view->selection().end, std::int64_t(400));
    // The exact coordinates show, 1-based inclusive, and editing them moves the selection.
    QCOMPARE(w->selectionStartBox()->value(), 301);
    QCOMPARE(w->selectionEndBox()->value(), 400);
    w->selectionEndBox()->setValue(390);
    QCOMPARE(view->selection().end, std::int64_t(390));
    w->selectionEndBox()->setValue(400);
    QCOMPARE(view->selection().end, std::int64_t(400));

    // Mask it, generate 2 variants.
    QVERIFY(w->designPanel()->maskButton()->isEnabled());
    QTest::mouseClick(w->designPanel()->maskButton(), Qt::LeftButton);
    QCOMPARE(w->document().records[0].masks.size(), std::size_t(1));
    QCOMPARE(w->document().records[0].masks[0].start, std::int64_t(300));
    QCOMPARE(w->document().records[0].masks[0].end, std::int64_t(400));
    QCOMPARE(view->masks().size(), std::size_t(1));
    QVERIFY(w->designPanel()->generateButton()->isEnabled());
    QSignalSpy finished(w.get(), &MainWindow::designFinished);
    QTest::mouseClick(w->designPanel()->generateButton(), Qt::LeftButton);
    QVERIFY(w->designRunning());
    QVERIFY(!w->designPanel()->generateButton()->isEnabled());
    QVERIFY(w->designPanel()->cancelButton()->isEnabled());
    QVERIFY(finished.wait(180000));
    QCOMPARE(finished.last().at(1).toInt(), int(JobOutcome::Status::Done));
    const qint64 runId = finished.last().at(0).toLongLong();
    QVERIFY(runId > 0);
    QVERIFY(w->designPanel()->generateButton()->isEnabled());

    // Two rows in the table...
    QCOMPARE(w->resultsModel()->rowCount(), 2);
    QCOMPARE(w->resultsView()->model()->rowCount(), 2);
    // ...and in the store, the same designs.
    const auto runs = runsIn(store_);
    QCOMPARE(runs.size(), std::size_t(1));
    QCOMPARE(runs[0].id, std::int64_t(runId));
    QCOMPARE(runs[0].kind, std::string("infill"));
    QCOMPARE(runs[0].status, data::run_status::done);
    QVERIFY(runs[0].source.has_value());  // the input file, unedited
    const auto designs = designsIn(store_, runId);
    QCOMPARE(designs.size(), std::size_t(2));
    for (int row = 0; row < 2; ++row) {
      const auto& d = designs[static_cast<std::size_t>(row)];
      QCOMPARE(d.record, std::string("chrA"));
      QCOMPARE(d.region_start, std::int64_t(300));
      QCOMPARE(d.region_end, std::int64_t(400));
      QCOMPARE(QString::fromStdString(d.sequence), w->resultsModel()->index(row, 0).data(ResultsModel::SequenceRole).toString());
    }
    // The history lists the run.
    QCOMPARE(w->historyModel()->rowCount(), 1);

    // The first variant is shown with its differences from the working sequence.
    QCOMPARE(w->shownDesignRow(), 0);
    const std::string& working = w->document().records[0].bases;
    QCOMPARE(view->sequence(), core::apply_design(working, designs[0]));
    QCOMPARE(view->sequence().substr(0, 300), working.substr(0, 300));  // fixed bases untouched
    const auto edits = w->resultsModel()->index(0, ResultsModel::EditsColumn).data().toLongLong();
    QCOMPARE(view->differenceCount(), edits);
    QVERIFY(edits > 0);  // 100 bases redesigned by a barely trained model: some differ
    // Clicking the second row shows the second variant.
    const QRect second = w->resultsView()->visualRect(w->resultsView()->model()->index(1, 0));
    QTest::mouseClick(w->resultsView()->viewport(), Qt::LeftButton, {}, second.center());
    QCOMPARE(view->sequence(), core::apply_design(working, designs[1]));
    // Its confidence track comes from the model, off the GUI thread.
    QTRY_VERIFY_WITH_TIMEOUT(view->hasConfidence(), 60000);
    QVERIFY(!errorDialog(w.get()));
  }

  // "Both strands" reads the confidence track as a design would read the model: again, from both
  // strands, the numbers core::base_confidence gives with rc_ensemble.
  void confidenceBothStrands() {
    auto w = makeWindow();
    QVERIFY(w);
    QVERIFY(open(*w, designFasta));
    auto* view = w->sequenceView();
    QTRY_VERIFY_WITH_TIMEOUT(view->hasConfidence(), 60000);
    const std::vector<double> one = view->confidence();
    QSignalSpy ready(w.get(), &MainWindow::confidenceReady);
    auto* both = w->designPanel()->findChild<QCheckBox*>(QStringLiteral("rcEnsembleBox"));
    QVERIFY(both);
    both->setChecked(true);
    QTRY_VERIFY_WITH_TIMEOUT(ready.count() == 1, 60000);
    core::mdm_model model;
    QVERIFY(core::load_for_inference(DNAFILL_TINY_MODEL, model, "cpu", "fp32"));
    core::confidence_options options;
    options.rc_ensemble = true;
    std::vector<double> expected;
    QVERIFY(core::base_confidence(model, core::encode(view->sequence()), options, expected));
    const auto& shown = view->confidence();
    QCOMPARE(shown.size(), expected.size());
    const auto same = [](double a, double b) { return std::isnan(a) ? std::isnan(b) : std::abs(a - b) < 1e-9; };
    double moved = 0;
    for (std::size_t i = 0; i < shown.size(); ++i) {
      QVERIFY2(same(shown[i], expected[i]), qPrintable(QStringLiteral("base %1: %2 vs %3").arg(i).arg(shown[i]).arg(expected[i])));
      if (!std::isnan(shown[i])) moved = std::max(moved, std::abs(shown[i] - one[i]));
    }
    QVERIFY(moved > 1e-3);  // the tiny model reads its strands differently
    both->setChecked(false);  // and back
    QTRY_VERIFY_WITH_TIMEOUT(ready.count() == 2, 60000);
    QCOMPARE(view->confidence().size(), one.size());
    for (std::size_t i = 0; i < one.size(); ++i) QVERIFY(same(view->confidence()[i], one[i]));
  }

  void acceptUndoExport() {
    auto w = makeWindow();
    QVERIFY(w);
    QVERIFY(open(*w, designFasta));
    const std::string original = w->document().records[0].bases;
    w->sequenceView()->setSelection(100, 160);
    w->maskSelection();
    QCOMPARE(generateAndWait(*w), 0);
    QCOMPARE(w->resultsModel()->rowCount(), 2);
    const auto design = w->resultsModel()->design(0);
    const std::string designed = core::apply_design(original, design);
    QVERIFY(designed != original);

    // Accept the shown variant: the working sequence is the design now; undo, redo.
    QCOMPARE(w->shownDesignRow(), 0);
    w->acceptShownDesign();
    QCOMPARE(w->document().records[0].bases, designed);
    QVERIFY(w->isWindowModified());
    QCOMPARE(w->resultsModel()->index(0, ResultsModel::EditsColumn).data().toInt(), 0);  // edits against the working sequence
    QVERIFY(w->undoStack()->canUndo());
    w->undoStack()->undo();
    QCOMPARE(w->document().records[0].bases, original);
    QCOMPARE(w->document().records[0].masks.size(), std::size_t(1));
    w->undoStack()->redo();
    QCOMPARE(w->document().records[0].bases, designed);
    w->undoStack()->undo();
    w->undoStack()->undo();  // the mask too
    QVERIFY(w->document().records[0].masks.empty());
    QVERIFY(!w->isWindowModified());
    w->undoStack()->redo();
    QCOMPARE(w->document().records[0].masks.size(), std::size_t(1));

    // Export the selected variants: whole records named as the CLI names them.
    w->resultsView()->selectAll();
    const QString out = dir_.filePath(QStringLiteral("export.fa"));
    QVERIFY(w->exportSelectedDesigns(out));
    std::vector<bio::sequence_record> records;
    QVERIFY(bio::for_each_record(out.toStdString(), [&](bio::sequence_record& r) { records.push_back(r); }).ok());
    QCOMPARE(records.size(), std::size_t(2));
    QCOMPARE(records[0].name, std::string("chrA|variant=1|region=101-160"));
    QCOMPARE(records[1].name, std::string("chrA|variant=2|region=101-160"));
    QCOMPARE(records[0].bases, designed);
    QVERIFY(!errorDialog(w.get()));
  }

  // An export onto the store, a file SQLite keeps beside it (also through a link), the file open in the
  // window, its index or the model is refused, and the file stays as it was.
  void exportRefusesSessionFiles() {
    const QString input = copyOfDesignFasta(QStringLiteral("export_input.fa"));
    QVERIFY(!input.isEmpty());
    const QString modelCopy = dir_.filePath(QStringLiteral("export_model.safetensors"));
    QFile::remove(modelCopy);
    QVERIFY(QFile::copy(QStringLiteral(DNAFILL_TINY_MODEL), modelCopy));
    auto w = makeWindow(modelCopy);
    QVERIFY(w);
    QVERIFY(open(*w, input));
    w->sequenceView()->setSelection(100, 160);
    w->maskSelection();
    QCOMPARE(generateAndWait(*w), 0);
    w->resultsView()->selectAll();
    const QString shmLink = dir_.filePath(QStringLiteral("shm_link.fa"));
    QFile::remove(shmLink);
    QVERIFY(QFile::link(store_ + QStringLiteral("-shm"), shmLink));
    const std::map<QString, QString> refused = {
        {store_, QStringLiteral("the store of runs and designs")},
        {store_ + QStringLiteral("-wal"), QStringLiteral("a file SQLite keeps beside the store")},
        {shmLink, QStringLiteral("a file SQLite keeps beside the store")},
        {input, QStringLiteral("the file open in the window")},
        {input + QStringLiteral(".fai"), QStringLiteral("the index of the file open in the window")},
        {modelCopy, QStringLiteral("the model")}};
    checkRefused(*w, refused, [&](const QString& path) { return w->exportSelectedDesigns(path); });
    if (QTest::currentTestFailed()) return;
    QCOMPARE(designsIn(store_, w->resultsModel()->runId()).size(), std::size_t(2));
    QVERIFY(w->exportSelectedDesigns(dir_.filePath(QStringLiteral("export_ok.fa"))));
  }

  // Saving the working records: over the open file when the window holds all of it (a Save As onto
  // itself), never over a file of which it holds a region, the store, the model, or a file of another kind.
  void saveWorkingRecordsKeepsSessionFiles() {
    const QString input = copyOfDesignFasta(QStringLiteral("save_input.fa"));
    QVERIFY(!input.isEmpty());
    auto w = makeWindow();
    QVERIFY(w);
    QVERIFY(openRegion(*w, input, QStringLiteral("chrA:201-500")));
    const QString checkpoint = dir_.filePath(QStringLiteral("save_other.safetensors"));
    QFile::remove(checkpoint);
    QVERIFY(QFile::copy(QStringLiteral(DNAFILL_TINY_MODEL), checkpoint));
    const std::map<QString, QString> refused = {
        {input, QStringLiteral("the file open in the window, of which the window holds a part")},
        {store_, QStringLiteral("the store of runs and designs")},
        {checkpoint, QStringLiteral("holds a safetensors checkpoint, not FASTA")}};
    checkRefused(*w, refused, [&](const QString& path) { return w->saveWorkingRecords(path); });
    if (QTest::currentTestFailed()) return;
    // A whole file open (a copy without the index the region read made): saved over itself, as a Save
    // As onto the same name.
    const QString whole = copyOfDesignFasta(QStringLiteral("save_whole.fa"));
    QVERIFY(open(*w, whole));
    QVERIFY(w->saveWorkingRecords(whole));
    std::size_t records = 0;
    QVERIFY(bio::for_each_record(whole.toStdString(), [&](bio::sequence_record&) { ++records; }).ok());
    QCOMPARE(records, std::size_t(2));
  }

  // The store stays while a design runs: it is written where the design began, and its results were
  // read from the store chosen meanwhile (another run under the same number).
  void storeStaysDuringADesign() {
    auto w = makeWindow();
    QVERIFY(w);
    w->setStorePath(store_);
    QVERIFY(open(*w, designFasta));
    w->sequenceView()->setSelection(300, 400);
    w->maskSelection();
    QSignalSpy finished(w.get(), &MainWindow::designFinished);
    QTest::mouseClick(w->designPanel()->generateButton(), Qt::LeftButton);
    QVERIFY(w->designRunning());
    const QString other = dir_.filePath(QStringLiteral("other_store.sqlite"));
    w->setStorePath(other);
    QCOMPARE(w->storePath(), store_);
    QVERIFY(w->statusBar()->currentMessage().contains(QStringLiteral("the store can be changed when it ends")));
    QVERIFY(finished.wait(180000));
    QCOMPARE(finished.last().at(1).toInt(), 0);
    QCOMPARE(w->resultsModel()->storePath(), store_);
    QVERIFY(w->resultsModel()->rowCount() > 0);
    w->showDesign(0);
    w->setStorePath(other);  // after it: changed, and the variant shown from the old store's table goes
    QCOMPARE(w->storePath(), other);
    QCOMPARE(w->resultsModel()->rowCount(), 0);
    w->sequenceView()->setSelection(10, 20);
    w->maskSelection();  // on the working sequence (a stale row of the old table threw out_of_range)
    QCOMPARE(w->document().records[0].masks.size(), std::size_t(2));
  }

  // Two designs, each checked in the sequence it was made in, accepted one after the other: across
  // their join the working sequence breaks a rule both rows say they meet (a run of three with
  // max-homopolymer 2). Said on Accept; it was silent.
  void acceptRechecksAroundTheDesign() {
    const QString input = dir_.filePath(QStringLiteral("join.fa"));
    QByteArray bases;
    for (int i = 0; i < 50; ++i) bases += "GC";
    QVERIFY(writeAll(input, ">j\n" + bases + "\n"));
    auto w = makeWindow();
    QVERIFY(w);
    auto c = w->designPanel()->constraints();
    c.avoid = {"S"};  // designed bases are A or T
    c.maxHomopolymer = 2;
    w->designPanel()->setConstraints(c);
    auto options = w->designPanel()->designOptions();
    options.variants = 16;
    w->designPanel()->setDesignOptions(options);
    QVERIFY(designIn(*w, input, 51, 53));  // run A: bases 52-53, between G and C
    const qint64 runA = w->lastRunId();
    w->clearMasks();
    w->sequenceView()->setSelection(50, 51);
    w->maskSelection();
    QCOMPARE(generateAndWait(*w), 0);  // run B: base 51, between C and C
    // A variant of B, and one of A that doubles its base: accepted both, a run of three.
    int rowB = -1, rowA = -1;
    char base = 0;
    for (int row = 0; row < w->resultsModel()->rowCount() && rowB < 0; ++row)
      if (const auto& d = w->resultsModel()->design(row); d.constraints_ok) rowB = row, base = d.sequence[0];
    QVERIFY(rowB >= 0);
    w->showDesign(rowB);
    w->acceptShownDesign();
    QVERIFY(w->statusBar()->currentMessage().contains(QStringLiteral("is now the working sequence (Ctrl+Z")));
    QSignalSpy shown(w->resultsModel(), &QAbstractItemModel::modelReset);
    w->reopenRun(runA);
    QTRY_VERIFY(shown.count() > 0);
    for (int row = 0; row < w->resultsModel()->rowCount() && rowA < 0; ++row)
      if (const auto& d = w->resultsModel()->design(row); d.constraints_ok && d.sequence == std::string(2, base)) rowA = row;
    QVERIFY2(rowA >= 0, "no variant of run A repeats the base run B put beside it");
    w->showDesign(rowA);
    w->acceptShownDesign();
    QCOMPARE(w->document().records[0].bases.substr(50, 3), std::string(3, base));
    const QString said = w->statusBar()->currentMessage();
    QVERIFY2(said.contains(QStringLiteral("it breaks max-homopolymer 2")), qPrintable(said));
  }

  // Saving keeps each header whole: a FASTA description is part of the record (saving over the open
  // file dropped them all).
  void saveKeepsDescriptions() {
    const QString path = dir_.filePath(QStringLiteral("described.fa"));
    {
      QFile f(path);
      QVERIFY(f.open(QIODevice::WriteOnly | QIODevice::Truncate));
      f.write(">chr1 Homo sapiens chromosome 1\nACGTACGTAC\n>chr2\nGGCCA\n>chr3 third\tone\nTTTT\n");
    }
    auto w = makeWindow();
    QVERIFY(w);
    QVERIFY(open(*w, path));
    QVERIFY(w->saveWorkingRecords(path));
    std::vector<std::string> headers;
    QVERIFY(bio::for_each_record(path.toStdString(), [&](bio::sequence_record& r) {
              headers.push_back(r.name + "|" + r.comment);
            }).ok());
    QCOMPARE(headers, (std::vector<std::string>{"chr1|Homo sapiens chromosome 1", "chr2|", "chr3|third\tone"}));
  }

  // Constraints saved as typed, a GC minimum above the maximum, are dropped at the next start, with a
  // word in the status bar: they would fail every design (and dnafill-studio's start, exit 2).
  void badSavedConstraints() {
    auto w = windowWithSettings(QStringLiteral("constraints"),
                                {{QStringLiteral("gcMin"), 0.7}, {QStringLiteral("gcMax"), 0.3}, {QStringLiteral("maxHomopolymer"), 5}});
    QVERIFY(w);
    const auto c = w->designPanel()->constraints();
    QCOMPARE(c.gcMin, 0.0);
    QCOMPARE(c.gcMax, 1.0);
    QCOMPARE(c.maxHomopolymer, 0);
    QVERIFY2(w->statusBar()->currentMessage().contains(QStringLiteral("The saved constraints were dropped: GC range: 70%-30%")),
             qPrintable(w->statusBar()->currentMessage()));
    QVERIFY(open(*w, designFasta));
    w->sequenceView()->setSelection(100, 160);
    w->maskSelection();
    QCOMPARE(generateAndWait(*w), 0);
  }

  // Design settings edited by hand into what the panel cannot hold (a NaN, a negative count, an
  // unknown sampler) are said; the boxes clamped them without a word (a NaN temperature became 5).
  void badSavedDesignSettings() {
    auto w = windowWithSettings(QStringLiteral("design"), {{QStringLiteral("sampler"), QStringLiteral("bogus")},
                                                          {QStringLiteral("temperature"), QStringLiteral("nan")},
                                                          {QStringLiteral("steps"), -5}});
    QVERIFY(w);
    const QString said = w->statusBar()->currentMessage();
    QVERIFY2(said.contains(QStringLiteral("The saved sampler 'bogus' was dropped")), qPrintable(said));
    QVERIFY2(said.contains(QStringLiteral("Saved design settings that did not read as values (edited by hand?) were dropped, "
                                          "the defaults used: temperature.")), qPrintable(said));
    QVERIFY2(said.contains(QStringLiteral("The saved steps could not be used as saved")), qPrintable(said));
    QCOMPARE(w->designPanel()->designOptions().sampler.temperature, 1.0);
    // The first file opened says its records and, again, what start found: its message took their place.
    QVERIFY(open(*w, designFasta));
    const QString opened = w->statusBar()->currentMessage();
    QVERIFY2(opened.contains(QStringLiteral("design.fa: 2 record(s). The saved sampler 'bogus' was dropped")), qPrintable(opened));
    QVERIFY(open(*w, designFasta));  // once
    QVERIFY2(!w->statusBar()->currentMessage().contains(QStringLiteral("bogus")), qPrintable(w->statusBar()->currentMessage()));
    // Infinite, unreadable and negative values are the defaults, said: inf was a box's maximum (a
    // temperature of 5, a guidance of 20), "abc" 0, a seed of -1 was 0, "maybe" a ticked box.
    auto junk = windowWithSettings(QStringLiteral("design"), {{QStringLiteral("temperature"), QStringLiteral("inf")},
                                                             {QStringLiteral("guidance"), QStringLiteral("inf")},
                                                             {QStringLiteral("scoreDraws"), QStringLiteral("abc")},
                                                             {QStringLiteral("seed"), QStringLiteral("-1")},
                                                             {QStringLiteral("rcEnsemble"), QStringLiteral("maybe")}});
    QVERIFY(junk);
    const QString junkSaid = junk->statusBar()->currentMessage();
    QVERIFY2(junkSaid.contains(QStringLiteral("were dropped, the defaults used: temperature, seed, guidance, score draws, both strands.")),
             qPrintable(junkSaid));
    const auto used = junk->designPanel()->designOptions();
    const core::design_options defaults;
    QCOMPARE(used.sampler.temperature, defaults.sampler.temperature);
    QCOMPARE(used.sampler.guidance, defaults.sampler.guidance);
    QVERIFY(!used.rc_ensemble);  // (makeWindow sets the seed and the score draws itself)
    // Values the panel's boxes hold read back without a word.
    auto again = windowWithSettings(QStringLiteral("design"), {{QStringLiteral("temperature"), 0.7},
                                                              {QStringLiteral("topP"), 0.95},
                                                              {QStringLiteral("guidance"), 1.5},
                                                              {QStringLiteral("rcEnsemble"), true},
                                                              {QStringLiteral("steps"), 64}});
    QVERIFY(again);
    QVERIFY(again->designPanel()->designOptions().rc_ensemble);
    QVERIFY2(!again->statusBar()->currentMessage().contains(QStringLiteral("saved")), qPrintable(again->statusBar()->currentMessage()));
    QCOMPARE(again->designPanel()->designOptions().sampler.temperature, 0.7);
  }

  // A device and a network precision saved then edited by hand are dropped with a word, not taken
  // as if given (every start failed, blaming --device); a last model that is gone is said too. A
  // model given by a relative name is saved absolute: a session started elsewhere loads the same.
  void badSavedModelSettings() {
    {
      QSettings settings;
      settings.setValue(QStringLiteral("model/device"), QStringLiteral("tpu"));
      settings.setValue(QStringLiteral("model/netPrecision"), QStringLiteral("fp8"));
      settings.setValue(QStringLiteral("model/path"), dir_.filePath(QStringLiteral("gone.safetensors")));
    }
    StudioOptions options;
    options.storePath = store_;
    options.restoreWindow = false;
    {
      MainWindow w(options);
      const QString said = w.statusBar()->currentMessage();
      QVERIFY2(said.contains(QStringLiteral("The saved device 'tpu' was dropped: auto is used.")), qPrintable(said));
      QVERIFY2(said.contains(QStringLiteral("The saved network precision 'fp8' was dropped: auto is used.")), qPrintable(said));
      QVERIFY2(said.contains(QStringLiteral("The last model ") + dir_.filePath(QStringLiteral("gone.safetensors")) +
                             QStringLiteral(" is gone: the shipped model is loaded.")),
               qPrintable(said));
    }
    const QString before = QDir::currentPath();
    QVERIFY(QDir::setCurrent(QFileInfo(QStringLiteral(DNAFILL_TINY_MODEL)).absolutePath()));
    options.modelPath = QFileInfo(QStringLiteral(DNAFILL_TINY_MODEL)).fileName();
    options.device = QStringLiteral("cpu");
    {
      MainWindow w(options);
      QElapsedTimer t;
      t.start();
      while (!w.modelReady() && t.elapsed() < 60000) QTest::qWait(20);
      QVERIFY(w.modelReady());
      w.close();  // saves the settings
    }
    QVERIFY(QDir::setCurrent(before));
    const QString saved = QSettings().value(QStringLiteral("model/path")).toString();
    QSettings().remove(QStringLiteral("model"));
    QCOMPARE(saved, QFileInfo(QStringLiteral(DNAFILL_TINY_MODEL)).absoluteFilePath());
  }

  // "Mask N" masks runs of N as `--mask N` and the batch dialog do; R, Y, K, M stay bases.
  void maskNAsTheCli() {
    const QString input = dir_.filePath(QStringLiteral("iupac.fa"));
    {
      QFile file(input);
      QVERIFY(file.open(QIODevice::WriteOnly));
      file.write(">p\nACGTACGTNNNNACGTACGTRYKMACGTnACGT\n");
    }
    auto w = makeWindow();
    QVERIFY(w);
    QVERIFY(open(*w, input));
    w->maskN();
    QCOMPARE(w->document().records[0].masks, (std::vector<bio::interval>{{8, 12}, {28, 29}}));
  }

  // A store whose folder cannot be made (a file where a folder should be) is said at once, beside
  // saved constraints dropped.
  void storeFolderCannotBeMade() {
    QSettings().setValue(QStringLiteral("constraints/gcMin"), 0.9);
    QSettings().setValue(QStringLiteral("constraints/gcMax"), 0.2);
    const QString file = dir_.filePath(QStringLiteral("not_a_folder"));
    {
      QFile f(file);
      QVERIFY(f.open(QIODevice::WriteOnly));
    }
    store_ = file + QStringLiteral("/sub/designs.sqlite");
    auto w = makeWindow();
    QVERIFY(w);
    QSettings().remove(QStringLiteral("constraints"));
    QVERIFY2(w->statusBar()->currentMessage().contains(QStringLiteral("The store's folder ") + file +
                                                        QStringLiteral("/sub cannot be made: no design can be kept")),
             qPrintable(w->statusBar()->currentMessage()));
    QVERIFY2(w->statusBar()->currentMessage().contains(QStringLiteral("The saved constraints were dropped: GC range")),
             qPrintable(w->statusBar()->currentMessage()));
  }

  void bf16Network() {
    auto w = makeWindow(QStringLiteral(DNAFILL_TINY_MODEL), true, QStringLiteral("bf16"));
    QVERIFY(w);
    QCOMPARE(w->deviceLabel()->text(), QStringLiteral("CPU, bf16"));
    QVERIFY(open(*w, designFasta));
    w->sequenceView()->setSelection(300, 400);
    w->maskSelection();
    QCOMPARE(generateAndWait(*w), 0);
    QCOMPARE(designsIn(store_, w->resultsModel()->runId()).size(), std::size_t(2));
    // The run records the precision, as `dnafill infill --net-precision bf16` does.
    QVERIFY(QString::fromStdString(runsIn(store_).back().parameters).contains(QLatin1String("\"net_precision\":\"bf16\"")));
  }

  // The Model menu's choices reload the model: bf16, then Automatic (float32 on the CPU); CUDA is
  // offered only where there is a GPU.
  void modelMenuChoices() {
    auto w = makeWindow();
    QVERIFY(w);
    QCOMPARE(w->deviceLabel()->text(), QStringLiteral("CPU"));
    auto choice = [&](const QString& menuTitle, const QString& name) -> QAction* {
      for (auto* menu : w->findChildren<QMenu*>())
        if (menu->title() == menuTitle)
          for (auto* a : menu->actions())
            if (a->data().toString() == name) return a;
      return nullptr;
    };
    auto waitForLabel = [&](const QString& text) {
      QElapsedTimer t;
      t.start();
      while (w->deviceLabel()->text() != text && t.elapsed() < 60000) QTest::qWait(20);
      return w->deviceLabel()->text() == text;
    };
    auto* bf16 = choice(QStringLiteral("Network &precision"), QStringLiteral("bf16"));
    auto* automatic = choice(QStringLiteral("Network &precision"), QStringLiteral("auto"));
    auto* cuda = choice(QStringLiteral("&Device"), QStringLiteral("cuda"));
    QVERIFY(bf16 && automatic && cuda);
    QCOMPARE(cuda->isEnabled(), core::cuda_available());
    bf16->trigger();
    QVERIFY(bf16->isChecked());
    QVERIFY(waitForLabel(QStringLiteral("CPU, bf16")));
    automatic->trigger();
    QVERIFY(automatic->isChecked() && !bf16->isChecked());
    QVERIFY(waitForLabel(QStringLiteral("CPU")));
    // Two quick choices, the second made while the first loads: both hold.
    auto* cpu = choice(QStringLiteral("&Device"), QStringLiteral("cpu"));
    auto* automaticDevice = choice(QStringLiteral("&Device"), QStringLiteral("auto"));
    QVERIFY(cpu && automaticDevice && cpu->isChecked());
    automaticDevice->trigger();
    bf16->trigger();
    QVERIFY(waitForLabel(QStringLiteral("CPU, bf16")));
    QVERIFY(automaticDevice->isChecked() && bf16->isChecked());
  }

  void constrainedDesign() {
    auto w = makeWindow();
    QVERIFY(w);
    QVERIFY(open(*w, designFasta));
    const std::string original = w->document().records[0].bases;
    w->sequenceView()->setSelection(300, 400);
    w->maskSelection();
    auto o = w->designPanel()->designOptions();
    o.variants = 4;
    w->designPanel()->setDesignOptions(o);
    // The rules typed into the panel, as bio builds them for `dnafill infill --avoid EcoRI,BsaI
    // --max-homopolymer 3 --gc 0.3-0.7 --gc-window 20`; the check below is bio's independent one.
    ConstraintSettings typed;
    typed.gcMin = 0.3;
    typed.gcMax = 0.7;
    typed.gcWindow = 20;
    typed.maxHomopolymer = 3;
    typed.avoid = {"EcoRI", "BsaI"};
    bio::constraint_set rules;
    QVERIFY(typed.resolve(rules).ok());
    const std::vector<bio::interval> hole = {{300, 400}};
    auto violating = [&](qint64 runId) {
      int count = 0;
      for (const auto& d : designsIn(store_, runId)) count += !bio::check_constraints(core::apply_design(original, d), hole, rules).empty();
      return count;
    };

    // Without constraints the tiny model's designs break these rules (the same seed below).
    QCOMPARE(generateAndWait(*w), 0);
    const qint64 free = w->resultsModel()->runId();
    QVERIFY(violating(free) > 0);

    // With them, every design meets them, the table says ok, and the run records the rules.
    w->designPanel()->setConstraints(typed);
    QCOMPARE(generateAndWait(*w), 0);
    const qint64 constrained = w->resultsModel()->runId();
    QVERIFY(constrained != free);
    const auto designs = designsIn(store_, constrained);
    QCOMPARE(designs.size(), std::size_t(4));
    QCOMPARE(violating(constrained), 0);
    for (int row = 0; row < 4; ++row) {
      QVERIFY(designs[static_cast<std::size_t>(row)].constraints_ok);
      QCOMPARE(w->resultsModel()->index(row, ResultsModel::ConstraintsColumn).data().toString(), QStringLiteral("ok"));
    }
    const auto runs = runsIn(store_);
    QCOMPARE(runs.size(), std::size_t(2));
    for (const char* rule : {"avoid EcoRI", "avoid BsaI", "max-homopolymer", "gc 30-70% per 20 bp"})
      QVERIFY2(QString::fromStdString(runs.back().parameters).contains(QLatin1String(rule)), rule);

    // A preset on top (golden-gate: BsaI, BsmBI, BbsI, SapI) goes into the run too.
    QVERIFY(w->designPanel()->applyPreset(QStringLiteral("golden-gate")));
    QCOMPARE(generateAndWait(*w), 0);
    QVERIFY(QString::fromStdString(runsIn(store_).back().parameters).contains(QLatin1String("avoid SapI")));

    // A name that is neither an enzyme nor a motif: an error dialog, and no run.
    w->designPanel()->avoidEdit()->setText(QStringLiteral("EcoRI, NotAnEnzyme"));
    QSignalSpy error(w.get(), &MainWindow::errorShown);
    QTest::mouseClick(w->designPanel()->generateButton(), Qt::LeftButton);
    QCOMPARE(error.count(), 1);
    QVERIFY(error.last().at(0).toString().contains(QStringLiteral("NotAnEnzyme")));
    QVERIFY(errorDialog(w.get()));
    errorDialog(w.get())->accept();
    QVERIFY(!w->designRunning());
    QCOMPARE(runsIn(store_).size(), std::size_t(3));

    // Rules no base can meet (all G or C, no G or C) on a 10-base hole: the designs are made, kept and
    // marked failed, and an error dialog says so, as the CLI exits 1 with one line.
    ConstraintSettings impossible;
    impossible.gcMin = 1.0;
    impossible.avoid = {"S"};
    w->designPanel()->setConstraints(impossible);
    w->clearMasks();
    w->sequenceView()->setSelection(300, 310);
    w->maskSelection();
    o.variants = 2;
    w->designPanel()->setDesignOptions(o);
    QSignalSpy failedCheck(w.get(), &MainWindow::errorShown);
    QCOMPARE(generateAndWait(*w), 0);
    QCOMPARE(failedCheck.count(), 1);
    QVERIFY2(failedCheck.last().at(0).toString().contains(QStringLiteral("2 of 2 violate the constraints")),
             qPrintable(failedCheck.last().at(0).toString()));
    QCOMPARE(w->resultsModel()->rowCount(), 2);
    QCOMPARE(w->resultsModel()->index(0, ResultsModel::ConstraintsColumn).data().toString(), QStringLiteral("failed"));
    QVERIFY(errorDialog(w.get()));
    errorDialog(w.get())->accept();
  }

  void generateNew() {
    auto w = makeWindow();
    QVERIFY(w);
    auto* length = w->designPanel()->findChild<QSpinBox*>(QStringLiteral("newLengthBox"));
    QVERIFY(length);
    length->setValue(300);
    QSignalSpy finished(w.get(), &MainWindow::designFinished);
    QTest::mouseClick(w->designPanel()->generateNewButton(), Qt::LeftButton);
    QVERIFY(finished.wait(180000));
    QCOMPARE(finished.last().at(1).toInt(), 0);
    // A new record of N, the whole of it a hole; its variants in the table and the store.
    QCOMPARE(w->document().records.size(), std::size_t(1));
    QCOMPARE(w->document().records[0].name, std::string("generated"));
    QCOMPARE(w->document().records[0].bases, std::string(300, 'N'));
    QCOMPARE(w->resultsModel()->rowCount(), 2);
    const auto runs = runsIn(store_);
    QCOMPARE(runs.size(), std::size_t(1));
    QCOMPARE(runs[0].kind, std::string("generate"));
    QVERIFY(!runs[0].source.has_value());
    const auto designs = designsIn(store_, runs[0].id);
    QCOMPARE(designs.size(), std::size_t(2));
    QCOMPARE(designs[0].sequence.size(), std::size_t(300));
    QVERIFY(designs[0].sequence.find_first_not_of("ACGT") == std::string::npos);
    QCOMPARE(w->sequenceView()->sequence(), designs[0].sequence);
    w->acceptShownDesign();
    QCOMPARE(w->document().records[0].bases, designs[0].sequence);
  }

  void cancel() {
    auto w = makeWindow();
    QVERIFY(w);
    auto o = w->designPanel()->designOptions();
    o.sampler.steps = 64;
    o.variants = 1;
    o.score_draws = 0;
    w->designPanel()->setDesignOptions(o);
    // 200 kb with 64 steps a block: minutes of work for the tiny model.
    auto* length = w->designPanel()->findChild<QSpinBox*>(QStringLiteral("newLengthBox"));
    length->setValue(200000);
    QSignalSpy progress(w->jobRunner(), &JobRunner::jobProgress);
    QSignalSpy finished(w.get(), &MainWindow::designFinished);
    QTest::mouseClick(w->designPanel()->generateNewButton(), Qt::LeftButton);
    QVERIFY(w->designRunning());
    QVERIFY(progress.wait(30000));
    // While the model works the GUI thread keeps turning: timer ticks at most ~0.5 s apart.
    QElapsedTimer clock, sinceTick;
    clock.start();
    sinceTick.start();
    qint64 longestGap = 0;
    int ticks = 0;
    QTimer ticker;
    connect(&ticker, &QTimer::timeout, this, [&] {
      longestGap = std::max(longestGap, sinceTick.restart());
      ++ticks;
    });
    ticker.start(10);
    QTest::qWait(1500);
    ticker.stop();
    QVERIFY(w->designRunning());
    QVERIFY2(ticks > 20, qPrintable(QStringLiteral("%1 ticks").arg(ticks)));
    QVERIFY2(longestGap < 500, qPrintable(QStringLiteral("the GUI stalled %1 ms").arg(longestGap)));
    // Cancel stops it at the next network call.
    QElapsedTimer stopping;
    stopping.start();
    QTest::mouseClick(w->designPanel()->cancelButton(), Qt::LeftButton);
    QVERIFY(finished.wait(20000));
    QVERIFY2(stopping.elapsed() < 10000, qPrintable(QStringLiteral("%1 ms to stop").arg(stopping.elapsed())));
    QCOMPARE(finished.last().at(1).toInt(), int(JobOutcome::Status::Cancelled));
    QVERIFY(!w->designRunning());
    QVERIFY(w->designPanel()->generateNewButton()->isEnabled());
    const auto runs = runsIn(store_);
    QCOMPARE(runs.size(), std::size_t(1));
    QCOMPARE(runs[0].status, data::run_status::cancelled);
    QCOMPARE(w->resultsModel()->rowCount(), 0);
    QVERIFY(!errorDialog(w.get()));
  }

  // A description, a record name or a file name that looks like HTML is shown as the text it is: it
  // was drawn as markup, and <img src=...> read a picture from disk into the window.
  void htmlInNamesIsText() {
    auto w = makeWindow();
    QVERIFY(w);
    const QString path = dir_.filePath(QStringLiteral("<b>bold.fa"));
    QFile file(path);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write(">lacZ <i>E. coli</i> <img src=/no/such.png>\nACGTACGTACGTNNNNACGT\n");
    file.close();
    QVERIFY(open(*w, path));
    auto* shown = w->findChild<QLabel*>(QStringLiteral("shownLabel"));
    QVERIFY(shown);
    QCOMPARE(shown->textFormat(), Qt::PlainText);
    QVERIFY2(shown->text().contains(QStringLiteral("<i>E. coli</i> <img src=/no/such.png>")), qPrintable(shown->text()));
    QVERIFY2(shown->toolTip().contains(QStringLiteral("&lt;i&gt;E. coli&lt;/i&gt;")), qPrintable(shown->toolTip()));
    QCOMPARE(literalToolTip(QStringLiteral("plain text")), QStringLiteral("plain text"));
    // An error quoting the name is plain text too.
    QSignalSpy error(w.get(), &MainWindow::errorShown);
    w->openFile(dir_.filePath(QStringLiteral("<b>missing.fa")));
    QVERIFY(error.wait(20000));
    auto* box = errorDialog(w.get());
    QVERIFY(box);
    QCOMPARE(box->textFormat(), Qt::PlainText);
    QVERIFY2(box->text().contains(QStringLiteral("<b>missing.fa")), qPrintable(box->text()));
    box->accept();
  }

  void badFile() {
    auto w = makeWindow();
    QVERIFY(w);
    // A file with a letter that is no IUPAC code, random bytes, a VCF, a missing file: each an error
    // dialog naming the file; the window stays usable.
    for (const QString& name : {QStringLiteral("bad/non_iupac_letter.fa"), QStringLiteral("bad/random_bytes.bin"),
                               QStringLiteral("bad/variants.vcf"), QStringLiteral("bad/truncated.bam"),
                               QStringLiteral("no-such-file.fa")}) {
      QSignalSpy error(w.get(), &MainWindow::errorShown);
      w->openFile(testData + QLatin1Char('/') + name);
      QVERIFY2(error.wait(20000), qPrintable(name));
      auto* box = errorDialog(w.get());
      QVERIFY2(box, qPrintable(name));
      QVERIFY2(box->text().contains(QFileInfo(name).fileName()), qPrintable(box->text()));
      QCOMPARE(box->icon(), QMessageBox::Critical);
      box->accept();
      QTRY_VERIFY(!errorDialog(w.get()));
    }
    QVERIFY(w->document().records.empty());
    // Nothing masked: generating explains instead of failing silently.
    QVERIFY(open(*w, designFasta));
    QSignalSpy error(w.get(), &MainWindow::errorShown);
    w->infill();
    QCOMPARE(error.count(), 1);
    QVERIFY(error.last().at(0).toString().contains(QStringLiteral("Mask")));
    errorDialog(w.get())->accept();

    // A checkpoint that is not one: an error dialog, no model, nothing to generate with.
    auto broken = makeWindow(testData + QStringLiteral("/bad/random_bytes.bin"), false);
    QVERIFY(broken);
    QTRY_VERIFY_WITH_TIMEOUT(errorDialog(broken.get()), 20000);
    QVERIFY(errorDialog(broken.get())->text().contains(QStringLiteral("random_bytes.bin")));
    QVERIFY(!broken->modelReady());
    QCOMPARE(broken->modelLabel()->text(), QStringLiteral("no model"));
    QVERIFY(!broken->designPanel()->generateNewButton()->isEnabled());
  }

  void batchResumesAsTheCli() {
    auto w = makeWindow();
    QVERIFY(w);
    auto o = w->designPanel()->designOptions();
    o.sampler.steps = 24;
    o.variants = 2;
    o.score_draws = 1;
    w->designPanel()->setDesignOptions(o);
    auto* dialog = w->batchDialog();
    const QString input = testData + QStringLiteral("/cli/batch.fa");  // 26 lowercase regions in 12 records
    dialog->setInput(input);
    dialog->setMask(QStringLiteral("lowercase"));
    dialog->setVariants(2);
    dialog->setStorePath(store_);
    dialog->show();
    // Start, and cancel once a few regions are done.
    QSignalSpy progress(w->jobRunner(), &JobRunner::jobProgress);
    QTest::mouseClick(dialog->startButton(), Qt::LeftButton);
    QVERIFY(dialog->running());
    QTRY_VERIFY_WITH_TIMEOUT(dialog->statusText().contains(QRegularExpression(QStringLiteral("designs ([4-9]|[1-9][0-9])/52"))), 120000);
    QTest::mouseClick(dialog->cancelButton(), Qt::LeftButton);
    QTRY_VERIFY_WITH_TIMEOUT(!dialog->running(), 30000);
    QVERIFY2(dialog->statusText().contains(QStringLiteral("cancelled")), qPrintable(dialog->statusText()));
    auto runs = runsIn(store_);
    QCOMPARE(runs.size(), std::size_t(1));
    QCOMPARE(runs[0].status, data::run_status::cancelled);
    const auto kept = runs[0].designs_done;
    QVERIFY(kept >= 4 && kept < 52);
    QCOMPARE(kept % 2, std::int64_t(0));  // whole regions only

    // The same batch on the command line takes the run up and finishes it.
    QProcess cli;
    cli.start(QStringLiteral(DNAFILL_CLI),
              {QStringLiteral("batch"), QStringLiteral("--in"), input, QStringLiteral("--mask"), QStringLiteral("lowercase"),
               QStringLiteral("--num"), QStringLiteral("2"), QStringLiteral("--db"), store_, QStringLiteral("--model"),
               QStringLiteral(DNAFILL_TINY_MODEL), QStringLiteral("--steps"), QStringLiteral("24"), QStringLiteral("--score-draws"),
               QStringLiteral("1"), QStringLiteral("--threads"), QStringLiteral("1")});
    QVERIFY(cli.waitForFinished(240000));
    const QString said = QString::fromUtf8(cli.readAllStandardOutput());
    QVERIFY2(cli.exitCode() == 0, qPrintable(QString::fromUtf8(cli.readAllStandardError())));
    QVERIFY2(said.contains(QStringLiteral("run 1 in")) && said.contains(QStringLiteral("resumed and done, 52 designs of 26 regions")) &&
                 said.contains(QStringLiteral("(%1 found done)").arg(kept)),
             qPrintable(said));

    // The dialog, started again, finds it all done: nothing designed twice.
    QTest::mouseClick(dialog->startButton(), Qt::LeftButton);
    QTRY_VERIFY_WITH_TIMEOUT(!dialog->running(), 60000);
    QVERIFY2(dialog->statusText().contains(QStringLiteral("Run 1 resumed and done: 52 designs of 26 regions in 12 records (52 found done)")),
             qPrintable(dialog->statusText()));
    runs = runsIn(store_);
    QCOMPARE(runs.size(), std::size_t(1));
    QCOMPARE(runs[0].status, data::run_status::done);
    const auto designs = designsIn(store_, 1);
    QCOMPARE(designs.size(), std::size_t(52));
    std::set<std::tuple<std::int64_t, std::int64_t, int>> keys;
    for (const auto& d : designs) keys.insert({d.record_index, d.region_index, d.variant});
    QCOMPARE(keys.size(), std::size_t(52));
    // The history shows it too.
    QTRY_COMPARE(w->historyModel()->rowCount(), 1);
    QCOMPARE(w->historyModel()->index(0, HistoryModel::StatusColumn).data().toString(), QStringLiteral("done"));
  }

  void batchBedConstraintsFasta() {
    auto w = makeWindow();
    QVERIFY(w);
    ConstraintSettings typed;
    typed.maxHomopolymer = 3;
    typed.avoid = {"EcoRI"};
    w->designPanel()->setConstraints(typed);
    auto* dialog = w->batchDialog();
    const QString bed = testData + QStringLiteral("/cli/design.bed");  // chrA 11-40, chrB 391-400
    const QString fasta = dir_.filePath(QStringLiteral("batch_designs.fa"));
    dialog->setInput(designFasta);
    dialog->setMask(QStringLiteral("bed:") + bed);
    dialog->setVariants(2);
    dialog->setStorePath(store_);
    dialog->setFastaOut(fasta);
    // The dialog says which rules it runs with: the panel's.
    auto* note = dialog->findChild<QLabel*>(QStringLiteral("settingsNote"));
    QVERIFY(note);
    QVERIFY2(note->text().contains(QStringLiteral("avoid EcoRI, max-homopolymer")), qPrintable(note->text()));
    dialog->show();
    QTest::mouseClick(dialog->startButton(), Qt::LeftButton);
    QTRY_VERIFY_WITH_TIMEOUT(!dialog->running(), 120000);
    QVERIFY2(dialog->statusText().contains(QStringLiteral("done: 4 designs of 2 regions")), qPrintable(dialog->statusText()));

    // The designs: the BED's regions, each meeting the rules by bio's check, each in the FASTA.
    const auto designs = designsIn(store_, 1);
    QCOMPARE(designs.size(), std::size_t(4));
    std::map<std::string, std::string> records;
    QVERIFY(bio::for_each_record(designFasta.toStdString(), [&](bio::sequence_record& r) { records[r.name] = r.bases; }).ok());
    bio::constraint_set rules;
    QVERIFY(typed.resolve(rules).ok());
    std::vector<bio::sequence_record> written;
    QVERIFY(bio::for_each_record(fasta.toStdString(), [&](bio::sequence_record& r) { written.push_back(r); }).ok());
    QCOMPARE(written.size(), std::size_t(4));
    for (std::size_t i = 0; i < designs.size(); ++i) {
      const auto& d = designs[i];
      QVERIFY(d.record == "chrA" ? d.region_start == 10 && d.region_end == 40 : d.region_start == 390 && d.region_end == 400);
      QVERIFY(d.constraints_ok);
      const auto whole = core::apply_design(records.at(d.record), d);
      QVERIFY(bio::check_constraints(whole, {{d.region_start, d.region_end}}, rules).empty());
      QCOMPARE(written[i].bases, d.sequence);
    }

    // The CLI with the same options as flags finds the very same run done: the studio's rules are the
    // CLI's, down to the run's parameters.
    QProcess cli;
    cli.start(QStringLiteral(DNAFILL_CLI),
              {QStringLiteral("batch"), QStringLiteral("--in"), designFasta, QStringLiteral("--mask"), QStringLiteral("bed:") + bed,
               QStringLiteral("--num"), QStringLiteral("2"), QStringLiteral("--db"), store_, QStringLiteral("--model"),
               QStringLiteral(DNAFILL_TINY_MODEL), QStringLiteral("--steps"), QStringLiteral("4"), QStringLiteral("--score-draws"),
               QStringLiteral("1"), QStringLiteral("--avoid"), QStringLiteral("EcoRI"), QStringLiteral("--max-homopolymer"),
               QStringLiteral("3"), QStringLiteral("--threads"), QStringLiteral("1")});
    QVERIFY(cli.waitForFinished(120000));
    const QString said = QString::fromUtf8(cli.readAllStandardOutput());
    QVERIFY2(cli.exitCode() == 0, qPrintable(QString::fromUtf8(cli.readAllStandardError())));
    QVERIFY2(said.contains(QStringLiteral("run 1 in")) && said.contains(QStringLiteral("(4 found done)")), qPrintable(said));
    QCOMPARE(runsIn(store_).size(), std::size_t(1));

    // Rules no base meets: the batch is done, and its closing line says that every design fails them.
    ConstraintSettings impossible;
    impossible.gcMin = 1.0;
    impossible.avoid = {"S"};
    w->designPanel()->setConstraints(impossible);
    dialog = w->batchDialog();
    const QString otherStore = dir_.filePath(QStringLiteral("impossible.sqlite"));
    dialog->setStorePath(otherStore);
    dialog->setFastaOut({});
    QTest::mouseClick(dialog->startButton(), Qt::LeftButton);
    QTRY_VERIFY_WITH_TIMEOUT(!dialog->running(), 120000);
    QVERIFY2(dialog->statusText().contains(QStringLiteral("done: 4 designs of 2 regions")) &&
                 dialog->statusText().contains(QStringLiteral("4 of 4 violate the constraints (first: chrA variant 1: ")),
             qPrintable(dialog->statusText()));
    // That run is in another store than the window's: History does not show it, and the window says where
    // it is (it said nothing; its results, had run 1 of the window's store been shown, were refreshed).
    QVERIFY2(w->statusBar()->currentMessage().contains(QStringLiteral("Batch run 1 is in %1; History shows %2").arg(otherStore, store_)),
             qPrintable(w->statusBar()->currentMessage()));
    QCOMPARE(w->historyModel()->rowCount(), 1);
    QCOMPARE(runsIn(otherStore).size(), std::size_t(1));
  }

  // A CRAM whose reference is not embedded: the batch decodes it with the session's CRAM reference,
  // as dnafill batch --reference does; without one it fails saying so.
  void batchCramWithReference() {
    auto w = makeWindow();
    QVERIFY(w);
    auto* dialog = w->batchDialog();
    dialog->setInput(testData + QStringLiteral("/lambda_reads_ref.cram"));
    dialog->setMask(QStringLiteral("N"));
    dialog->setStorePath(store_);
    dialog->show();
    QTest::mouseClick(dialog->startButton(), Qt::LeftButton);
    QTRY_VERIFY_WITH_TIMEOUT(!dialog->running(), 60000);
    QVERIFY2(dialog->statusText().contains(QStringLiteral("the CRAM reference is not available")), qPrintable(dialog->statusText()));
    w->setCramReference(testData + QStringLiteral("/lambda.fa.gz"));
    dialog = w->batchDialog();
    QTest::mouseClick(dialog->startButton(), Qt::LeftButton);
    QTRY_VERIFY_WITH_TIMEOUT(!dialog->running(), 120000);
    QVERIFY2(dialog->statusText().contains(QStringLiteral("done: 1126 designs of 563 regions in 306 records")),
             qPrintable(dialog->statusText()));
    // The next session has it too; one that is gone since is dropped, with a word.
    w->close();
    w = makeWindow();
    QVERIFY(w);
    QCOMPARE(w->cramReference(), testData + QStringLiteral("/lambda.fa.gz"));
    const QString gone = dir_.filePath(QStringLiteral("gone.fa"));
    w->setCramReference(gone);
    w->close();
    w = makeWindow();
    QVERIFY(w);
    QVERIFY(w->cramReference().isEmpty());
    QVERIFY2(w->statusBar()->currentMessage().contains(QStringLiteral("The CRAM reference ") + gone + QStringLiteral(" is gone")),
             qPrintable(w->statusBar()->currentMessage()));
  }

  // A BAM's reads filtered as `dnafill batch --primary --min-mapq` filters them: the same run, which the CLI
  // with those flags finds done. The fields are on only for an alignments file.
  void batchAlignmentFilters() {
    auto w = makeWindow();
    QVERIFY(w);
    auto* dialog = w->batchDialog();
    dialog->setInput(designFasta);
    QVERIFY(!dialog->alignmentFiltersEnabled());
    const QString bam = testData + QStringLiteral("/lambda_reads.bam");
    dialog->setInput(bam);
    QVERIFY(dialog->alignmentFiltersEnabled());
    dialog->setAlignmentFilters(true, 20);
    dialog->setMask(QStringLiteral("N"));
    dialog->setVariants(1);
    dialog->setStorePath(store_);
    dialog->show();
    QTest::mouseClick(dialog->startButton(), Qt::LeftButton);
    QTRY_VERIFY_WITH_TIMEOUT(!dialog->running(), 120000);
    // 563 regions in 306 reads unfiltered (batchCramWithReference); these flags keep 256 reads.
    QVERIFY2(dialog->statusText().contains(QStringLiteral("done: 302 designs of 302 regions in 256 records")),
             qPrintable(dialog->statusText()));
    QProcess cli;
    cli.start(QStringLiteral(DNAFILL_CLI),
              {QStringLiteral("batch"), QStringLiteral("--in"), bam, QStringLiteral("--mask"), QStringLiteral("N"),
               QStringLiteral("--primary"), QStringLiteral("--min-mapq"), QStringLiteral("20"), QStringLiteral("--db"), store_,
               QStringLiteral("--model"), QStringLiteral(DNAFILL_TINY_MODEL), QStringLiteral("--steps"), QStringLiteral("4"),
               QStringLiteral("--score-draws"), QStringLiteral("1"), QStringLiteral("--threads"), QStringLiteral("1")});
    QVERIFY(cli.waitForFinished(120000));
    const QString said = QString::fromUtf8(cli.readAllStandardOutput());
    QVERIFY2(cli.exitCode() == 0, qPrintable(QString::fromUtf8(cli.readAllStandardError())));
    QVERIFY2(said.contains(QStringLiteral("run 1 in")) && said.contains(QStringLiteral("(302 found done)")), qPrintable(said));
    QCOMPARE(runsIn(store_).size(), std::size_t(1));
    // Back to a FASTA, the fields are off, and not passed (a FASTA input would refuse them): it runs.
    dialog->setInput(designFasta);
    QVERIFY(!dialog->alignmentFiltersEnabled());
    dialog->setMask(QStringLiteral("lowercase"));
    dialog->setStorePath(dir_.filePath(QStringLiteral("filters_fasta.sqlite")));
    QTest::mouseClick(dialog->startButton(), Qt::LeftButton);
    QTRY_VERIFY_WITH_TIMEOUT(!dialog->running(), 120000);
    QVERIFY2(dialog->statusText().contains(QStringLiteral("done: ")), qPrintable(dialog->statusText()));
  }

  // A batch's FASTA onto its input, the input's index, its BED, the store or the store's WAL fails before anything is
  // read or written, and the file stays as it was.
  void batchFastaKeepsSessionFiles() {
    auto w = makeWindow();
    QVERIFY(w);
    const QString input = copyOfDesignFasta(QStringLiteral("batch_input.fa")), bed = dir_.filePath(QStringLiteral("batch_mask.bed"));
    QVERIFY(!input.isEmpty());
    QFile::remove(bed);
    QVERIFY(QFile::copy(testData + QStringLiteral("/cli/design.bed"), bed));
    // A checkpoint named by mistake, no file of this session: refused for what it holds, as the CLI does.
    const QString checkpoint = dir_.filePath(QStringLiteral("other.safetensors"));
    QFile::remove(checkpoint);
    QVERIFY(QFile::copy(QStringLiteral(DNAFILL_TINY_MODEL), checkpoint));
    // The file open in the window, another than the batch's input: it was overwritten by the FASTA.
    const QString opened = copyOfDesignFasta(QStringLiteral("open_in_window.fa"));
    QVERIFY(!opened.isEmpty() && open(*w, opened));
    // A folder: it failed when the FASTA was made, after the run, its store made.
    const QString folder = dir_.filePath(QStringLiteral("a_folder.fa"));
    QVERIFY(QDir().mkpath(folder));
    auto* dialog = w->batchDialog();
    dialog->setInput(input);
    dialog->setMask(QStringLiteral("bed:") + bed);
    dialog->setStorePath(store_);
    dialog->show();
    const std::map<QString, QString> refused = {{input, QStringLiteral("is the input file")},
                                                {input + QStringLiteral(".gzi"), QStringLiteral("is the index of the input file")},
                                                {bed, QStringLiteral("is the BED file of the mask")},
                                                {store_, QStringLiteral("is the store of runs and designs")},
                                                {store_ + QStringLiteral("-wal"), QStringLiteral("is a file SQLite keeps beside the store")},
                                                {checkpoint, QStringLiteral("is there and holds a safetensors checkpoint, not FASTA")},
                                                {opened, QStringLiteral("is the file open in the window")},
                                                {folder, QStringLiteral("is a folder, not a file")}};
    for (const auto& [path, what] : refused) {
      const QByteArray before = QFileInfo::exists(path) ? readAll(path) : QByteArray();
      dialog->setFastaOut(path);
      QTest::mouseClick(dialog->startButton(), Qt::LeftButton);
      QTRY_VERIFY_WITH_TIMEOUT(!dialog->running(), 60000);
      QVERIFY2(dialog->statusText().contains(QStringLiteral("FASTA output: ") + path + QStringLiteral(" ") + what), qPrintable(dialog->statusText()));
      QCOMPARE(QFileInfo::exists(path) ? readAll(path) : QByteArray(), before);
    }
    // A .gz FASTA is indexed when written: notes where its .fai goes were replaced.
    const QString gz = dir_.filePath(QStringLiteral("notes.fa.gz"));
    QFile notes(gz + QStringLiteral(".fai"));
    QVERIFY(notes.open(QIODevice::WriteOnly) && notes.write("precious notes\n") > 0);
    notes.close();
    dialog->setFastaOut(gz);
    QTest::mouseClick(dialog->startButton(), Qt::LeftButton);
    QTRY_VERIFY_WITH_TIMEOUT(!dialog->running(), 60000);
    QVERIFY2(dialog->statusText().contains(QStringLiteral("FASTA output: %1.fai is there and holds other data, not the index of a FASTA").arg(gz)),
             qPrintable(dialog->statusText()));
    QCOMPARE(readAll(gz + QStringLiteral(".fai")), QByteArray("precious notes\n"));
    QVERIFY(!QFileInfo::exists(store_));  // refused before the store is opened
  }

  // Reopened, the batch dialog kept nothing the user chose: the input went back to the window's file
  // and the variants to the panel's. A field follows the window only while the user left it alone.
  // And Escape cancelled a running batch without a word, while its Close button was off.
  void batchDialogKeepsChoicesAndAsksBeforeCancel() {
    auto w = makeWindow();
    QVERIFY(w);
    QVERIFY(open(*w, designFasta));
    auto options = w->designPanel()->designOptions();
    options.variants = 5;
    w->designPanel()->setDesignOptions(options);
    auto* dialog = w->batchDialog();
    auto* variants = dialog->findChild<QSpinBox*>(QStringLiteral("batchVariantsBox"));
    auto* input = dialog->findChild<QLineEdit*>(QStringLiteral("inputEdit"));
    QVERIFY(variants && input);
    QCOMPARE(input->text(), designFasta);
    QCOMPARE(variants->value(), 5);
    options.variants = 6;  // untouched, the field follows the panel
    w->designPanel()->setDesignOptions(options);
    QCOMPARE(w->batchDialog()->findChild<QSpinBox*>(QStringLiteral("batchVariantsBox"))->value(), 6);

    // The user's choices stay through another file opened and the panel changed.
    const QString batchInput = testData + QStringLiteral("/cli/batch.fa");  // 26 lowercase regions
    dialog->setInput(batchInput);
    dialog->setVariants(2);
    dialog->hide();
    const QString other = copyOfDesignFasta(QStringLiteral("another_open_file.fa"));
    QVERIFY(!other.isEmpty() && open(*w, other));
    options.variants = 7;
    options.sampler.steps = 400;  // regions that take a while: the batch must still run through both questions
    w->designPanel()->setDesignOptions(options);
    QCOMPARE(w->batchDialog(), dialog);
    QCOMPARE(input->text(), batchInput);
    QCOMPARE(variants->value(), 2);

    // Escape while the batch runs asks; "Keep running" keeps it and the dialog.
    dialog->setMask(QStringLiteral("lowercase"));
    dialog->show();
    QVERIFY(QTest::qWaitForWindowExposed(dialog));
    QStringList asked;
    auto answer = [&](const QString& text) {
      answerWhenAsked(w.get(), QStringLiteral("cancelBatchQuestion"), asked, [text](QMessageBox* box) -> QAbstractButton* {
        for (auto* button : box->buttons())
          if (button->text() == text) return button;
        return nullptr;
      });
    };
    QTest::mouseClick(dialog->startButton(), Qt::LeftButton);
    QVERIFY(dialog->running());
    QTRY_VERIFY_WITH_TIMEOUT(dialog->statusText().contains(QRegularExpression(QStringLiteral("designs [1-9][0-9]*/52"))), 120000);
    answer(QStringLiteral("Keep running"));
    QTest::keyClick(dialog, Qt::Key_Escape);
    QCOMPARE(asked.size(), 1);
    QVERIFY2(asked[0].contains(QStringLiteral("A batch is running. Cancel it?")), qPrintable(asked[0]));
    QVERIFY(dialog->isVisible());
    QVERIFY(dialog->running());
    // "Cancel batch" cancels it and closes the dialog; the run is kept, cancelled, to resume.
    answer(QStringLiteral("Cancel batch"));
    QTest::keyClick(dialog, Qt::Key_Escape);
    QCOMPARE(asked.size(), 2);
    QVERIFY(!dialog->isVisible());
    QTRY_VERIFY_WITH_TIMEOUT(!dialog->running(), 30000);
    const auto runs = runsIn(store_);
    QCOMPARE(runs.size(), std::size_t(1));
    QCOMPARE(runs[0].status, data::run_status::cancelled);
  }

  void dragAndDrop() {
    auto w = makeWindow();
    QVERIFY(w);
    QMimeData files;
    files.setUrls({QUrl(QStringLiteral("https://example.org/x.fa")), QUrl::fromLocalFile(designFasta)});
    QDragEnterEvent enter(QPoint(50, 50), Qt::CopyAction, &files, Qt::LeftButton, Qt::NoModifier);
    QApplication::sendEvent(w.get(), &enter);
    QVERIFY(enter.isAccepted());
    QSignalSpy opened(w.get(), &MainWindow::documentOpened);
    QDropEvent drop(QPointF(50, 50), Qt::CopyAction, &files, Qt::LeftButton, Qt::NoModifier);
    QApplication::sendEvent(w.get(), &drop);
    QVERIFY(drop.isAccepted());
    QVERIFY(opened.wait(20000));
    QCOMPARE(w->document().records.size(), std::size_t(2));
    // Text that is no file is refused.
    QMimeData text;
    text.setText(QStringLiteral("ACGT"));
    QDragEnterEvent refused(QPoint(50, 50), Qt::CopyAction, &text, Qt::LeftButton, Qt::NoModifier);
    refused.ignore();
    QApplication::sendEvent(w.get(), &refused);
    QVERIFY(!refused.isAccepted());
  }

  // An end typed before the start leaves the selection as it was, and the bar says so (the boxes read
  // 300-0 while nothing was selected, and then the end typed was lost); the boxes keep what was typed,
  // so that a range moved down by typing its end first, then its start, comes out whole.
  void selectionEndBeforeStart() {
    auto w = makeWindow();
    QVERIFY(w);
    QVERIFY(open(*w, designFasta));
    auto* view = w->sequenceView();
    auto* length = w->findChild<QLabel*>(QStringLiteral("selectionLength"));
    QVERIFY(length);
    view->setSelection(299, 350);
    w->selectionEndBox()->setValue(150);
    QCOMPARE(view->selection().start, std::int64_t(299));
    QCOMPARE(view->selection().end, std::int64_t(350));
    QCOMPARE(length->text(), QStringLiteral("the end is before the start: the selection is unchanged"));
    QCOMPARE(w->selectionEndBox()->value(), 150);
    w->selectionStartBox()->setValue(100);
    QCOMPARE(view->selection().start, std::int64_t(99));
    QCOMPARE(view->selection().end, std::int64_t(150));
    QVERIFY2(length->text().startsWith(QStringLiteral("51 base")), qPrintable(length->text()));
  }

  // The selection's GC under the view, as bio::gc_fraction counts it (S as GC, W as AT, N and R as
  // neither), over whole blocks of the view's counts and the bases at either end; an edit of the record
  // is counted anew.
  void selectionGc() {
    const QString input = dir_.filePath(QStringLiteral("selection_gc.fa"));
    QVERIFY(writeAll(input, ">gc\n" + QByteArray(64, 'A') + QByteArray(64, 'C') + QByteArray(64, 'N') + QByteArray(64, 'g') +
                                "ACGTSWNR\n"));
    auto w = makeWindow();
    QVERIFY(w);
    QVERIFY(open(*w, input));
    auto* length = w->findChild<QLabel*>(QStringLiteral("selectionLength"));
    QVERIFY(length);
    auto* view = w->sequenceView();
    const std::map<std::pair<qint64, qint64>, QString> said = {
        {{32, 260}, QStringLiteral("228 base(s), GC 79.3%")},  // 32 A, 64 C, 64 N, 64 g, ACGT: 130 GC of 164
        {{0, 264}, QStringLiteral("264 base(s), GC 66.2%")},   // 131 GC (C, g, C G S) of 198 (and A T W)
        {{64, 256}, QStringLiteral("192 base(s), GC 100.0%")}, // whole blocks: C, N, g
        {{256, 264}, QStringLiteral("8 base(s), GC 50.0%")},   // ACGTSWNR: C G S of A C G T S W
        {{130, 190}, QStringLiteral("60 base(s), GC 0.0%")},   // N alone: no base known
        {{60, 70}, QStringLiteral("10 base(s), GC 60.0%")}};   // AAAACCCCCC across a block's end
    for (const auto& [selection, text] : said) {
      view->setSelection(selection.first, selection.second);
      QCOMPARE(length->text(), text);
    }
    // The N become A, as an accepted variant (or its undo) puts the record's bases: 130 GC of 228.
    std::string edited = w->document().records[0].bases;
    std::fill(edited.begin() + 128, edited.begin() + 192, 'A');
    view->setSelection(32, 260);
    w->setRecordState(0, &edited, {});
    QCOMPARE(view->sequence(), edited);
    QCOMPARE(length->text(), QStringLiteral("228 base(s), GC 57.0%"));
  }

  // The selection's GC comes from counts made when the record was shown (each change read the whole
  // selection on the GUI thread: dragging over a chromosome froze the window). Here, the counts of a
  // chromosome-sized record, over selections that start and end inside their blocks. (How fast: no
  // timed test; the helper's figure, 100 changes over 48 Mb, was 21 s before and 4 ms after.)
  void selectionGcOfAChromosome() {
    const QString input = dir_.filePath(QStringLiteral("selection_gc_48mb.fa"));
    QVERIFY(writeAll(input, ">big\n" + QByteArray("GGCATTAC").repeated(6 * 1000 * 1000) + "\n"));
    auto w = makeWindow();
    QVERIFY(w);
    QVERIFY(open(*w, input));
    QFile::remove(input);
    auto* view = w->sequenceView();
    const auto n = static_cast<qint64>(view->sequence().size());
    QCOMPARE(n, qint64(48000000));
    auto* length = w->findChild<QLabel*>(QStringLiteral("selectionLength"));
    view->setSelection(1, n - 1);  // GGCATTAC: bases 1..n-2 leave out a G and a C
    QCOMPARE(length->text(), QStringLiteral("47999998 base(s), GC 50.0%"));
    view->setSelection(0, 3);  // GGC
    QCOMPARE(length->text(), QStringLiteral("3 base(s), GC 100.0%"));
    view->setSelection(n - 5, n);  // ATTAC
    QCOMPARE(length->text(), QStringLiteral("5 base(s), GC 20.0%"));
  }

  // A region of a FASTA is numbered as in its contig: the ruler, the tooltips, the selection boxes and
  // the designs' Region column; the masks and the store keep the record's own 0-based coordinates.
  void regionNumbering() {
    const QString path = copyOfDesignFasta(QStringLiteral("region.fa"));  // its index is written beside it
    QVERIFY(!path.isEmpty());
    auto w = makeWindow();
    QVERIFY(w);
    QVERIFY(openRegion(*w, path, QStringLiteral("chrA:201-500")));
    QCOMPARE(w->document().records.size(), std::size_t(1));
    QCOMPARE(w->document().records[0].name, std::string("chrA:201-500"));
    QCOMPARE(w->document().records[0].start, std::int64_t(200));
    auto* view = w->sequenceView();
    QCOMPARE(view->sequence().size(), std::size_t(300));
    QCOMPARE(view->firstPosition(), qint64(201));
    QVERIFY(view->toolTipAt(onBase(*view, 0).toPoint()).startsWith(QStringLiteral("position 201: ")));
    auto* label = w->findChild<QLabel*>(QStringLiteral("shownLabel"));
    QVERIFY(label && label->text().contains(QStringLiteral("numbered as in its contig")));
    view->setSelection(100, 150);
    QCOMPARE(w->selectionStartBox()->value(), 301);
    QCOMPARE(w->selectionEndBox()->value(), 350);
    w->selectionEndBox()->setValue(340);
    QCOMPARE(view->selection().end, std::int64_t(140));
    w->maskSelection();
    QCOMPARE(w->document().records[0].masks.size(), std::size_t(1));
    QCOMPARE(w->document().records[0].masks[0].start, std::int64_t(100));
    QCOMPARE(w->undoStack()->undoText(), QStringLiteral("mask 301-340"));  // as the ruler, not 101-140
    QCOMPARE(generateAndWait(*w), 0);
    const auto designs = designsIn(store_, w->lastRunId());
    QVERIFY(!designs.empty());
    QCOMPARE(designs[0].region_start, std::int64_t(100));
    const QModelIndex region = w->resultsModel()->index(0, ResultsModel::RegionColumn);
    QCOMPARE(region.data().toString(), QStringLiteral("301-340"));
    QVERIFY2(region.data(Qt::ToolTipRole).toString().contains(QStringLiteral("101-140 of the record chrA:201-500")),
             qPrintable(region.data(Qt::ToolTipRole).toString()));
    // A whole file again: numbered from 1.
    QVERIFY(open(*w, designFasta));
    QCOMPARE(view->firstPosition(), qint64(1));
    QVERIFY(!label->text().contains(QStringLiteral("contig")));
  }

  // The command line's steps without --quit: they run, and what only the file can tell comes up in
  // a dialog for the person at the window (and on stderr), the window staying open.
  void scriptWithoutQuit() {
    auto w = makeWindow();
    QVERIFY(w);
    ScriptOptions options;
    options.open = designFasta;
    options.record = 1;  // chrB, 400 bp
    options.selectStart = 11;
    options.selectEnd = 20;
    options.mask = QStringLiteral("selection");
    StudioScript good(w.get(), options);
    QSignalSpy goodDone(&good, &StudioScript::finished);
    good.start();
    QTRY_COMPARE_WITH_TIMEOUT(w->document().records.size(), std::size_t(2), 20000);
    QTRY_COMPARE_WITH_TIMEOUT(w->document().records[1].masks.size(), std::size_t(1), 20000);
    QCOMPARE(w->document().records[1].masks[0].start, std::int64_t(10));
    QCOMPARE(w->currentRecord(), 1);
    QVERIFY(!errorDialog(w.get()));

    auto w2 = makeWindow();
    QVERIFY(w2);
    options.selectStart = 391;
    options.selectEnd = 450;  // beyond chrB's end
    StudioScript bad(w2.get(), options);
    QSignalSpy badDone(&bad, &StudioScript::finished);
    bad.start();
    QVERIFY(badDone.wait(20000));
    QCOMPARE(badDone.last().at(0).toInt(), 1);
    QTRY_VERIFY_WITH_TIMEOUT(errorDialog(w2.get()) != nullptr, 5000);
    QVERIFY2(errorDialog(w2.get())->text().contains(QStringLiteral("--select 391-450: outside record 'chrB'")),
             qPrintable(errorDialog(w2.get())->text()));
    QVERIFY(w2->isVisible());
  }

  // A model that does not load leaves the one in use, and is not saved for the next start (every start
  // failed on it). It said "no model", and Design > Generate went on with the old one.
  void failedModelLoadKeepsTheModel() {
    const QString damaged = dir_.filePath(QStringLiteral("damaged.safetensors"));
    QVERIFY(writeAll(damaged, readAll(QStringLiteral(DNAFILL_TINY_MODEL)).left(3000)));
    auto w = makeWindow();
    QVERIFY(w);
    QSignalSpy error(w.get(), &MainWindow::errorShown);
    w->loadModel(damaged, QStringLiteral("cpu"));
    QVERIFY(error.wait(60000));
    QVERIFY2(error.first().at(0).toString().contains(QStringLiteral("stays in use")), qPrintable(error.first().at(0).toString()));
    errorDialog(w.get())->accept();
    QVERIFY(w->modelReady());
    QVERIFY2(w->modelLabel()->text().contains(QStringLiteral("tiny")), qPrintable(w->modelLabel()->text()));
    w->close();  // saves the settings
    const QString saved = QSettings().value(QStringLiteral("model/path")).toString();
    QSettings().remove(QStringLiteral("model"));
    QCOMPARE(saved, QFileInfo(QStringLiteral(DNAFILL_TINY_MODEL)).absoluteFilePath());
  }

  // Designs belong to the file they were made on: another file's record of the same name and place is
  // not theirs (Accept wrote a 100-base record out to 400 with N), nor are its masks re-opened in it.
  void designsStayWithTheirFile() {
    const QString other = dir_.filePath(QStringLiteral("other_chrA.fa"));
    QVERIFY(writeAll(other, ">chrA\n" + QByteArray(100, 'A') + "\n"));
    auto w = makeWindow();
    QVERIFY(w);
    QVERIFY(designIn(*w, designFasta, 300, 400));
    QVERIFY(open(*w, other));
    QCOMPARE(w->resultsModel()->rowCount(), 2);
    QCOMPARE(w->resultsModel()->index(0, 0).data(ResultsModel::EditsRole).toLongLong(), qint64(-1));
    w->showDesign(0);
    QCOMPARE(w->sequenceView()->sequence().size(), std::size_t(100));  // the designed region alone
    QSignalSpy error(w.get(), &MainWindow::errorShown);
    w->acceptShownDesign();
    QCOMPARE(error.count(), 1);
    errorDialog(w.get())->accept();
    QCOMPARE(w->document().records[0].bases, std::string(100, 'A'));
    // A selection on the design shown alone is no place in the open record: masking it is refused.
    w->sequenceView()->setSelection(10, 20);
    w->maskSelection();
    QVERIFY(w->document().records[0].masks.empty());
    QVERIFY(w->statusBar()->currentMessage().contains(QStringLiteral("masks are made on the working sequence")));
  }

  // A run re-opened from a file that can no longer be read is not shown in the next file opened.
  void failedReopenIsDropped() {
    const QString input = copyOfDesignFasta(QStringLiteral("reopen_input.fa"));
    QVERIFY(!input.isEmpty());
    auto w = makeWindow();
    QVERIFY(w);
    QVERIFY(designIn(*w, input, 300, 400));
    const qint64 runId = w->lastRunId();
    QVERIFY(open(*w, testData + QStringLiteral("/cli/short.fa")));
    QVERIFY(w->resultsModel()->showRun(0));
    QVERIFY(writeAll(input, "not a fasta\n"));
    QSignalSpy failed(w.get(), &MainWindow::openFailed);
    w->reopenRun(runId);
    QVERIFY(failed.wait(20000));
    errorDialog(w.get())->accept();
    QVERIFY(open(*w, copyOfDesignFasta(QStringLiteral("reopen_other.fa"))));
    QTest::qWait(100);
    QCOMPARE(w->resultsModel()->rowCount(), 0);
    QCOMPARE(w->undoStack()->count(), 0);
    QVERIFY(w->document().records[0].masks.empty());
  }

  // Re-opening a run made on the second of two records of one name masks that record, not the first.
  void reopenRunOnARepeatedName() {
    const QString input = dir_.filePath(QStringLiteral("repeated_name.fa"));
    QVERIFY(writeAll(input, ">x\n" + QByteArray(40, 'A') + "\n>x\n" + QByteArray(30, 'C') + "\n"));
    auto w = makeWindow();
    QVERIFY(w);
    QVERIFY(designIn(*w, input, 0, 10, /*record=*/1));
    const qint64 runId = w->lastRunId();
    QVERIFY(open(*w, testData + QStringLiteral("/cli/short.fa")));
    QSignalSpy opened(w.get(), &MainWindow::documentOpened);
    w->reopenRun(runId);
    QVERIFY(opened.wait(20000));
    QTRY_COMPARE(w->document().records[1].masks.size(), std::size_t(1));
    QVERIFY(w->document().records[0].masks.empty());
    QCOMPARE(w->currentRecord(), 1);
  }

  // A re-opened run's holes are masked again only when every one of them lies in the record, and as
  // the panel makes masks (in order, merged): a store edited by hand may list them in any order, and
  // only the last was checked, so a hole past the record's end before it became a mask past the end.
  void reopenChecksEveryHole() {
    const QString input = dir_.filePath(QStringLiteral("every_hole.fa"));
    QVERIFY(writeAll(input, ">x\n" + QByteArray(40, 'A') + "\n"));
    auto w = makeWindow();
    QVERIFY(w);
    QVERIFY(designIn(*w, input, 20, 30));
    const qint64 runId = w->lastRunId();
    auto reopenWithHoles = [&](const char* holes) {
      QVERIFY(setStudioHoles(store_, runId, holes));
      w->refreshHistory();
      w->clearMasks();
      QVERIFY(w->document().records[0].masks.empty());
      w->reopenRun(runId);
    };
    reopenWithHoles("1-900,21-30");  // the first hole ends past the record's 40 bases, the last is in it
    QVERIFY(!QTest::currentTestFailed());
    QVERIFY(w->document().records[0].masks.empty());
    QVERIFY2(w->statusBar()->currentMessage().contains(QStringLiteral("are not masked again")),
             qPrintable(w->statusBar()->currentMessage()));
    reopenWithHoles("21-30,1-10,5-12");
    QVERIFY(!QTest::currentTestFailed());
    QVERIFY((w->document().records[0].masks == std::vector<bio::interval>{{0, 12}, {20, 30}}));
    QVERIFY(!errorDialog(w.get()));
  }

  // A new sequence whose design is refused (a bad Avoid name) adds no record; it added an all-N one,
  // and one more at each try.
  void refusedGenerateNewAddsNothing() {
    auto w = makeWindow();
    QVERIFY(w);
    QVERIFY(!cancelEnabled(*w));  // greyed while nothing it stops runs: it did nothing, enabled, as the model loads
    QVERIFY(open(*w, designFasta));
    auto c = w->designPanel()->constraints();
    c.avoid = {"FooI"};
    w->designPanel()->setConstraints(c);
    QSignalSpy error(w.get(), &MainWindow::errorShown);
    w->generateNew(50, QStringLiteral("g1"));
    QCOMPARE(error.count(), 1);
    errorDialog(w.get())->accept();
    QCOMPARE(w->document().records.size(), std::size_t(2));
    QVERIFY(!w->designRunning());
    // A cancelled one made no sequence: its record of N goes (it stayed, and was saved as N).
    w->designPanel()->setConstraints({});
    QSignalSpy finished(w.get(), &MainWindow::designFinished);
    w->generateNew(4000, QStringLiteral("g2"));
    QCOMPARE(w->document().records.size(), std::size_t(3));
    QVERIFY(cancelEnabled(*w));
    w->findChild<QAction*>(QStringLiteral("cancelDesignAction"))->trigger();  // Design > Cancel
    QVERIFY(finished.wait(60000));
    QCOMPARE(finished.last().at(1).toInt(), static_cast<int>(JobOutcome::Status::Cancelled));
    QCOMPARE(w->document().records.size(), std::size_t(2));
    QCOMPARE(w->currentRecord(), 1);
  }

  // An unknown name in the Sites field is said; it was passed over without a word.
  void unknownSiteNamesAreSaid() {
    auto w = makeWindow();
    QVERIFY(w);
    QVERIFY(open(*w, designFasta));
    auto* sites = w->findChild<QLineEdit*>(QStringLiteral("sitesEdit"));
    QVERIFY(sites);
    sites->setText(QStringLiteral("EcoRI, FooI"));
    Q_EMIT sites->editingFinished();
    const QString said = w->statusBar()->currentMessage();
    QVERIFY2(said.contains(QStringLiteral("'FooI' is neither a known enzyme nor an IUPAC motif")), qPrintable(said));
    QVERIFY(sites->toolTip().contains(QStringLiteral("FooI")));
    sites->setText(QStringLiteral("EcoRI"));
    Q_EMIT sites->editingFinished();
    QVERIFY(!sites->toolTip().contains(QStringLiteral("FooI")));
  }

  // Accepted variants are not dropped without a word: closing the window or opening another file asks
  // first (Cancel keeps them; Discard goes on). Both went ahead silently.
  void unsavedEditsAreAskedAbout() {
    auto w = makeWindow();
    QVERIFY(w);
    QVERIFY(designIn(*w, designFasta, 100, 160));
    w->acceptShownDesign();
    const std::string accepted = w->document().records[0].bases;
    QStringList asked;
    auto answer = [&](QMessageBox::StandardButton button) {
      answerWhenAsked(w.get(), QStringLiteral("unsavedEditsDialog"), asked, [button](QMessageBox* box) { return box->button(button); });
    };
    answer(QMessageBox::Cancel);
    QVERIFY(!w->close());
    QCOMPARE(asked.size(), 1);
    QVERIFY2(asked[0].contains(QStringLiteral("Save them before closing?")), qPrintable(asked[0]));
    answer(QMessageBox::Cancel);
    QVERIFY(!w->openFileRegion(testData + QStringLiteral("/cli/short.fa"), {}));  // not started
    QCOMPARE(w->document().records[0].bases, accepted);
    answer(QMessageBox::Discard);
    QVERIFY(open(*w, testData + QStringLiteral("/cli/short.fa")));
    QCOMPARE(asked.size(), 3);
    // Accepted and saved, then only masked: not asked.
    QVERIFY(designIn(*w, testData + QStringLiteral("/cli/short.fa"), 0, 10));
    w->acceptShownDesign();
    QVERIFY(w->saveWorkingRecords(dir_.filePath(QStringLiteral("saved_edits.fa"))));
    w->sequenceView()->setSelection(20, 25);
    w->maskSelection();
    QVERIFY(w->close());
    QCOMPARE(asked.size(), 3);
  }

  // A re-opened run whose input is gone is not attached to the open file's record of the same name.
  void reopenOfAGoneFileStaysApart() {
    const QString gone = copyOfDesignFasta(QStringLiteral("gone_input.fa")), other = copyOfDesignFasta(QStringLiteral("open_other.fa"));
    QVERIFY(!gone.isEmpty() && !other.isEmpty());
    auto w = makeWindow();
    QVERIFY(w);
    QVERIFY(designIn(*w, gone, 300, 400));
    const qint64 runId = w->lastRunId();
    QVERIFY(open(*w, other));
    const std::string before = w->document().records[0].bases;
    QVERIFY(QFile::remove(gone));
    w->reopenRun(runId);
    QTRY_COMPARE(w->resultsModel()->rowCount(), 2);
    QVERIFY(w->document().records[0].masks.empty());
    QSignalSpy error(w.get(), &MainWindow::errorShown);
    w->showDesign(0);
    w->acceptShownDesign();
    QCOMPARE(error.count(), 1);
    errorDialog(w.get())->accept();
    QCOMPARE(w->document().records[0].bases, before);
  }

  // A file whose name is not UTF-8 reaches Qt with U+FFFD in it: said as such, not "No such file".
  void fileNameNotUtf8IsSaid() {
    const std::string raw = dir_.filePath(QStringLiteral("caf")).toStdString() + "\xe9.fa";
    std::FILE* file = std::fopen(raw.c_str(), "w");
    QVERIFY(file);
    QVERIFY(std::fputs(">a\nACGT\n", file) >= 0 && std::fclose(file) == 0);
    auto w = makeWindow();
    QVERIFY(w);
    QSignalSpy error(w.get(), &MainWindow::errorShown);
    w->openFile(QString::fromLocal8Bit(raw.c_str()));
    QTRY_COMPARE(error.count(), 1);
    QVERIFY2(error.first().at(0).toString().contains(QStringLiteral("the file's name is not valid UTF-8")),
             qPrintable(error.first().at(0).toString()));
    std::remove(raw.c_str());
  }

  // Re-opening a run with no designs of the open file, while a design of another file was shown on its
  // own: the view showed that design still, and a hole masked on it landed on the open record at the
  // design's offsets. The view shows the working sequence again, so a selection is on what it was made on.
  void reopenEmptyRunShowsTheWorkingSequence() {
    const QString first = copyOfDesignFasta(QStringLiteral("shown_alone_first.fa"));
    const QString second = copyOfDesignFasta(QStringLiteral("shown_alone_second.fa"));
    QVERIFY(!first.isEmpty() && !second.isEmpty());
    auto w = makeWindow();
    QVERIFY(w);
    QVERIFY(designIn(*w, first, 300, 400));
    QVERIFY(open(*w, second));
    // A run with no designs: a new sequence cancelled once it has begun (its own progress, not that of
    // the confidence track of the file just opened: one cancelled still queued makes no run).
    makeDesignsSlow(*w);
    QSignalSpy started(w->jobRunner(), &JobRunner::jobStarted);
    QSignalSpy progress(w->jobRunner(), &JobRunner::jobProgress);
    QSignalSpy finished(w.get(), &MainWindow::designFinished);
    w->generateNew(200000, QStringLiteral("cancelled"));
    auto designProgressed = [&] {
      for (const auto& s : started)
        if (s.at(1).toString().startsWith(QStringLiteral("designing")))
          for (const auto& p : progress)
            if (p.at(0) == s.at(0)) return true;
      return false;
    };
    QTRY_VERIFY_WITH_TIMEOUT(designProgressed(), 30000);
    w->cancelJobs();
    QVERIFY(finished.wait(60000));
    QCOMPARE(finished.last().at(1).toInt(), int(JobOutcome::Status::Cancelled));
    const auto runs = runsIn(store_);
    QCOMPARE(runs.size(), std::size_t(2));
    QCOMPARE(runs.back().status, data::run_status::cancelled);
    w->setCurrentRecord(0);
    // The first file's design, shown alone (its record is not open).
    w->showDesign(0);
    QCOMPARE(w->sequenceView()->sequence().size(), std::size_t(100));
    w->reopenRun(runs.back().id);
    QCOMPARE(w->resultsModel()->rowCount(), 0);
    QCOMPARE(w->shownDesignRow(), -1);
    QCOMPARE(w->sequenceView()->sequence(), w->document().records[0].bases);
    w->sequenceView()->setSelection(10, 20);
    w->maskSelection();
    QVERIFY((w->document().records[0].masks == std::vector<bio::interval>{{10, 20}}));
  }

  // A Generate new cancelled after its record was edited keeps the record and the edit, even when the
  // edit discarded an undone command and so left as many commands on the stack as before.
  void editedGenerateNewStaysWhenCancelled() {
    auto w = makeWindow();
    QVERIFY(w);
    QVERIFY(open(*w, designFasta));
    w->sequenceView()->setSelection(10, 20);
    w->maskSelection();
    w->sequenceView()->setSelection(30, 40);
    w->maskSelection();
    w->undoStack()->undo();
    QCOMPARE(w->undoStack()->count(), 2);
    makeDesignsSlow(*w);
    QSignalSpy finished(w.get(), &MainWindow::designFinished);
    w->generateNew(200000, QStringLiteral("edited"));
    QVERIFY(w->designRunning());
    QCOMPARE(w->document().records.size(), std::size_t(3));
    QCOMPARE(w->currentRecord(), 2);
    w->sequenceView()->setSelection(0, 100);
    w->unmaskSelection();
    QCOMPARE(w->undoStack()->count(), 2);
    w->cancelJobs();
    QVERIFY(finished.wait(60000));
    QCOMPARE(finished.last().at(1).toInt(), int(JobOutcome::Status::Cancelled));
    QCOMPARE(w->document().records.size(), std::size_t(3));
    QCOMPARE(w->document().records[2].name, std::string("edited"));
    QVERIFY((w->document().records[2].masks == std::vector<bio::interval>{{100, 200000}}));
    w->undoStack()->undo();
    QVERIFY((w->document().records[2].masks == std::vector<bio::interval>{{0, 200000}}));
  }

  // Alt+M presses Mask selection: the Model menu took Alt+M too, and the two, ambiguous, did nothing.
  // No two mnemonics of the window's menu bar and buttons are the same.
  void mnemonicsAreDistinct() {
    auto w = makeWindow();
    QVERIFY(w);
    QVERIFY(open(*w, designFasta));
    w->activateWindow();
    QVERIFY(QTest::qWaitForWindowActive(w.get()));
    w->sequenceView()->setSelection(10, 20);
    QTest::keyClick(w.get(), Qt::Key_M, Qt::AltModifier);
    QTRY_VERIFY_WITH_TIMEOUT((w->document().records[0].masks == std::vector<bio::interval>{{10, 20}}), 2000);
    std::map<QString, QString> taken;  // mnemonic -> the text that has it
    QStringList texts;
    for (auto* a : w->menuBar()->actions()) texts << a->text();
    for (auto* b : w->findChildren<QAbstractButton*>()) texts << b->text();
    for (const auto& text : texts) {
      const QString key = QKeySequence::mnemonic(text).toString();
      if (key.isEmpty()) continue;
      const auto [at, added] = taken.emplace(key, text);
      QVERIFY2(added, qPrintable(QStringLiteral("%1 is taken by both %2 and %3").arg(key, at->second, text)));
    }
  }

  // Ctrl+C copies what has the focus: in the results table its selected rows, a line each, the cells
  // apart by tabs, in the order shown; in the view its selected bases. The table's Ctrl+C copied the
  // view's bases.
  void copyFollowsTheFocus() {
    auto w = makeWindow();
    QVERIFY(w);
    QVERIFY(designIn(*w, designFasta, 300, 400));
    w->activateWindow();
    QVERIFY(QTest::qWaitForWindowActive(w.get()));
    w->sequenceView()->setSelection(10, 20);
    auto* table = w->resultsView();
    QCOMPARE(table->model()->rowCount(), 2);
    table->sortByColumn(ResultsModel::VariantColumn, Qt::DescendingOrder);  // variant 2 shown first
    table->selectAll();
    table->setFocus();
    QApplication::clipboard()->clear();
    QTest::keySequence(table, QKeySequence::Copy);
    const QStringList lines = QApplication::clipboard()->text().split(QLatin1Char('\n'));
    QCOMPARE(lines.size(), 2);
    for (int row = 0; row < 2; ++row) {
      const QStringList cells = lines[row].split(QLatin1Char('\t'));
      QCOMPARE(cells.size(), int(ResultsModel::ColumnCount));
      QCOMPARE(cells[ResultsModel::VariantColumn], QString::number(2 - row));
      QCOMPARE(cells[ResultsModel::RecordColumn], QStringLiteral("chrA"));
      QCOMPARE(cells[ResultsModel::RegionColumn], QStringLiteral("301-400"));
      for (int column = 0; column < ResultsModel::ColumnCount; ++column)
        QCOMPARE(cells[column], table->model()->index(row, column).data().toString());
    }
    // One row clicked: that row alone.
    QTest::mouseClick(table->viewport(), Qt::LeftButton, {}, table->visualRect(table->model()->index(1, 0)).center());
    QTest::keySequence(table, QKeySequence::Copy);
    QVERIFY2(QApplication::clipboard()->text().startsWith(QStringLiteral("1\tchrA\t301-400\t")), qPrintable(QApplication::clipboard()->text()));
    // The view with the focus: its bases.
    w->sequenceView()->setFocus();
    QTest::keySequence(w->sequenceView(), QKeySequence::Copy);
    QCOMPARE(QApplication::clipboard()->text(), QString::fromStdString(w->sequenceView()->sequence().substr(10, 10)));
  }

  // Showing a design of another record of the same length makes that record current, and the panel
  // says its holes: it went on describing the record before (No hole, Generate off).
  void designOfAnotherRecordUpdatesThePanel() {
    const QString input = dir_.filePath(QStringLiteral("two_equal_records.fa"));
    QVERIFY(writeAll(input, ">X\n" + QByteArray("ACGTTGCA").repeated(25) + "\n>Y\n" + QByteArray("GGCATTAC").repeated(25) + "\n"));
    auto w = makeWindow();
    QVERIFY(w);
    QVERIFY(designIn(*w, input, 50, 90, /*record=*/1));
    w->setCurrentRecord(0);
    auto* holes = w->designPanel()->findChild<QLabel*>(QStringLiteral("holesLabel"));
    QVERIFY(holes);
    QVERIFY2(holes->text().startsWith(QStringLiteral("No hole")), qPrintable(holes->text()));
    QVERIFY(!w->designPanel()->generateButton()->isEnabled());
    const QRect second = w->resultsView()->visualRect(w->resultsView()->model()->index(1, 0));
    QTest::mouseClick(w->resultsView()->viewport(), Qt::LeftButton, {}, second.center());
    QCOMPARE(w->shownDesignRow(), 1);
    QCOMPARE(w->currentRecord(), 1);
    QVERIFY2(holes->text().startsWith(QStringLiteral("1 hole")), qPrintable(holes->text()));
    QVERIFY(w->designPanel()->generateButton()->isEnabled());
  }

  // Cancel (the panel's, Design > Cancel) stops a design waiting behind a batch, at once, and leaves the
  // batch running: it cancelled the batch too. The status bar shows the batch with no Cancel of its
  // own: the batch is cancelled in its dialog.
  void cancelLeavesTheBatchRunning() {
    auto w = makeWindow();
    QVERIFY(w);
    QVERIFY(open(*w, designFasta));
    QTRY_VERIFY_WITH_TIMEOUT(w->sequenceView()->hasConfidence(), 60000);  // its job done: the status bar shows the batch's
    w->sequenceView()->setSelection(300, 400);
    w->maskSelection();
    auto o = w->designPanel()->designOptions();
    o.sampler.steps = 400;  // regions that take a while
    w->designPanel()->setDesignOptions(o);
    auto* dialog = w->batchDialog();
    dialog->setInput(testData + QStringLiteral("/cli/batch.fa"));
    dialog->setMask(QStringLiteral("lowercase"));
    dialog->setVariants(2);
    dialog->show();
    QSignalSpy progress(w->jobRunner(), &JobRunner::jobProgress);
    QTest::mouseClick(dialog->startButton(), Qt::LeftButton);
    QVERIFY(dialog->running());
    QVERIFY(progress.wait(60000));
    QToolButton* statusCancel = nullptr;
    for (auto* b : w->statusBar()->findChildren<QToolButton*>())
      if (b->text() == QStringLiteral("Cancel")) statusCancel = b;
    QVERIFY(statusCancel);
    QVERIFY(!statusCancel->isVisible());
    QSignalSpy finished(w.get(), &MainWindow::designFinished);
    w->infill();
    QVERIFY(w->designRunning());
    QVERIFY(!statusCancel->isVisible());
    QTest::mouseClick(w->designPanel()->cancelButton(), Qt::LeftButton);
    QVERIFY(finished.wait(10000));
    QCOMPARE(finished.last().at(1).toInt(), int(JobOutcome::Status::Cancelled));
    QVERIFY(!w->designRunning());
    QVERIFY(dialog->running());
    progress.clear();
    QVERIFY(progress.wait(30000));  // the batch goes on
    QVERIFY(dialog->running());
    QTest::mouseClick(dialog->cancelButton(), Qt::LeftButton);
    QTRY_VERIFY_WITH_TIMEOUT(!dialog->running(), 30000);
  }

  void historyReopens() {
    qint64 runId = 0;
    {
      auto w = makeWindow();
      QVERIFY(w);
      QVERIFY(open(*w, designFasta));
      w->setCurrentRecord(1);  // chrB
      w->sequenceView()->setSelection(50, 90);
      w->maskSelection();
      QCOMPARE(generateAndWait(*w), 0);
      runId = w->lastRunId();
    }
    // A new session on the same store: the run is in the history; re-opening it reads its input and
    // shows its designs in their record.
    auto w = makeWindow();
    QVERIFY(w);
    QCOMPARE(w->historyModel()->rowCount(), 1);
    QCOMPARE(w->historyModel()->index(0, 0).data(HistoryModel::RunIdRole).toLongLong(), runId);
    QCOMPARE(QFileInfo(w->historyModel()->index(0, 0).data(HistoryModel::SourcePathRole).toString()).canonicalFilePath(),
             QFileInfo(designFasta).canonicalFilePath());
    QVERIFY(w->document().records.empty());
    // The History tab, then a double click on the run.
    auto* tabs = w->findChild<QTabWidget*>();
    QVERIFY(tabs);
    tabs->setCurrentIndex(1);
    QVERIFY(w->historyView()->isVisible());
    QSignalSpy opened(w.get(), &MainWindow::documentOpened);
    const QRect row = w->historyView()->visualRect(w->historyView()->model()->index(0, 0));
    // A double click as a mouse makes it: a click, then the second press that is the double click.
    QTest::mouseClick(w->historyView()->viewport(), Qt::LeftButton, {}, row.center());
    QTest::mouseDClick(w->historyView()->viewport(), Qt::LeftButton, {}, row.center());
    QVERIFY(opened.wait(20000));
    QTRY_COMPARE(w->resultsModel()->rowCount(), 2);
    QCOMPARE(w->resultsModel()->runId(), runId);
    QTRY_COMPARE(w->shownDesignRow(), 0);
    QCOMPARE(w->currentRecord(), 1);
    QCOMPARE(w->sequenceView()->sequence().size(), std::size_t(400));
    QCOMPARE(w->sequenceView()->sequence(), core::apply_design(w->document().records[1].bases, w->resultsModel()->design(0)));
    // Its hole is masked again (one undoable step), so Generate redesigns what the run designed.
    QVERIFY((w->document().records[1].masks == std::vector<bio::interval>{{50, 90}}));
    QVERIFY(w->document().records[0].masks.empty());
    w->undoStack()->undo();
    QVERIFY(w->document().records[1].masks.empty());
  }
};

QTEST_MAIN(TestStudio)
#include "test_studio.moc"
