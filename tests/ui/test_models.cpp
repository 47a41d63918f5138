// Qt tests of ui/ without a model: the results and history models over a store written here (under
// QAbstractItemModelTester), documents (reading, probing indexed files, holes, edits), and the
// design panel (sampler options, constraint presets, enzyme completion, constraints shown disabled).
#include <QAbstractItemModelTester>
#include <QCheckBox>
#include <QComboBox>
#include <QCompleter>
#include <QDialogButtonBox>
#include <QDir>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QRadioButton>
#include <QSpinBox>
#include <QRegularExpression>
#include <QSettings>
#include <QSortFilterProxyModel>
#include <QStandardPaths>
#include <QStringListModel>
#include <QTemporaryDir>
#include <QtTest>

#include <algorithm>
#include <array>
#include <cmath>

#include "bio/enzymes.h"
#include "data/store.h"
#include "ui/constraint_settings.h"
#include "ui/design_panel.h"
#include "ui/document.h"
#include "ui/history_model.h"
#include "ui/region_dialog.h"
#include "ui/results_model.h"

using namespace dnafill;
using namespace dnafill::ui;

namespace {

const std::string testData = DNAFILL_TEST_DATA;

data::run_record aRun(const std::string& kind, const std::string& key) {
  data::run_record r;
  r.kind = kind;
  r.parameters = R"({"num":2,"seed":1})";
  r.seed = 1;
  r.resume_key = key;
  r.model = {0, std::string(64, 'a'), "/models/tiny.safetensors", R"({"preset":"tiny"})"};
  r.source = data::source_record{0, "/data/in.fa", 100, std::string(64, 'b')};
  r.items_total = 1;
  r.designs_total = 2;
  return r;
}

// Two variants of region [4, 8) of record "chr0": the first changes 2 bases of ACGTACGTAC, the second none.
data::item_designs anItem(std::int64_t runId) {
  data::item_designs item{{0, 0}, {}};
  const char* seqs[] = {"AGGT", "ACGT"};
  for (int v = 1; v <= 2; ++v) {
    data::design_record d;
    d.run_id = runId;
    d.record = "chr0";
    d.variant = v;
    d.region_start = 4;
    d.region_end = 8;
    d.sequence = seqs[v - 1];
    d.designed_bases = 4;
    d.gc = v == 1 ? 0.75 : 0.5;
    d.bits_per_base = v == 1 ? 1.5 : std::nan("");
    if (v == 2) {  // the second fails its check, as core/job.cpp records it
      d.constraints_ok = false;
      d.constraint_report =
          R"({"violations":[{"constraint":"avoid EcoRI","position":5,"detail":"EcoRI site GAATTC at 5-10"}],"holes":[[5,8]]})";
    }
    item.designs.push_back(d);
  }
  return item;
}

}  // namespace

class TestModels : public QObject {
  Q_OBJECT
 private Q_SLOTS:
  void initTestCase() {
    QStandardPaths::setTestModeEnabled(true);
    QVERIFY(dir_.isValid());
  }

  void resultsModel() {
    const QString path = dir_.filePath(QStringLiteral("results.sqlite"));
    ResultsModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.setStorePath(path);
    QString error;
    QVERIFY(!model.showRun(1, &error));  // no store yet: empty, with a reason
    QVERIFY(error.contains(QStringLiteral("no store")));
    QCOMPARE(model.rowCount(), 0);

    data::store db;
    QVERIFY(db.open(path.toStdString()).ok());
    auto run = aRun("infill", "k1");
    bool resumed = false;
    QVERIFY(db.begin_run(run, false, resumed).ok());
    QVERIFY(db.add_item(run.id, anItem(run.id)).ok());
    QVERIFY(db.finish_run(run.id, data::run_status::done, "").ok());

    // Read while the writer still holds the store (WAL): the GUI reads while a batch writes.
    QVERIFY2(model.showRun(run.id, &error), qPrintable(error));
    QCOMPARE(model.rowCount(), 2);
    QCOMPARE(model.columnCount(), int(ResultsModel::ColumnCount));
    auto at = [&](int row, int column, int role = Qt::DisplayRole) { return model.index(row, column).data(role); };
    QCOMPARE(at(0, ResultsModel::VariantColumn).toInt(), 1);
    QCOMPARE(at(0, ResultsModel::RegionColumn).toString(), QStringLiteral("5-8"));  // 1-based inclusive
    QCOMPARE(at(0, ResultsModel::BitsColumn).toString(), QStringLiteral("1.500"));
    QCOMPARE(at(1, ResultsModel::BitsColumn).toString(), QStringLiteral("-"));  // not scored
    QVERIFY(!at(1, 0, ResultsModel::BitsPerBaseRole).isValid());
    QCOMPARE(at(0, ResultsModel::GcColumn).toString(), QStringLiteral("75.0"));
    QCOMPARE(at(0, ResultsModel::ConstraintsColumn).toString(), QStringLiteral("ok"));
    QCOMPARE(at(1, ResultsModel::ConstraintsColumn).toString(), QStringLiteral("failed"));
    QVERIFY(!at(1, 0, ResultsModel::ConstraintsOkRole).toBool());
    // The failed design's tooltip names what it violates, from the store's report.
    QVERIFY(at(1, ResultsModel::ConstraintsColumn, Qt::ToolTipRole).toString().contains(QStringLiteral("avoid EcoRI: EcoRI site GAATTC at 5-10")));
    QVERIFY(at(0, ResultsModel::ConstraintsColumn, Qt::ToolTipRole).toString().contains(QStringLiteral("No violation")));
    QCOMPARE(at(0, 0, ResultsModel::SequenceRole).toString(), QStringLiteral("AGGT"));
    QCOMPARE(at(0, 0, ResultsModel::RegionStartRole).toLongLong(), 4);
    QCOMPARE(at(0, ResultsModel::EditsColumn).toString(), QStringLiteral("-"));  // no original known

    // Edits against the original: ACGT ACGT AC, region 4..8 = ACGT; AGGT differs in 1 base (C->G).
    WorkingRecord original{"chr0", "ACGTACGTAC", {}, 0, {}, 0};
    model.setRecordLookup([&](const data::design_record& d) { return d.record == "chr0" ? &original : nullptr; });
    QCOMPARE(at(0, ResultsModel::EditsColumn).toInt(), 1);
    QCOMPARE(at(1, ResultsModel::EditsColumn).toInt(), 0);
    QVERIFY(at(0, ResultsModel::RegionColumn, Qt::ToolTipRole).toString().startsWith(QStringLiteral("Bases 5-8 of the record chr0 (1-based)")));
    // A record cut from base 1,001 of its contig: the Region column counts as the contig does.
    original.start = 1000;
    model.recordsChanged();
    QCOMPARE(at(0, ResultsModel::RegionColumn).toString(), QStringLiteral("1,005-1,008"));
    QVERIFY(at(0, ResultsModel::RegionColumn, Qt::ToolTipRole).toString().startsWith(QStringLiteral("Bases 1,005-1,008 of the contig, 5-8 of the record chr0")));
    QCOMPARE(at(0, 0, ResultsModel::RegionStartRole).toLongLong(), 4);  // the store's coordinates

    // Sorting by bits/base through a proxy with the sort role: unscored last.
    QSortFilterProxyModel proxy;
    proxy.setSourceModel(&model);
    proxy.setSortRole(ResultsModel::SortRole);
    proxy.sort(ResultsModel::BitsColumn, Qt::AscendingOrder);
    QCOMPARE(proxy.index(0, ResultsModel::VariantColumn).data().toInt(), 1);
    QCOMPARE(model.roleNames().value(ResultsModel::SequenceRole), QByteArray("sequence"));

    // A second item of the same run appears on refresh.
    data::item_designs second = anItem(run.id);
    second.key = {0, 1};
    for (auto& d : second.designs) d.region_index = 1;
    QVERIFY(db.add_item(run.id, second).ok());
    QVERIFY(model.refresh(&error));
    QCOMPARE(model.rowCount(), 4);
    // The file removed and a new store made at its name (the next design): its run 1 is shown, not the
    // old one's four designs.
    db.close();
    QVERIFY(QFile::remove(path));
    {
      data::store fresh;
      QVERIFY(fresh.open(path.toStdString()).ok());
      auto again = aRun("infill", "k1");
      QVERIFY(fresh.begin_run(again, false, resumed).ok());
      QCOMPARE(again.id, run.id);
      QVERIFY(fresh.add_item(again.id, anItem(again.id)).ok());
    }
    QVERIFY2(model.showRun(run.id, &error), qPrintable(error));
    QCOMPARE(model.rowCount(), 2);
    QVERIFY(model.showRun(0));
    QCOMPARE(model.rowCount(), 0);
  }

  void historyModel() {
    const QString path = dir_.filePath(QStringLiteral("history.sqlite"));
    HistoryModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.setStorePath(path);
    QVERIFY(model.refresh());  // a missing store is an empty history
    QCOMPARE(model.rowCount(), 0);
    data::store db;
    QVERIFY(db.open(path.toStdString()).ok());
    bool resumed = false;
    auto first = aRun("infill", "k1");
    QVERIFY(db.begin_run(first, false, resumed).ok());
    QVERIFY(db.add_item(first.id, anItem(first.id)).ok());
    QVERIFY(db.finish_run(first.id, data::run_status::done, "").ok());
    auto second = aRun("batch", "k2");
    second.items_total = 3;
    second.designs_total = 6;
    QVERIFY(db.begin_run(second, false, resumed).ok());
    QVERIFY(db.finish_run(second.id, data::run_status::cancelled, "cancelled by the user").ok());
    QVERIFY(model.refresh());
    QCOMPARE(model.rowCount(), 2);
    // Newest first.
    QCOMPARE(model.index(0, HistoryModel::RunColumn).data().toLongLong(), second.id);
    QCOMPARE(model.index(0, HistoryModel::KindColumn).data().toString(), QStringLiteral("batch"));
    QCOMPARE(model.index(0, HistoryModel::StatusColumn).data().toString(), QStringLiteral("cancelled"));
    QCOMPARE(model.index(0, HistoryModel::DesignsColumn).data().toString(), QStringLiteral("0/6"));
    QCOMPARE(model.index(1, HistoryModel::DesignsColumn).data().toString(), QStringLiteral("2/2"));
    QCOMPARE(model.index(1, HistoryModel::InputColumn).data().toString(), QStringLiteral("in.fa"));
    // The store's "2026-11-30T10:05:04.922Z", as "2026-11-30 10:05:04" under "Started (UTC)".
    const QString started = model.index(0, HistoryModel::StartedColumn).data().toString();
    QVERIFY2(QRegularExpression(QStringLiteral("^\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d$")).match(started).hasMatch(),
             qPrintable(started));
    QCOMPARE(model.index(0, 0).data(HistoryModel::ErrorRole).toString(), QStringLiteral("cancelled by the user"));
    QCOMPARE(model.index(1, 0).data(HistoryModel::SourcePathRole).toString(), QStringLiteral("/data/in.fa"));
    QCOMPARE(model.rowOfRun(first.id), 1);
    // The Settings column: what was designed and how, in short.
    QCOMPARE(settingsSummary(R"({"holes":"201-300,651-770","sampler":"ancestral","steps":8,"temperature":1.0,"top_p":0.9,)"
                             R"("guidance":0.0,"seed":7,"constraints":["avoid EcoRI","gc 30-60%","unfilled"]})"),
             QStringLiteral("holes 201-300,651-770, ancestral 8, top-p 0.9, seed 7, 2 rules"));
    QCOMPARE(settingsSummary(R"({"length":5000,"sampler":"first-hit","steps":8,"temperature":0.8,"seed":1,"constraints":["unfilled"]})"),
             QStringLiteral("5000 bp, first-hit, T 0.8, seed 1"));
    // Stores written before 2026-12-02 keep generate's length as a string.
    QCOMPARE(settingsSummary(R"({"length":"5000","sampler":"first-hit"})"), QStringLiteral("5000 bp, first-hit"));
    QCOMPARE(settingsSummary(R"({"length":60,"sampler":"first-hit","rc_ensemble":true,"seed":2})"),
             QStringLiteral("60 bp, first-hit, both strands, seed 2"));
    QCOMPARE(settingsSummary("not json"), QString());
    QCOMPARE(model.rowOfRun(99), -1);
    // A run left running: running while its writer has the store open, interrupted once none has.
    auto third = aRun("batch", "k3");
    QVERIFY(db.begin_run(third, false, resumed).ok());
    QVERIFY(model.refresh());
    QCOMPARE(model.index(0, HistoryModel::StatusColumn).data().toString(), QStringLiteral("running"));
    db.close();
    QVERIFY(model.refresh());
    QCOMPARE(model.index(0, HistoryModel::StatusColumn).data().toString(), QStringLiteral("interrupted"));
    // The status's tooltip says what it means (it showed the run's parameters as JSON).
    QCOMPARE(model.index(0, HistoryModel::StatusColumn).data(Qt::ToolTipRole).toString(),
             QStringLiteral("Recorded as running, but no process writes the store: it was killed. The same batch takes it up."));
    QCOMPARE(model.index(1, HistoryModel::StatusColumn).data(Qt::ToolTipRole).toString(), QStringLiteral("cancelled by the user"));
    QCOMPARE(model.index(2, HistoryModel::StatusColumn).data(Qt::ToolTipRole).toString(), QStringLiteral("Finished."));
    // Another store moved over the file, then the file removed: the history shows what is there now,
    // not the runs of the file it first read.
    const QString replacement = dir_.filePath(QStringLiteral("replacement.sqlite"));
    {
      data::store other;
      QVERIFY(other.open(replacement.toStdString()).ok());
      auto only = aRun("generate", "k9");
      QVERIFY(other.begin_run(only, false, resumed).ok());
      QVERIFY(other.finish_run(only.id, data::run_status::done, "").ok());
    }
    QVERIFY(QFile::remove(path) && QFile::rename(replacement, path));
    QVERIFY(model.refresh());
    QCOMPARE(model.rowCount(), 1);
    QCOMPARE(model.index(0, HistoryModel::KindColumn).data().toString(), QStringLiteral("generate"));
    QVERIFY(QFile::remove(path));
    QVERIFY(model.refresh());
    QCOMPARE(model.rowCount(), 0);
    // Not a store: an error, and an empty history.
    const QString bogus = dir_.filePath(QStringLiteral("not_a_store.sqlite"));
    QFile f(bogus);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write("this is not SQLite, not at all, but long enough to look like a header....................");
    f.close();
    model.setStorePath(bogus);
    QString error;
    QVERIFY(!model.refresh(&error));
    QVERIFY(!error.isEmpty());
    QCOMPARE(model.rowCount(), 0);
  }

  void documents() {
    Document doc;
    QVERIFY(readDocument(testData + "/cli/design.fa", "", {}, doc).ok());
    QCOMPARE(doc.records.size(), std::size_t(2));
    QCOMPARE(doc.records[0].name, std::string("chrA"));
    QCOMPARE(doc.records[0].bases.size(), std::size_t(600));
    QCOMPARE(doc.format, std::string("FASTA/FASTQ"));
    // Limits: the first record only, flagged; too many bases refused with a way out.
    ReadLimits one;
    one.maxRecords = 1;
    QVERIFY(readDocument(testData + "/cli/design.fa", "", one, doc).ok());
    QCOMPARE(doc.records.size(), std::size_t(1));
    QVERIFY(doc.truncated);
    ReadLimits small;
    small.maxBases = 100;
    auto s = readDocument(testData + "/cli/design.fa", "", small, doc);
    QVERIFY(!s.ok());
    QVERIFY(QString::fromStdString(s.message()).contains(QStringLiteral("region")));
    // Bad files: the message names the file.
    s = readDocument(testData + "/bad/non_iupac_letter.fa", "", {}, doc);
    QVERIFY(!s.ok());
    QVERIFY(QString::fromStdString(s.message()).contains(QStringLiteral("non_iupac_letter.fa")));
    QVERIFY(!readDocument(testData + "/missing.fa", "", {}, doc).ok());
    QVERIFY(!readDocument(testData + "/bad/variants.vcf", "", {}, doc).ok());
    // A read stopped (the window closing) ends at the next record, without reading the rest.
    const std::atomic<bool> stop{true};
    s = readDocument(testData + "/cli/design.fa", "", {}, doc, {}, &stop);
    QCOMPARE(s.message(), testData + "/cli/design.fa: reading stopped");
    QVERIFY(doc.records.empty());

    // Probing: an indexed bgzipped FASTA and an indexed BAM offer their contigs; a plain FASTA does not.
    FileProbe probe;
    QVERIFY(probeFile(testData + "/lambda.fa.gz", probe).ok());
    QVERIFY(probe.indexed);
    QCOMPARE(probe.contigs.size(), std::size_t(1));
    QVERIFY(probe.contigs[0].second > 40000);  // lambda phage, 48,502 bp
    QVERIFY(probeFile(testData + "/lambda_reads.bam", probe).ok());
    QCOMPARE(probe.format, std::string("BAM"));
    QVERIFY(probe.indexed);
    QVERIFY(!probe.contigs.empty());
    {
      // A BAM whose .bai does not fit it: said when the file is opened.
      QTemporaryDir dir;
      const std::string bam = dir.filePath(QStringLiteral("r.bam")).toStdString();
      QVERIFY(QFile::copy(QString::fromStdString(testData + "/lambda_reads.bam"), QString::fromStdString(bam)));
      QFile index(QString::fromStdString(testData + "/lambda_reads.bam.bai"));
      QVERIFY(index.open(QIODevice::ReadOnly));
      QFile cut(QString::fromStdString(bam + ".bai"));
      QVERIFY(cut.open(QIODevice::WriteOnly));
      cut.write(index.read(40));
      cut.close();
      const auto s = probeFile(bam, probe);
      QVERIFY(!s.ok());
      QCOMPARE(QString::fromStdString(s.message()),
               QString::fromStdString(bam + ".bai: a BAM index that does not fit " + bam +
                                      " (truncated): remove it, or rebuild it with samtools index"));
    }
    QVERIFY(probeFile(testData + "/lambda_reads.sam", probe).ok());
    QVERIFY(!probe.indexed);
    QVERIFY(probeFile(testData + "/cli/design.fa", probe).ok());
    QVERIFY(!probe.indexed);
    QVERIFY(!QFileInfo::exists(QString::fromStdString(testData + "/cli/design.fa.fai")));  // never written beside it
    QVERIFY(!readDocument(testData + "/bad/random_bytes.bin", "", {}, doc).ok());
    // A region of an indexed file: one record of exactly that many bases.
    QVERIFY(probeFile(testData + "/lambda.fa.gz", probe).ok());
    QVERIFY(readDocument(testData + "/lambda.fa.gz", probe.contigs[0].first + ":101-350", {}, doc).ok());
    QCOMPARE(doc.records.size(), std::size_t(1));
    QCOMPARE(doc.records[0].bases.size(), std::size_t(250));
    // The reads of a BAM overlapping a region.
    QVERIFY(probeFile(testData + "/lambda_reads.bam", probe).ok());
    QVERIFY(readDocument(testData + "/lambda_reads.bam", probe.contigs[0].first + ":1-2000", {}, doc).ok());
    QVERIFY(!doc.records.empty());
    // Each keeps where it maps (shown beside the working sequence and in the record chooser's tooltip).
    QCOMPARE(doc.records[0].name, std::string("r140/1"));  // flag 80: the first of its pair
    QCOMPARE(doc.records[0].comment, "flag=80 mapq=60 pos=" + probe.contigs[0].first + ":415");
    // A CRAM whose reference is not embedded opens with the session's CRAM reference, and only then;
    // that reference is not given to the readers of other formats, which would refuse it.
    const std::string cram = testData + "/lambda_reads_ref.cram", reference = testData + "/lambda.fa.gz";
    QVERIFY(!readDocument(cram, {}, {}, doc).ok());
    QVERIFY(readDocument(cram, {}, {}, doc, reference).ok());
    QCOMPARE(doc.records.size(), std::size_t(306));
    QVERIFY(readDocument(testData + "/lambda_reads.bam", {}, {}, doc, reference).ok());
    QVERIFY(readDocument(testData + "/ecoli_20kb.fa", {}, {}, doc, reference).ok());

    // Holes: merged when added, cut when removed.
    std::vector<bio::interval> masks;
    masks = withHole(masks, {10, 20});
    masks = withHole(masks, {15, 30});
    QCOMPARE(masks.size(), std::size_t(1));
    QCOMPARE(masks[0].end, std::int64_t(30));
    masks = withHole(masks, {40, 50});
    masks = withHole(masks, {18, 45}, true);
    QCOMPARE(masks.size(), std::size_t(2));
    QCOMPARE(masks[0].start, std::int64_t(10));
    QCOMPARE(masks[0].end, std::int64_t(18));
    QCOMPARE(masks[1].start, std::int64_t(45));
    QCOMPARE(masks[1].end, std::int64_t(50));
    // Edits: case ignored, bases beyond the reference all count.
    QCOMPARE(countEdits("ACGTacgt", 4, "ACGA"), std::int64_t(1));
    QCOMPARE(countEdits("ACGT", 2, "GTAA"), std::int64_t(2));
  }

  void regionDialog() {
    const std::vector<std::pair<std::string, std::int64_t>> contigs = {{"chr1", 250000}, {"HLA-A*01:01", 3000}};
    RegionDialog dialog(QStringLiteral("/data/x.fa.gz"), QStringLiteral("FASTA/FASTQ"), contigs);
    // The first contig, its first 100 kb: a region the view and the model take at once.
    QCOMPARE(dialog.region(), QStringLiteral("chr1:1-100000"));
    auto* start = dialog.findChild<QSpinBox*>(QStringLiteral("startBox"));
    auto* end = dialog.findChild<QSpinBox*>(QStringLiteral("endBox"));
    QVERIFY(start && end);
    QCOMPARE(end->maximum(), 250000);
    start->setValue(1001);
    end->setValue(2000);
    QCOMPARE(dialog.region(), QStringLiteral("chr1:1001-2000"));
    // A name holding ':' is braced, as samtools reads it; the range is bounded by the contig.
    dialog.setRegion(QStringLiteral("HLA-A*01:01"), 10, 20);
    QCOMPARE(dialog.region(), QStringLiteral("{HLA-A*01:01}:10-20"));
    QCOMPARE(end->maximum(), 3000);
    // An end before the start is no region: Open is disabled, and the dialog says why (it read the
    // start alone).
    auto* open = dialog.findChild<QDialogButtonBox*>()->button(QDialogButtonBox::Open);
    QVERIFY(open->isEnabled());
    start->setValue(300);
    end->setValue(200);
    QVERIFY(!open->isEnabled());
    QVERIFY(dialog.findChild<QLabel*>(QStringLiteral("regionLength"))->text().contains(QStringLiteral("end is before the start")));
    end->setValue(400);
    QVERIFY(open->isEnabled());
    // Every record of the file.
    auto* whole = dialog.findChildren<QRadioButton*>().last();
    whole->setChecked(true);
    QVERIFY(dialog.region().isEmpty());
    // The region it gives reads through bio (parse_region) on a real indexed file.
    FileProbe probe;
    QVERIFY(probeFile(testData + "/lambda.fa.gz", probe).ok());
    RegionDialog lambda(QStringLiteral("lambda.fa.gz"), QString::fromStdString(probe.format), probe.contigs);
    lambda.setRegion(QString::fromStdString(probe.contigs[0].first), 11, 60);
    Document doc;
    auto s = readDocument(testData + "/lambda.fa.gz", lambda.region().toStdString(), {}, doc);
    QVERIFY2(s.ok(), s.message().c_str());
    QCOMPARE(doc.records.size(), std::size_t(1));
    QCOMPARE(doc.records[0].bases.size(), std::size_t(50));
  }

  // Past 50 contigs the name is typed: it picks its contig (it opened the one shown before, or a
  // contig named ""), a name the file lacks disables Open, and nothing typed becomes an item.
  void regionDialogTypedContig() {
    std::vector<std::pair<std::string, std::int64_t>> contigs;
    for (int i = 0; i < 60; ++i) contigs.emplace_back("ctg" + std::to_string(i), 200 + i);
    contigs.emplace_back("empty", 0);
    RegionDialog dialog(QStringLiteral("/data/many.fa.gz"), QStringLiteral("FASTA/FASTQ"), contigs);
    auto* box = dialog.findChild<QComboBox*>(QStringLiteral("contigBox"));
    auto* open = dialog.findChild<QDialogButtonBox*>()->button(QDialogButtonBox::Open);
    QVERIFY(box && box->isEditable() && open);
    QCOMPARE(dialog.region(), QStringLiteral("ctg0:1-200"));
    box->lineEdit()->setText(QStringLiteral("ctg42"));
    QVERIFY(open->isEnabled());
    QCOMPARE(dialog.region(), QStringLiteral("ctg42:1-200"));  // the range is ctg0's until the name is confirmed
    Q_EMIT box->lineEdit()->editingFinished();
    QCOMPARE(box->currentIndex(), 42);
    QCOMPARE(dialog.findChild<QSpinBox*>(QStringLiteral("endBox"))->maximum(), 242);
    QCOMPARE(dialog.region(), QStringLiteral("ctg42:1-242"));
    // Typed, not confirmed, a start past the typed contig's end: Open waits (Alt+O confirms nothing).
    dialog.findChild<QSpinBox*>(QStringLiteral("startBox"))->setValue(240);
    box->lineEdit()->setText(QStringLiteral("ctg0"));
    QVERIFY(!open->isEnabled());
    QVERIFY(dialog.region().isEmpty());
    dialog.findChild<QSpinBox*>(QStringLiteral("startBox"))->setValue(1);
    box->lineEdit()->setText(QStringLiteral("chrZ"));
    QVERIFY(!open->isEnabled());
    QVERIFY(dialog.region().isEmpty());
    dialog.accept();  // Return with Open disabled
    QCOMPARE(dialog.result(), int(QDialog::Rejected));
    QCOMPARE(box->count(), 61);
    box->lineEdit()->setText(QStringLiteral("empty"));
    Q_EMIT box->lineEdit()->editingFinished();
    QVERIFY(!open->isEnabled());
  }

  void designPanel() {
    DesignPanel panel;
    // core's defaults, and back: what the panel shows is what core gets.
    const core::design_options defaults;
    auto o = panel.designOptions();
    QCOMPARE(int(o.sampler.kind), int(defaults.sampler.kind));
    QCOMPARE(o.sampler.steps, defaults.sampler.steps);
    QCOMPARE(o.variants, defaults.variants);
    QCOMPARE(o.score_draws, defaults.score_draws);
    QCOMPARE(o.rc_ensemble, false);
    o.sampler.kind = core::sampler_kind::confidence;
    o.sampler.steps = 24;
    o.sampler.temperature = 0.8;
    o.sampler.top_p = 0.9;
    o.sampler.seed = 12345;
    o.sampler.guidance = 1.5;
    o.variants = 7;
    o.score_draws = 3;
    o.rc_ensemble = true;
    panel.setDesignOptions(o);
    const auto back = panel.designOptions();
    QCOMPARE(int(back.sampler.kind), int(core::sampler_kind::confidence));
    QCOMPARE(back.sampler.steps, 24);
    QCOMPARE(back.sampler.temperature, 0.8);
    QCOMPARE(back.sampler.top_p, 0.9);
    QCOMPARE(back.sampler.seed, std::uint64_t(12345));
    QCOMPARE(back.sampler.guidance, 1.5);
    QCOMPARE(back.variants, 7);
    QCOMPARE(back.score_draws, 3);
    QCOMPARE(back.rc_ensemble, true);
    QVERIFY(panel.findChild<QCheckBox*>(QStringLiteral("rcEnsembleBox"))->isChecked());

    // The constraint controls are live and fill the plain struct; a preset is bio's, added to the fields.
    QVERIFY(panel.avoidEdit()->isEnabled());
    QVERIFY(panel.constraints() == ConstraintSettings{});
    QVERIFY(panel.applyPreset(QStringLiteral("golden-gate")));
    auto c = panel.constraints();
    QCOMPARE(c.preset, std::string("golden-gate"));
    QVERIFY(!(c == ConstraintSettings{}));
    auto* rules = panel.findChild<QLabel*>(QStringLiteral("presetRules"));
    QVERIFY(rules && rules->isVisibleTo(&panel));
    QVERIFY(rules->text().contains(QStringLiteral("avoid BsaI")));
    QVERIFY(rules->text().contains(QStringLiteral("avoid SapI")));
    bio::constraint_set set, expected;
    QVERIFY(c.resolve(set).ok());
    QVERIFY(bio::add_preset("golden-gate", expected).ok());
    QCOMPARE(bio::constraint_names(set), bio::constraint_names(expected));
    // The fields add their own rules, as --max-homopolymer, --gc, --gc-window and --avoid do.
    ConstraintSettings typed;
    typed.preset = "twist";
    typed.gcMin = 0.3;
    typed.gcMax = 0.7;
    typed.gcWindow = 40;
    typed.maxHomopolymer = 5;
    typed.avoid = {"EcoRI", "GGTCTC"};
    typed.avoidRepeats = 24;  // twist's 20 is shorter, so stricter: it wins
    panel.setConstraints(typed);
    c = panel.constraints();
    QVERIFY(c == typed);
    QCOMPARE(panel.presetBox()->currentData().toString(), QStringLiteral("twist"));
    QVERIFY(c.resolve(set).ok());
    QCOMPARE(set.max_run, (std::array<int, 4>{5, 5, 5, 5}));  // twist's 9 does not loosen the typed 5
    QCOMPARE(set.motifs.size(), std::size_t(2));
    QCOMPARE(set.motifs[0].name, std::string("EcoRI"));
    QCOMPARE(set.motifs[1].site, std::string("GGTCTC"));
    QCOMPARE(set.repeat_k, 20);  // from twist
    const auto names = bio::constraint_names(set);
    for (const char* rule : {"gc 30-70%", "gc 30-70% per 40 bp", "gc 25-65%", "gc 35-65% per 50 bp", "avoid EcoRI", "avoid-repeats 20"})
      QVERIFY2(std::find(names.begin(), names.end(), rule) != names.end(), rule);
    typed.avoidRepeats = 12;
    panel.setConstraints(typed);
    QCOMPARE(panel.constraints().avoidRepeats, 12);
    QVERIFY(panel.constraints().resolve(set).ok());
    QCOMPARE(set.repeat_k, 12);
    // The fields take what the CLI and the studio's command line take (bio's ranges): a box held
    // 1,000 and 100,000 at most, and clamped --max-homopolymer 5000 and --gc-window 200000 without a word.
    ConstraintSettings wide;
    wide.maxHomopolymer = bio::longest_homopolymer_limit;
    wide.gcWindow = bio::longest_gc_window;
    wide.avoidRepeats = bio::longest_repeat_k;
    panel.setConstraints(wide);
    QVERIFY(panel.constraints() == wide);
    typed.preset.clear();
    typed.avoidRepeats = 0;
    panel.setConstraints(typed);
    QCOMPARE(panel.findChild<QSpinBox*>(QStringLiteral("repeatsBox"))->text(), QStringLiteral("off"));
    QVERIFY(panel.constraints().resolve(set).ok());
    QCOMPARE(set.repeat_k, 0);
    ConstraintSettings shortRepeats;
    shortRepeats.avoidRepeats = 3;
    QVERIFY(QString::fromStdString(shortRepeats.resolve(set).message()).contains(QStringLiteral("repeats")));
    QVERIFY(!panel.applyPreset(QStringLiteral("no-such-vendor")));
    QVERIFY(panel.applyPreset(QString()));
    QVERIFY(!rules->isVisibleTo(&panel));
    panel.setConstraints(ConstraintSettings{});
    QVERIFY(panel.constraints() == ConstraintSettings{});
    QVERIFY(panel.constraints().resolve(set).ok());
    QVERIFY(set.empty());
    ConstraintSettings unknownPreset;
    unknownPreset.preset = "acme";
    QVERIFY(QString::fromStdString(unknownPreset.resolve(set).message()).contains(QStringLiteral("preset")));

    // Motifs and enzymes: completion from bio's table on the last word; bad names flagged.
    auto* completer = panel.avoidEdit()->completer();
    QVERIFY(completer);
    QStringList words = completer->splitPath(QStringLiteral("EcoRI, Bs"));
    QCOMPARE(words, QStringList{QStringLiteral("Bs")});
    completer->setCompletionPrefix(QStringLiteral("bsa"));
    QVERIFY(completer->completionCount() >= 1);
    QCOMPARE(completer->currentCompletion(), QStringLiteral("BsaI"));
    QVERIFY(enzymeNames().contains(QStringLiteral("EcoRI")));
    QCOMPARE(enzymeNames().size(), static_cast<int>(bio::restriction_enzymes().size()));
    panel.avoidEdit()->setText(QStringLiteral("EcoRI, GGTCTC"));
    QVERIFY(panel.avoidEdit()->styleSheet().isEmpty());
    QVERIFY(panel.constraints().validate().ok());
    panel.avoidEdit()->setText(QStringLiteral("EcoRI, NotAnEnzyme"));
    QVERIFY(panel.avoidEdit()->styleSheet().contains(QStringLiteral("color")));
    QVERIFY(!panel.constraints().validate().ok());
    QVERIFY(QString::fromStdString(panel.constraints().resolve(set).message()).contains(QStringLiteral("NotAnEnzyme")));
    ConstraintSettings inverted;
    inverted.gcMin = 0.7;
    inverted.gcMax = 0.6;
    QVERIFY(QString::fromStdString(inverted.validate().message()).contains(QStringLiteral("GC range")));
    QCOMPARE(splitMotifList(" EcoRI,,BsaI ;GAATTC"), (std::vector<std::string>{"EcoRI", "BsaI", "GAATTC"}));

    // Buttons follow the state: nothing to design without holes and a model.
    QVERIFY(!panel.generateButton()->isEnabled());
    panel.setModelReady(true);
    // No record (no file open): nothing to mask either, only a new sequence to generate.
    panel.setHoles(false, 0, 0, false);
    QVERIFY(!panel.generateButton()->isEnabled());
    QVERIFY(panel.generateNewButton()->isEnabled());
    for (const char* text : {"Mask lowercase", "Mask N", "Clear"}) {
      QPushButton* button = nullptr;
      for (auto* b : panel.findChildren<QPushButton*>())
        if (b->text() == QLatin1String(text)) button = b;
      QVERIFY2(button && !button->isEnabled(), text);
    }
    panel.setHoles(true, 1, 100, true);
    QVERIFY(panel.generateButton()->isEnabled());
    QVERIFY(!panel.cancelButton()->isEnabled());
    panel.setBusy(true);
    QVERIFY(!panel.generateButton()->isEnabled());
    QVERIFY(panel.cancelButton()->isEnabled());
  }

 private:
  QTemporaryDir dir_;
};

QTEST_MAIN(TestModels)
#include "test_models.moc"
