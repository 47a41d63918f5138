// Qt tests of the sequence view: zoom from the whole record to single bases, coordinates both ways,
// selection by mouse and keyboard, copying, and what the tracks draw (pixels of the grabbed widget).
#include <QApplication>
#include <QClipboard>
#include <QMouseEvent>
#include <QRandomGenerator>
#include <QScrollBar>
#include <QSignalSpy>
#include <QtTest>

#include <cctype>
#include <cmath>

#include "bio/sequence.h"
#include "ui/sequence_view.h"
#include "tests/ui/view_events.h"

using dnafill::test::onBase;
using dnafill::test::sendMouse;
using dnafill::ui::SequenceView;

namespace {

std::string randomBases(std::size_t n, quint32 seed) {
  QRandomGenerator rng(seed);
  std::string s(n, 'A');
  for (auto& c : s) c = "ACGT"[rng.bounded(4)];
  return s;
}

}  // namespace

class TestSequenceView : public QObject {
  Q_OBJECT
 private Q_SLOTS:
  void zoomAndCoordinates() {
    SequenceView view;
    view.resize(1084, 320);
    view.show();
    QVERIFY(QTest::qWaitForWindowExposed(&view));
    const std::size_t n = 1000000;
    view.setSequence(randomBases(n, 1));
    // The whole record fits at first: the overview.
    QCOMPARE(view.firstVisibleBase(), qint64(0));
    QVERIFY(view.visibleBases() >= double(n) - 1);
    QVERIFY(view.pixelsPerBase() < 0.01);
    QCOMPARE(view.pixelsPerBase(), view.fitPixelsPerBase());
    // Zooming in stops at single letters, out at the whole record.
    QSignalSpy zoomed(&view, &SequenceView::zoomChanged);
    for (int i = 0; i < 40; ++i) view.zoomIn();
    QCOMPARE(view.pixelsPerBase(), SequenceView::maxPixelsPerBase);
    QVERIFY(view.pixelsPerBase() >= SequenceView::letterPixelsPerBase);
    QVERIFY(zoomed.count() > 10);
    for (int i = 0; i < 40; ++i) view.zoomOut();
    QCOMPARE(view.pixelsPerBase(), view.fitPixelsPerBase());
    // Coordinates both ways at a close zoom, scrolled into the middle.
    view.setPixelsPerBase(12.0);
    view.scrollToBase(500000);
    QCOMPARE(view.firstVisibleBase(), qint64(500000));
    for (qint64 i : {500000LL, 500001LL, 500037LL}) {
      QCOMPARE(view.baseAtX(view.xOfBase(double(i)) + 1), i);
      QCOMPARE(view.baseAtX(view.xOfBase(double(i)) + 11), i);
    }
    // Zooming keeps the base under the anchor in place.
    const double anchorX = view.xOfBase(500050.5);
    view.setPixelsPerBase(24.0, anchorX);
    QCOMPARE(view.baseAtX(anchorX), qint64(500050));
    // Zoom to a selection: it fills the window.
    view.setSelection(1000, 1100);
    view.zoomToSelection();
    QCOMPARE(view.firstVisibleBase(), qint64(1000));
    QVERIFY(std::abs(view.visibleBases() - 100.0) < 10.0);
    // The scroll bar moves the view.
    view.zoomToFit();
    view.setPixelsPerBase(1.0);
    view.horizontalScrollBar()->setValue(250000);
    QCOMPARE(view.firstVisibleBase(), qint64(250000));
    // Positions beyond either end are clamped to the record.
    view.scrollToBase(0);
    QCOMPARE(view.baseAtX(-1000), qint64(0));
    view.scrollToBase(double(n));
    QCOMPARE(view.baseAtX(1e7), qint64(n - 1));
  }

  // A region cut from a contig is numbered as in the contig: the ruler's ticks and labels, the tooltips.
  void firstPosition() {
    SequenceView view;
    view.resize(1084, 320);
    view.show();
    QVERIFY(QTest::qWaitForWindowExposed(&view));
    view.setSequence(std::string(1000, 'A'));
    view.setSites({{49, 6, QStringLiteral("EcoRI")}});
    view.setPixelsPerBase(12.0);  // a major tick every 10 bases
    view.scrollToBase(0);
    const QRect ruler = view.trackRect(SequenceView::Track::Ruler);
    auto majorTickAt = [&](qint64 index) {  // the tick's upper part, drawn for major ticks only
      const QImage image = view.viewport()->grab().toImage();
      return image.pixelColor(static_cast<int>(view.xOfBase(index + 0.5)), ruler.bottom() - 5) == view.palette().color(QPalette::Text);
    };
    const QPoint onFirst(static_cast<int>(view.xOfBase(0.5)), view.trackRect(SequenceView::Track::Bases).center().y());
    const QPoint onSite(static_cast<int>(view.xOfBase(50.5)), onFirst.y());
    QCOMPARE(view.firstPosition(), qint64(1));
    QVERIFY(majorTickAt(9) && majorTickAt(19) && !majorTickAt(14));  // positions 10 and 20
    QVERIFY(view.toolTipAt(onFirst).startsWith(QStringLiteral("position 1: A")));
    QVERIFY(view.toolTipAt(onSite).contains(QStringLiteral("site EcoRI at 50-55")));
    view.setFirstPosition(1001 + 5);  // the first base is the contig's 1,006th
    QVERIFY(majorTickAt(4) && majorTickAt(14) && !majorTickAt(9));  // positions 1,010 and 1,020
    QVERIFY(view.toolTipAt(onFirst).startsWith(QStringLiteral("position 1,006: A")));
    QVERIFY(view.toolTipAt(onSite).contains(QStringLiteral("site EcoRI at 1,055-1,060")));
  }

  // The GC track and its tooltip count as the command line's --gc does (bio::count_gc): S is G or C,
  // W is A or T, N and the other codes are unknown and left out.
  void gcCountsAsTheCommandLine() {
    SequenceView view;
    view.resize(1084, 320);
    view.show();
    QVERIFY(QTest::qWaitForWindowExposed(&view));
    view.setSequence(std::string(100, 'S') + std::string(100, 'w') + std::string(100, 'N'));
    view.setPixelsPerBase(3.0);
    view.scrollToBase(0);
    auto tipOn = [&](double base) {
      return view.toolTipAt(QPoint(static_cast<int>(view.xOfBase(base + 0.5)), view.trackRect(SequenceView::Track::Bases).center().y()));
    };
    QVERIFY2(tipOn(10).contains(QStringLiteral("GC 100.0% (50 bases around)")), qPrintable(tipOn(10)));
    QVERIFY2(tipOn(100).contains(QStringLiteral("GC 50.0%")), qPrintable(tipOn(100)));
    QVERIFY2(tipOn(180).contains(QStringLiteral("GC 0.0%")), qPrintable(tipOn(180)));  // 45 W, the N left out
    QVERIFY2(!tipOn(280).contains(QStringLiteral("GC")), qPrintable(tipOn(280)));       // nothing known
  }

  // The GC of a range (the selection's, under the view) is bio::gc_fraction's number exactly, wherever
  // the range starts and ends in the view's 64-base blocks, also after the bases are set again.
  void gcFractionAsBio() {
    SequenceView view;
    QRandomGenerator rng(7);
    const std::string codes = "ACGTacgtSsWwNnRY";
    for (std::size_t n : {1000u, 64u, 63u}) {
      std::string bases(n, 'A');
      for (auto& c : bases) c = codes[rng.bounded(static_cast<quint32>(codes.size()))];
      view.setSequence(bases);
      for (int k = 0; k < 2000; ++k) {
        const auto begin = static_cast<qint64>(rng.bounded(static_cast<quint32>(n + 1)));
        const auto end = begin + static_cast<qint64>(rng.bounded(static_cast<quint32>(n - begin + 1)));
        const double expected = dnafill::bio::gc_fraction(std::string_view(bases).substr(begin, end - begin));
        QVERIFY2(view.gcFraction(begin, end) == expected, qPrintable(QStringLiteral("%1-%2 of %3").arg(begin).arg(end).arg(n)));
      }
      QCOMPARE(view.gcFraction(-5, static_cast<qint64>(n) + 100), dnafill::bio::gc_fraction(bases));  // clamped to the record
    }
  }

  // The differences are counted a block at a time, equal blocks skipped: the count is the per-base
  // one (case ignored, a base past the reference's end differs), whichever of the two was set last.
  void differencesAsPerBase() {
    SequenceView view;
    QRandomGenerator rng(11);
    const std::string codes = "ACGTacgtNnRY";
    for (std::size_t n : {1000u, 64u, 63u, 130u}) {
      std::string bases(n, 'A');
      for (auto& c : bases) c = codes[rng.bounded(static_cast<quint32>(codes.size()))];
      for (std::size_t shorter : {std::size_t{0}, std::size_t{5}, n}) {
        std::string reference = bases.substr(0, n - shorter);
        for (auto& c : reference) {
          const auto roll = rng.bounded(10u);
          if (roll == 0) c = codes[rng.bounded(static_cast<quint32>(codes.size()))];  // may differ
          else if (roll == 1) c = static_cast<char>(std::islower(static_cast<unsigned char>(c)) ? std::toupper(c) : std::tolower(c));
        }
        qint64 expected = 0;
        for (std::size_t i = 0; i < n; ++i)
          expected += i >= reference.size() || std::toupper(static_cast<unsigned char>(bases[i])) !=
                                                   std::toupper(static_cast<unsigned char>(reference[i]));
        if (reference.empty()) expected = 0;  // no reference: nothing marked
        view.setSequence(std::string());
        view.setReference(reference);
        view.setSequence(bases);
        QCOMPARE(view.differenceCount(), expected);
        view.setReference(std::string());
        QCOMPARE(view.differenceCount(), qint64(0));
        view.setReference(reference);
        QCOMPARE(view.differenceCount(), expected);
      }
    }
  }

  void mouseAndKeyboard() {
    SequenceView view;
    view.resize(900, 320);
    view.show();
    QVERIFY(QTest::qWaitForWindowExposed(&view));
    const std::string bases = randomBases(200, 2);
    view.setSequence(bases);
    view.setPixelsPerBase(4.0);
    QSignalSpy changed(&view, &SequenceView::selectionChanged);
    // Drag from base 10 to base 29: [10, 30).
    sendMouse(view.viewport(), QEvent::MouseButtonPress, onBase(view, 10), Qt::LeftButton);
    sendMouse(view.viewport(), QEvent::MouseMove, onBase(view, 20), Qt::LeftButton);
    sendMouse(view.viewport(), QEvent::MouseMove, onBase(view, 29), Qt::LeftButton);
    sendMouse(view.viewport(), QEvent::MouseButtonRelease, onBase(view, 29), Qt::NoButton);
    QCOMPARE(view.selection().start, std::int64_t(10));
    QCOMPARE(view.selection().end, std::int64_t(30));
    QVERIFY(changed.count() >= 2);
    QCOMPARE(changed.last().at(0).toLongLong(), 10);
    QCOMPARE(changed.last().at(1).toLongLong(), 30);
    // Dragging leftwards selects the other way round.
    sendMouse(view.viewport(), QEvent::MouseButtonPress, onBase(view, 50), Qt::LeftButton);
    sendMouse(view.viewport(), QEvent::MouseMove, onBase(view, 40), Qt::LeftButton);
    sendMouse(view.viewport(), QEvent::MouseButtonRelease, onBase(view, 40), Qt::NoButton);
    QCOMPARE(view.selection().start, std::int64_t(40));
    QCOMPARE(view.selection().end, std::int64_t(51));
    // Shift-click extends from the anchor.
    sendMouse(view.viewport(), QEvent::MouseButtonPress, onBase(view, 60), Qt::LeftButton, Qt::ShiftModifier);
    sendMouse(view.viewport(), QEvent::MouseButtonRelease, onBase(view, 60), Qt::NoButton, Qt::ShiftModifier);
    QCOMPARE(view.selection().start, std::int64_t(51));
    QCOMPARE(view.selection().end, std::int64_t(61));

    // Keyboard: a caret, then Shift+Right grows the selection base by base.
    view.setFocus();
    view.setSelection(100, 100);
    QTest::keyClick(&view, Qt::Key_Right, Qt::ShiftModifier);
    QTest::keyClick(&view, Qt::Key_Right, Qt::ShiftModifier);
    QTest::keyClick(&view, Qt::Key_Right, Qt::ShiftModifier);
    QCOMPARE(view.selection().start, std::int64_t(100));
    QCOMPARE(view.selection().end, std::int64_t(103));
    QTest::keyClick(&view, Qt::Key_Left, Qt::ShiftModifier);
    QCOMPARE(view.selection().end, std::int64_t(102));
    QTest::keyClick(&view, Qt::Key_Right);  // without Shift: a caret again
    QCOMPARE(view.selection().start, view.selection().end);
    QTest::keyClick(&view, Qt::Key_End, Qt::ShiftModifier);
    QCOMPARE(view.selection().end, std::int64_t(200));
    QTest::keyClick(&view, Qt::Key_Home);
    QCOMPARE(view.selection().end, std::int64_t(0));
    // Copy: exactly the selected bases.
    view.setSelection(5, 17);
    QCOMPARE(view.selectedBases(), QString::fromStdString(bases.substr(5, 12)));
    QApplication::clipboard()->clear();
    QTest::keySequence(&view, QKeySequence::Copy);
    QCOMPARE(QApplication::clipboard()->text(), QString::fromStdString(bases.substr(5, 12)));
    // Out of range is clamped; select all.
    view.setSelection(150, 5000);
    QCOMPARE(view.selection().end, std::int64_t(200));
    view.selectAll();
    QCOMPARE(view.selection().start, std::int64_t(0));
    QCOMPARE(view.selection().end, std::int64_t(200));
  }

  void painting() {
    SequenceView view;
    view.resize(1000, 320);
    view.show();
    QVERIFY(QTest::qWaitForWindowExposed(&view));
    // All A: the overview column is A's green; a mask draws its dark bar; edits their tick.
    std::string bases(100000, 'A');
    view.setSequence(bases);
    std::string reference = bases;
    reference[50000] = 'C';
    view.setReference(reference);
    QCOMPARE(view.differenceCount(), qint64(1));
    view.setMasks({{20000, 40000}});
    view.setSites({{70000, 6, QStringLiteral("EcoRI")}});
    QImage image = view.viewport()->grab().toImage();
    const QRect basesTrack = view.trackRect(SequenceView::Track::Bases);
    const int unmaskedX = static_cast<int>(view.xOfBase(5000));
    QCOMPARE(image.pixelColor(unmaskedX, basesTrack.center().y()), QColor(0x1b, 0x9e, 0x3e));
    const int maskedX = static_cast<int>(view.xOfBase(30000));
    QCOMPARE(image.pixelColor(maskedX, basesTrack.top() - 2), QColor(0x30, 0x30, 0x30));
    QVERIFY(image.pixelColor(unmaskedX, basesTrack.top() - 2) != QColor(0x30, 0x30, 0x30));
    const QRect diff = view.trackRect(SequenceView::Track::Differences);
    const int diffX = static_cast<int>(view.xOfBase(50000.5));
    QCOMPARE(image.pixelColor(diffX, diff.center().y()), QColor(0xc0, 0x10, 0x60));
    QVERIFY(image.pixelColor(unmaskedX, diff.center().y()) != QColor(0xc0, 0x10, 0x60));
    const QRect sites = view.trackRect(SequenceView::Track::Sites);
    QCOMPARE(image.pixelColor(static_cast<int>(view.xOfBase(70000)) + 1, sites.bottom() - 5), QColor(0x33, 0x33, 0x33));

    // Confidence: a certain base draws a full bar, an unlikely one a short one; the wrong length clears.
    view.setSequence(randomBases(300, 3));  // 3 pixels a base: a bar per base
    std::vector<double> p(300, 0.1);
    p[10] = 1.0;
    p[20] = std::nan("");
    view.setConfidence(p);
    QVERIFY(view.hasConfidence());
    image = view.viewport()->grab().toImage();
    const QRect conf = view.trackRect(SequenceView::Track::Confidence);
    const int nearTop = conf.bottom() - static_cast<int>(0.9 * (conf.height() - 2));
    const QColor certain = image.pixelColor(static_cast<int>(view.xOfBase(10)) + 1, nearTop);
    QVERIFY(certain.green() > certain.red());  // green: certain
    const QColor background = image.pixelColor(static_cast<int>(view.xOfBase(11)) + 1, nearTop);
    QVERIFY(background != certain);
    const QColor unlikely = image.pixelColor(static_cast<int>(view.xOfBase(11)) + 1, conf.bottom() - 1);
    QVERIFY(unlikely.red() > unlikely.green());  // red: unlikely
    view.setConfidence(std::vector<double>(10, 0.5));
    QVERIFY(!view.hasConfidence());

    // The GC line runs from the left edge of the first base to the right edge of the last (it stopped
    // up to half a base short): 20 G's, fitted, draw it at 100% beside the last base's right edge.
    view.setSequence(std::string(20, 'G'));
    view.zoomToFit();
    image = view.viewport()->grab().toImage();
    const QRect gc = view.trackRect(SequenceView::Track::Gc);
    const int lastX = static_cast<int>(view.xOfBase(20)) - 2;
    bool drawn = false;  // the line's purple within two pixels of the 100% level
    for (int y = gc.bottom() - (gc.height() - 2) - 2; y <= gc.bottom() - (gc.height() - 2) + 2; ++y) {
      const QColor c = image.pixelColor(lastX, y);
      drawn |= c.blue() > c.green() + 40 && c.red() > c.green();
    }
    QVERIFY2(drawn, qPrintable(QStringLiteral("x %1, %2 pixels a base").arg(lastX).arg(view.pixelsPerBase())));

    // Letters at the closest zoom; painting a long record at every zoom does not fail.
    view.setSequence(randomBases(3000000, 4));
    for (int i = 0; i < 24; ++i) {
      view.zoomIn();
      QVERIFY(!view.viewport()->grab().isNull());
    }
    QCOMPARE(view.pixelsPerBase(), SequenceView::maxPixelsPerBase);
  }
};

QTEST_MAIN(TestSequenceView)
#include "test_sequence_view.moc"
