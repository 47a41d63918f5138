// SequenceView: one record drawn as tracks (a ruler, the bases, differences from a reference, the
// model's per-base confidence, GC%, enzyme and motif sites), zooming from the whole record down to
// single letters, with masked holes shaded and a selection made by mouse or keyboard.
#pragma once

#include <QAbstractScrollArea>
#include <QString>

#include <cstdint>
#include <string>
#include <vector>

#include "bio/mask.h"
#include "bio/sequence.h"

namespace dnafill::ui {

// "1,234,567": a count or position of bases as the window writes it everywhere (the ruler, tooltips,
// choosers, labels), with English separators whatever the locale.
QString withSeparators(qint64 n);
// "chr1 (1,234,567 bp)": a record or contig in a chooser.
QString recordLabel(const std::string& name, qint64 length);

class SequenceView : public QAbstractScrollArea {
  Q_OBJECT
 public:
  // A site to mark: [start, start + length), 0-based, with a label ("EcoRI").
  struct Site {
    qint64 start = 0;
    qint64 length = 0;
    QString label;
  };
  enum class Track { Ruler, Bases, Differences, Confidence, Gc, Sites };
  Q_ENUM(Track)

  static constexpr double maxPixelsPerBase = 24.0;    // the closest zoom
  static constexpr double letterPixelsPerBase = 8.0;  // letters are drawn from this zoom on
  static constexpr int gcWindow = 50;                 // bases of the GC% window at close zoom

  explicit SequenceView(QWidget* parent = nullptr);

  // The bases to show (case kept: lowercase is drawn lighter). Clears the selection when the length
  // changes, and the confidence track always.
  void setSequence(const std::string& bases);
  const std::string& sequence() const { return bases_; }
  // Bases that differ from `reference` (case ignored) are marked; an empty reference marks none.
  void setReference(const std::string& reference);
  qint64 differenceCount() const { return differences_; }
  void setMasks(const std::vector<bio::interval>& masks);
  const std::vector<bio::interval>& masks() const { return masks_; }
  // The region of a shown design, underlined; an empty interval clears it.
  void setHighlight(bio::interval region);
  // Per-base probability (NaN: none), the same length as the sequence; empty clears the track.
  void setConfidence(std::vector<double> probability);
  bool hasConfidence() const { return !confidence_.empty(); }
  const std::vector<double>& confidence() const { return confidence_; }
  // While the track is being computed, it says so instead of how to ask for it.
  void setConfidencePending(bool pending);
  void setSites(std::vector<Site> sites);
  const std::vector<Site>& sites() const { return sites_; }
  // The number the ruler and the tooltips give the first base: 1, or a region's START, so that a region
  // cut from a contig is numbered as in the contig. Indices everywhere else stay 0-based in the record.
  void setFirstPosition(qint64 position);
  qint64 firstPosition() const { return firstPosition_; }
  // What the tooltip at viewport point `pos` says; empty off the bases.
  QString toolTipAt(const QPoint& pos) const;

  // The selection, 0-based half-open; start == end is an empty selection (a caret).
  bio::interval selection() const;
  void setSelection(qint64 start, qint64 end);
  QString selectedBases() const;
  // The GC content of bases [begin, end) as bio::gc_fraction counts it (S as GC, W as AT, other codes
  // as neither; 0 when none is known). From counts made when the bases were set, so a chromosome-sized
  // selection costs no more than a short one: the GUI thread read the whole selection at every change.
  double gcFraction(qint64 begin, qint64 end) const;

  double pixelsPerBase() const { return pixelsPerBase_; }
  double fitPixelsPerBase() const;  // the whole record in the window
  // Zooms keeping the base under viewport x `anchorX` in place (-1: the centre).
  void setPixelsPerBase(double pixelsPerBase, double anchorX = -1);
  qint64 firstVisibleBase() const { return static_cast<qint64>(first_); }
  double visibleBases() const;
  void scrollToBase(double first);
  void ensureVisible(qint64 base);
  qint64 baseAtX(double x) const;  // viewport coordinates; clamped to the record
  double xOfBase(double base) const;
  QRect trackRect(Track track) const;  // viewport coordinates
  int dataLeft() const { return labelWidth_; }

 public Q_SLOTS:
  void zoomIn();
  void zoomOut();
  void zoomToFit();
  void zoomToSelection();
  void copySelection();
  void selectAll();

 Q_SIGNALS:
  void selectionChanged(qint64 start, qint64 end);
  void zoomChanged(double pixelsPerBase);

 protected:
  void paintEvent(QPaintEvent* event) override;
  void resizeEvent(QResizeEvent* event) override;
  void mousePressEvent(QMouseEvent* event) override;
  void mouseMoveEvent(QMouseEvent* event) override;
  void mouseReleaseEvent(QMouseEvent* event) override;
  void keyPressEvent(QKeyEvent* event) override;
  void wheelEvent(QWheelEvent* event) override;
  void scrollContentsBy(int dx, int dy) override;
  bool viewportEvent(QEvent* event) override;
  QSize sizeHint() const override;
  QSize minimumSizeHint() const override;

 private:
  // Counts over 64-base blocks, so that drawing a chromosome costs the width of the window.
  static constexpr int blockSize = 64;  // below 256: countBases adds a block's counts in bytes
  struct Counts {
    qint64 base[5] = {0, 0, 0, 0, 0};  // A C G T other
    qint64 gc = 0, at = 0;             // as bio::count_gc: S counts as GC, W as AT
    qint64 lower = 0, diff = 0, confCount = 0;
    double confSum = 0.0;
    void add(const Counts& o);
  };
  struct Block {
    quint16 base[5] = {0, 0, 0, 0, 0};
    quint16 gc = 0, at = 0;
    quint16 lower = 0, diff = 0, confCount = 0;
    float confSum = 0.0f;
  };
  Counts countRange(qint64 begin, qint64 end) const;
  void countBase(qint64 i, Counts& c) const;
  void countBases();        // the bases' counts and the GC prefix sums (setSequence)
  void countDifferences();  // against reference_ (setSequence, setReference)
  void countConfidence();   // of confidence_ (setSequence, setConfidence)
  void updateScrollBar();
  void setCaret(qint64 anchor, qint64 caret);
  bool isDifferent(qint64 i) const;

  void drawRuler(QPainter& p, const QRect& r) const;
  void drawBases(QPainter& p, const QRect& r) const;
  void drawDifferences(QPainter& p, const QRect& r) const;
  void drawConfidence(QPainter& p, const QRect& r) const;
  void drawGc(QPainter& p, const QRect& r) const;
  void drawSites(QPainter& p, const QRect& r) const;
  void drawOverlays(QPainter& p) const;

  std::string bases_, reference_;
  std::vector<bio::interval> masks_;
  bio::interval highlight_{0, 0};
  std::vector<double> confidence_;
  bool confidencePending_ = false;
  std::vector<Site> sites_;  // sorted by start
  std::vector<Block> blocks_;
  std::vector<bio::gc_counts> gcBefore_;  // [k]: the GC and AT bases of blocks 0..k-1
  qint64 differences_ = 0;
  qint64 firstPosition_ = 1;

  double pixelsPerBase_ = 1.0;
  double first_ = 0.0;  // the base at the left edge of the data area
  qint64 anchor_ = 0, caret_ = 0;  // selection ends, as gaps between bases (0..n)
  qint64 dragBase_ = -1;           // the base the mouse went down on
  int labelWidth_ = 84;
  bool updatingScrollBar_ = false;
};

}  // namespace dnafill::ui
