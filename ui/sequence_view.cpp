// SequenceView: painting the tracks from 64-base block counts, zoom and scroll, mouse and keys.
#include "ui/sequence_view.h"

#include "bio/sequence.h"
#include "ui/text.h"

#include <QApplication>
#include <QClipboard>
#include <QHelpEvent>
#include <QKeyEvent>
#include <QLocale>
#include <QMouseEvent>
#include <QFontMetricsF>
#include <QPainter>
#include <QPainterPath>
#include <QScrollBar>
#include <QToolTip>
#include <QWheelEvent>

#include <algorithm>
#include <array>
#include <cctype>
#include <cstdint>
#include <cstring>
#include <cmath>
#include <tuple>

namespace dnafill::ui {
namespace {

// Track rows, top to bottom, in pixels.
constexpr int rulerHeight = 26, basesHeight = 26, diffHeight = 10, confidenceHeight = 56, gcHeight = 44,
              sitesHeight = 30, trackGap = 6;

// 0..3 for A C G T (either case, U as T), 4 otherwise.
int baseIndex(char c) {
  switch (c) {
    case 'A': case 'a': return 0;
    case 'C': case 'c': return 1;
    case 'G': case 'g': return 2;
    case 'T': case 't': case 'U': case 'u': return 3;
    default: return 4;
  }
}

// What a byte counts as in the blocks, looked up once a base: a chromosome's 250 M bases are counted on
// the GUI thread (branching per base took 4 s there; bench_sequence_view). `lanes` holds a 1 in the
// byte of each count the base adds to: A C G T other GC AT lowercase, so that a block's 64 bases are
// counted by adding 64-bit words (no count of a block passes 255).
struct ByteClass {
  std::uint64_t lanes = 0;
  std::uint8_t base = 4, gc = 0, at = 0, lower = 0;
  char upper = 0;
};
enum Lane { laneGc = 5, laneAt = 6, laneLower = 7 };  // lanes 0-4: baseIndex
const std::array<ByteClass, 256>& byteClasses() {
  static const auto table = [] {
    std::array<ByteClass, 256> t{};
    for (int c = 0; c < 256; ++c) {
      const char b = static_cast<char>(c);
      const auto gc = bio::classify_gc(b);
      auto& k = t[static_cast<std::size_t>(c)];
      k.base = static_cast<std::uint8_t>(baseIndex(b));
      k.gc = gc == bio::gc_class::gc;
      k.at = gc == bio::gc_class::at;
      k.lower = std::islower(c) ? 1 : 0;
      k.upper = static_cast<char>(std::toupper(c));
      k.lanes = (std::uint64_t{1} << (8 * k.base)) | (std::uint64_t{k.gc} << (8 * laneGc)) |
                (std::uint64_t{k.at} << (8 * laneAt)) | (std::uint64_t{k.lower} << (8 * laneLower));
    }
    return t;
  }();
  return table;
}

// IGV's colours: A green, C blue, G orange, T red; unknown grey.
QColor baseColor(int index) {
  static const QColor colors[5] = {QColor(0x1b, 0x9e, 0x3e), QColor(0x1f, 0x5f, 0xd1), QColor(0xd1, 0x8a, 0x00),
                                   QColor(0xd0, 0x21, 0x21), QColor(0x9a, 0x9a, 0x9a)};
  return colors[std::clamp(index, 0, 4)];
}

// Red (unlikely) through yellow to green (certain).
QColor confidenceColor(double p) { return QColor::fromHsvF(static_cast<float>(std::clamp(p, 0.0, 1.0) / 3.0), 0.75f, 0.85f); }

// 1, 2, 5, 10, 20, 50, ... the first at least `minimum`.
qint64 niceStep(double minimum) {
  qint64 step = 1;
  for (;;) {
    for (int m : {1, 2, 5})
      if (step * m >= minimum) return step * m;
    step *= 10;
  }
}

}  // namespace

QString withSeparators(qint64 n) { return QLocale(QLocale::English).toString(n); }

QString recordLabel(const std::string& name, qint64 length) {
  return QStringLiteral("%1 (%2 bp)").arg(QString::fromStdString(name), withSeparators(length));
}

void SequenceView::Counts::add(const Counts& o) {
  for (int k = 0; k < 5; ++k) base[k] += o.base[k];
  gc += o.gc;
  at += o.at;
  lower += o.lower;
  diff += o.diff;
  confCount += o.confCount;
  confSum += o.confSum;
}

SequenceView::SequenceView(QWidget* parent) : QAbstractScrollArea(parent) {
  setFocusPolicy(Qt::StrongFocus);
  setVerticalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
  setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOn);
  viewport()->setMouseTracking(true);
  viewport()->setBackgroundRole(QPalette::Base);
  setAccessibleName(tr("Sequence view"));
  labelWidth_ = std::max(84, fontMetrics().horizontalAdvance(tr("confidence")) + 16);
}

QSize SequenceView::sizeHint() const { return {800, rulerHeight + basesHeight + diffHeight + confidenceHeight + gcHeight + sitesHeight + 6 * trackGap + 24}; }
QSize SequenceView::minimumSizeHint() const { return {300, sizeHint().height()}; }

QRect SequenceView::trackRect(Track track) const {
  const int w = viewport()->width();
  int y = 2;
  // Height beyond the minimum goes to the plots: confidence, GC, sites.
  const int minimum = rulerHeight + basesHeight + diffHeight + confidenceHeight + gcHeight + sitesHeight + 4 * trackGap + 4;
  const int extra = std::clamp(viewport()->height() - minimum, 0, 360);
  const std::pair<Track, int> rows[] = {{Track::Ruler, rulerHeight},
                                        {Track::Bases, basesHeight},
                                        {Track::Differences, diffHeight},
                                        {Track::Confidence, confidenceHeight + extra / 2},
                                        {Track::Gc, gcHeight + extra * 3 / 10},
                                        {Track::Sites, sitesHeight + extra / 5}};
  for (const auto& [t, h] : rows) {
    if (t == track) return {0, y, w, h};
    y += h + (t == Track::Ruler || t == Track::Bases ? 0 : trackGap);
  }
  return {};
}

// ---- data -------------------------------------------------------------------------------------------

void SequenceView::setSequence(const std::string& bases) {
  const bool sameLength = bases.size() == bases_.size();
  bases_ = bases;
  confidence_.clear();
  if (!sameLength) {
    anchor_ = caret_ = 0;
    first_ = 0.0;
    pixelsPerBase_ = fitPixelsPerBase();
    highlight_ = {0, 0};
  }
  countBases();
  countDifferences();
  countConfidence();
  updateScrollBar();
  viewport()->update();
  if (!sameLength) Q_EMIT selectionChanged(0, 0);
}

void SequenceView::setReference(const std::string& reference) {
  if (reference == reference_) return;  // the blocks count differences: a rebuild reads every base
  reference_ = reference;
  countDifferences();
  viewport()->update();
}

void SequenceView::setMasks(const std::vector<bio::interval>& masks) {
  masks_ = masks;
  viewport()->update();
}

void SequenceView::setHighlight(bio::interval region) {
  highlight_ = region;
  viewport()->update();
}

void SequenceView::setConfidence(std::vector<double> probability) {
  confidence_ = probability.size() == bases_.size() ? std::move(probability) : std::vector<double>{};
  countConfidence();
  viewport()->update();
}

void SequenceView::setConfidencePending(bool pending) {
  confidencePending_ = pending;
  viewport()->update();
}

void SequenceView::setSites(std::vector<Site> sites) {
  std::sort(sites.begin(), sites.end(), [](const Site& a, const Site& b) { return a.start < b.start; });
  sites_ = std::move(sites);
  viewport()->update();
}

void SequenceView::setFirstPosition(qint64 position) {
  if (position == firstPosition_) return;
  firstPosition_ = std::max<qint64>(1, position);
  viewport()->update();
}

bool SequenceView::isDifferent(qint64 i) const {
  if (reference_.empty()) return false;
  if (i >= static_cast<qint64>(reference_.size())) return true;
  const auto& classes = byteClasses();
  return classes[static_cast<unsigned char>(bases_[i])].upper != classes[static_cast<unsigned char>(reference_[i])].upper;
}

void SequenceView::countBase(qint64 i, Counts& c) const {
  const auto& k = byteClasses()[static_cast<unsigned char>(bases_[static_cast<std::size_t>(i)])];
  c.base[k.base] += 1;
  c.gc += k.gc;
  c.at += k.at;
  c.lower += k.lower;
  c.diff += isDifferent(i) ? 1 : 0;
  if (!confidence_.empty() && !std::isnan(confidence_[i])) {
    c.confCount += 1;
    c.confSum += confidence_[i];
  }
}

// The blocks' counts are rebuilt a part at a time, each by the setter that changed it: a variant shown
// recounts the differences only, a confidence track its own counts.
void SequenceView::countBases() {
  static_assert(blockSize < 256, "a block's counts are added in bytes");
  const auto n = static_cast<qint64>(bases_.size());
  blocks_.assign(static_cast<std::size_t>((n + blockSize - 1) / blockSize), Block{});
  const auto& classes = byteClasses();
  for (std::size_t k = 0; k < blocks_.size(); ++k) {
    const auto start = static_cast<qint64>(k) * blockSize, end = std::min(n, start + blockSize);
    std::uint64_t sum = 0;
    for (qint64 i = start; i < end; ++i) sum += classes[static_cast<unsigned char>(bases_[static_cast<std::size_t>(i)])].lanes;
    const auto lane = [sum](int l) { return static_cast<quint16>((sum >> (8 * l)) & 0xff); };
    auto& b = blocks_[k];
    for (int j = 0; j < 5; ++j) b.base[j] = lane(j);
    b.gc = lane(laneGc);
    b.at = lane(laneAt);
    b.lower = lane(laneLower);
  }
  gcBefore_.assign(blocks_.size() + 1, bio::gc_counts{});
  for (std::size_t k = 0; k < blocks_.size(); ++k) {
    gcBefore_[k + 1].gc = gcBefore_[k].gc + blocks_[k].gc;
    gcBefore_[k + 1].at = gcBefore_[k].at + blocks_[k].at;
  }
}

void SequenceView::countDifferences() {
  differences_ = 0;
  const auto& classes = byteClasses();
  const auto n = static_cast<qint64>(bases_.size());
  const auto shared = reference_.empty() ? 0 : std::min(n, static_cast<qint64>(reference_.size()));
  for (std::size_t k = 0; k < blocks_.size(); ++k) {
    const auto start = static_cast<qint64>(k) * blockSize, end = std::min(n, start + blockSize);
    std::uint32_t diff = 0;
    if (!reference_.empty()) {  // as isDifferent: case ignored, every base past the reference's end
      const auto stop = std::min(end, shared);
      const char* b = bases_.data();
      const char* r = reference_.data();
      // A variant differs in its holes only: most blocks are equal byte for byte.
      if (stop > start && std::memcmp(b + start, r + start, static_cast<std::size_t>(stop - start)) != 0)
        for (qint64 i = start; i < stop; ++i)
          diff += classes[static_cast<unsigned char>(b[i])].upper != classes[static_cast<unsigned char>(r[i])].upper;
      diff += static_cast<std::uint32_t>(std::max<qint64>(0, end - std::max(start, shared)));
    }
    blocks_[k].diff = static_cast<quint16>(diff);
    differences_ += diff;
  }
}

void SequenceView::countConfidence() {
  const auto n = static_cast<qint64>(bases_.size());
  for (std::size_t k = 0; k < blocks_.size(); ++k) {
    const auto start = static_cast<qint64>(k) * blockSize, end = std::min(n, start + blockSize);
    std::uint32_t count = 0;
    double sum = 0.0;
    if (!confidence_.empty())
      for (qint64 i = start; i < end; ++i)
        if (!std::isnan(confidence_[static_cast<std::size_t>(i)])) {
          count += 1;
          sum += confidence_[static_cast<std::size_t>(i)];
        }
    blocks_[k].confCount = static_cast<quint16>(count);
    blocks_[k].confSum = static_cast<float>(sum);
  }
}

SequenceView::Counts SequenceView::countRange(qint64 begin, qint64 end) const {
  Counts c;
  begin = std::max<qint64>(0, begin);
  end = std::min<qint64>(static_cast<qint64>(bases_.size()), end);
  qint64 i = begin;
  for (; i < end && i % blockSize != 0; ++i) countBase(i, c);
  for (; i + blockSize <= end; i += blockSize) {
    const auto& b = blocks_[static_cast<std::size_t>(i / blockSize)];
    for (int k = 0; k < 5; ++k) c.base[k] += b.base[k];
    c.gc += b.gc;
    c.at += b.at;
    c.lower += b.lower;
    c.diff += b.diff;
    c.confCount += b.confCount;
    c.confSum += b.confSum;
  }
  for (; i < end; ++i) countBase(i, c);
  return c;
}

// ---- selection --------------------------------------------------------------------------------------

bio::interval SequenceView::selection() const { return {std::min(anchor_, caret_), std::max(anchor_, caret_)}; }

void SequenceView::setCaret(qint64 anchor, qint64 caret) {
  const auto n = static_cast<qint64>(bases_.size());
  anchor = std::clamp<qint64>(anchor, 0, n);
  caret = std::clamp<qint64>(caret, 0, n);
  if (anchor == anchor_ && caret == caret_) return;
  anchor_ = anchor;
  caret_ = caret;
  viewport()->update();
  const auto s = selection();
  Q_EMIT selectionChanged(s.start, s.end);
}

void SequenceView::setSelection(qint64 start, qint64 end) { setCaret(start, end); }

QString SequenceView::selectedBases() const {
  const auto s = selection();
  return QString::fromLatin1(bases_.data() + s.start, static_cast<int>(s.end - s.start));
}

double SequenceView::gcFraction(qint64 begin, qint64 end) const {
  begin = std::max<qint64>(0, begin);
  end = std::min<qint64>(static_cast<qint64>(bases_.size()), end);
  if (end <= begin) return 0.0;
  auto basesOf = [this](qint64 from, qint64 to) {
    return std::string_view(bases_).substr(static_cast<std::size_t>(from), static_cast<std::size_t>(to - from));
  };
  // The whole blocks inside from the running counts, the bases before and after them one by one.
  const qint64 firstBlock = (begin + blockSize - 1) / blockSize, endBlock = end / blockSize;
  if (firstBlock >= endBlock) return bio::gc_fraction(basesOf(begin, end));  // no whole block: under 128 bases
  const auto& before = gcBefore_[static_cast<std::size_t>(firstBlock)];
  const auto& through = gcBefore_[static_cast<std::size_t>(endBlock)];
  const auto head = bio::count_gc(basesOf(begin, firstBlock * blockSize));
  const auto tail = bio::count_gc(basesOf(endBlock * blockSize, end));
  return bio::gc_counts{through.gc - before.gc + head.gc + tail.gc, through.at - before.at + head.at + tail.at}.fraction();
}

void SequenceView::copySelection() {
  if (selection().end > selection().start) QApplication::clipboard()->setText(selectedBases());
}

void SequenceView::selectAll() { setCaret(0, static_cast<qint64>(bases_.size())); }

// ---- zoom and scroll --------------------------------------------------------------------------------

double SequenceView::fitPixelsPerBase() const {
  const double width = std::max(1, viewport()->width() - labelWidth_ - 4);
  return bases_.empty() ? maxPixelsPerBase : std::min(maxPixelsPerBase, width / static_cast<double>(bases_.size()));
}

double SequenceView::visibleBases() const {
  return std::max(1, viewport()->width() - labelWidth_) / pixelsPerBase_;
}

void SequenceView::setPixelsPerBase(double ppb, double anchorX) {
  ppb = std::clamp(ppb, fitPixelsPerBase(), maxPixelsPerBase);
  if (anchorX < 0) anchorX = labelWidth_ + (viewport()->width() - labelWidth_) / 2.0;
  const double anchorBase = first_ + (anchorX - labelWidth_) / pixelsPerBase_;
  const bool changed = ppb != pixelsPerBase_;
  pixelsPerBase_ = ppb;
  first_ = anchorBase - (anchorX - labelWidth_) / pixelsPerBase_;
  updateScrollBar();
  viewport()->update();
  if (changed) Q_EMIT zoomChanged(pixelsPerBase_);
}

// Zooming by key or button keeps the caret in place when it is in view, else the centre.
static double caretAnchor(const SequenceView& view, qint64 caret) {
  const double x = view.xOfBase(static_cast<double>(caret));
  return x >= view.dataLeft() && x < view.viewport()->width() ? x : -1.0;
}
void SequenceView::zoomIn() { setPixelsPerBase(pixelsPerBase_ * 2.0, caretAnchor(*this, caret_)); }
void SequenceView::zoomOut() { setPixelsPerBase(pixelsPerBase_ / 2.0, caretAnchor(*this, caret_)); }
void SequenceView::zoomToFit() {
  first_ = 0.0;
  setPixelsPerBase(fitPixelsPerBase(), labelWidth_);
}

void SequenceView::zoomToSelection() {
  const auto s = selection();
  if (s.end <= s.start) return;
  const double width = std::max(1, viewport()->width() - labelWidth_ - 4);
  setPixelsPerBase(width / static_cast<double>(s.end - s.start), labelWidth_);
  scrollToBase(static_cast<double>(s.start));
}

void SequenceView::scrollToBase(double first) {
  first_ = first;
  updateScrollBar();
  viewport()->update();
}

void SequenceView::ensureVisible(qint64 base) {
  const double visible = visibleBases();
  if (base < first_) scrollToBase(static_cast<double>(base) - visible / 4);
  else if (base >= first_ + visible - 1) scrollToBase(static_cast<double>(base) - visible * 3 / 4);
}

void SequenceView::updateScrollBar() {
  const double n = static_cast<double>(bases_.size());
  const double visible = visibleBases();
  first_ = std::clamp(first_, 0.0, std::max(0.0, n - visible));
  updatingScrollBar_ = true;
  auto* bar = horizontalScrollBar();
  bar->setRange(0, static_cast<int>(std::max(0.0, std::ceil(n - visible))));
  bar->setPageStep(std::max(1, static_cast<int>(visible)));
  bar->setSingleStep(std::max(1, static_cast<int>(visible / 20)));
  bar->setValue(static_cast<int>(first_));
  updatingScrollBar_ = false;
}

void SequenceView::scrollContentsBy(int, int) {
  if (updatingScrollBar_) return;
  first_ = horizontalScrollBar()->value();
  viewport()->update();
}

void SequenceView::resizeEvent(QResizeEvent* event) {
  QAbstractScrollArea::resizeEvent(event);
  if (pixelsPerBase_ < fitPixelsPerBase()) pixelsPerBase_ = fitPixelsPerBase();
  updateScrollBar();
}

qint64 SequenceView::baseAtX(double x) const {
  const auto n = static_cast<qint64>(bases_.size());
  const auto base = static_cast<qint64>(std::floor(first_ + (x - labelWidth_) / pixelsPerBase_));
  return std::clamp<qint64>(base, 0, std::max<qint64>(0, n - 1));
}

double SequenceView::xOfBase(double base) const { return labelWidth_ + (base - first_) * pixelsPerBase_; }

// ---- input ------------------------------------------------------------------------------------------

void SequenceView::mousePressEvent(QMouseEvent* event) {
  if (event->button() != Qt::LeftButton || bases_.empty()) return QAbstractScrollArea::mousePressEvent(event);
  setFocus(Qt::MouseFocusReason);
  const auto base = baseAtX(event->position().x());
  if (event->modifiers() & Qt::ShiftModifier) {
    setCaret(anchor_, base >= anchor_ ? base + 1 : base);
  } else {
    dragBase_ = base;
    setCaret(base, base + 1);
  }
}

void SequenceView::mouseMoveEvent(QMouseEvent* event) {
  if (dragBase_ < 0 || !(event->buttons() & Qt::LeftButton)) return QAbstractScrollArea::mouseMoveEvent(event);
  const auto base = baseAtX(event->position().x());
  if (base >= dragBase_) setCaret(dragBase_, base + 1);
  else setCaret(dragBase_ + 1, base);
  ensureVisible(base);
}

void SequenceView::mouseReleaseEvent(QMouseEvent* event) {
  dragBase_ = -1;
  QAbstractScrollArea::mouseReleaseEvent(event);
}

void SequenceView::keyPressEvent(QKeyEvent* event) {
  if (event->matches(QKeySequence::Copy)) return copySelection();
  if (event->matches(QKeySequence::SelectAll)) return selectAll();
  const bool extend = event->modifiers() & Qt::ShiftModifier;
  const auto page = std::max<qint64>(1, static_cast<qint64>(visibleBases() * 0.9));
  const qint64 step = event->modifiers() & Qt::ControlModifier ? page : 1;
  qint64 caret = caret_;
  switch (event->key()) {
    case Qt::Key_Left: caret -= step; break;
    case Qt::Key_Right: caret += step; break;
    case Qt::Key_Home: caret = 0; break;
    case Qt::Key_End: caret = static_cast<qint64>(bases_.size()); break;
    case Qt::Key_PageUp: caret -= page; break;
    case Qt::Key_PageDown: caret += page; break;
    case Qt::Key_Plus: case Qt::Key_Equal: return zoomIn();
    case Qt::Key_Minus: return zoomOut();
    case Qt::Key_Escape: return setCaret(caret_, caret_);
    default: return QAbstractScrollArea::keyPressEvent(event);
  }
  setCaret(extend ? anchor_ : caret, caret);
  ensureVisible(std::clamp<qint64>(caret_, 0, std::max<qint64>(0, static_cast<qint64>(bases_.size()) - 1)));
}

void SequenceView::wheelEvent(QWheelEvent* event) {
  const double steps = event->angleDelta().y() / 120.0;
  if (event->modifiers() & Qt::ControlModifier) {
    setPixelsPerBase(pixelsPerBase_ * std::pow(1.25, steps), event->position().x());
  } else {
    const double dx = event->angleDelta().x() != 0 ? -event->angleDelta().x() / 120.0 : -steps;
    scrollToBase(first_ + dx * visibleBases() / 10.0);
  }
  event->accept();
}

bool SequenceView::viewportEvent(QEvent* event) {
  if (event->type() == QEvent::ToolTip) {
    auto* help = static_cast<QHelpEvent*>(event);
    const QString text = toolTipAt(help->pos());
    if (text.isEmpty()) QToolTip::hideText();
    else QToolTip::showText(help->globalPos(), literalToolTip(text), viewport());
    return true;
  }
  return QAbstractScrollArea::viewportEvent(event);
}

QString SequenceView::toolTipAt(const QPoint& pos) const {
  if (bases_.empty() || pos.x() < labelWidth_) return {};
  const auto i = baseAtX(pos.x());
  QString text = tr("position %1: %2").arg(withSeparators(firstPosition_ + i)).arg(QChar::fromLatin1(bases_[i]));
  if (!reference_.empty() && isDifferent(i))
    text += tr(" (was %1)").arg(i < static_cast<qint64>(reference_.size()) ? QChar::fromLatin1(reference_[i]) : QChar('-'));
  if (!confidence_.empty() && !std::isnan(confidence_[i]))
    text += tr("\nconfidence %1").arg(confidence_[i], 0, 'f', 3);
  const auto gc = countRange(i - gcWindow / 2, i + gcWindow / 2);
  if (const auto known = gc.gc + gc.at; known > 0)
    text += tr("\nGC %1% (%2 bases around)").arg(100.0 * gc.gc / known, 0, 'f', 1).arg(gcWindow);
  for (const auto& site : sites_)
    if (site.start <= i && i < site.start + site.length)
      text += tr("\nsite %1 at %2-%3").arg(site.label).arg(withSeparators(firstPosition_ + site.start)).arg(withSeparators(firstPosition_ + site.start + site.length - 1));
  return text;
}

// ---- painting ---------------------------------------------------------------------------------------

void SequenceView::paintEvent(QPaintEvent*) {
  QPainter p(viewport());
  p.fillRect(viewport()->rect(), palette().color(QPalette::Base));
  if (bases_.empty()) {
    p.setPen(palette().color(QPalette::PlaceholderText));
    p.drawText(viewport()->rect(), Qt::AlignCenter, tr("Open a FASTA, FASTQ, SAM, BAM or CRAM file (or drop one here)"));
    return;
  }
  const QRect data(labelWidth_, 0, viewport()->width() - labelWidth_, viewport()->height());
  p.save();
  p.setClipRect(data);
  drawRuler(p, trackRect(Track::Ruler));
  drawBases(p, trackRect(Track::Bases));
  drawDifferences(p, trackRect(Track::Differences));
  drawConfidence(p, trackRect(Track::Confidence));
  drawGc(p, trackRect(Track::Gc));
  drawSites(p, trackRect(Track::Sites));
  drawOverlays(p);
  p.restore();
  // Track names in the left margin.
  p.fillRect(QRect(0, 0, labelWidth_, viewport()->height()), palette().color(QPalette::Window));
  p.setPen(palette().color(QPalette::WindowText));
  const std::pair<Track, QString> labels[] = {{Track::Bases, tr("bases")},       {Track::Differences, tr("edits")},
                                              {Track::Confidence, tr("confidence")}, {Track::Gc, tr("GC %")},
                                              {Track::Sites, tr("sites")}};
  for (const auto& [track, label] : labels) {
    const QRect r = trackRect(track);
    p.drawText(QRect(6, r.top(), labelWidth_ - 10, r.height()), Qt::AlignVCenter | Qt::AlignLeft, label);
  }
  // The scales of the two plots, at their top and bottom.
  QFont small = p.font();
  small.setPointSizeF(small.pointSizeF() * 0.8);
  p.setFont(small);
  p.setPen(palette().color(QPalette::PlaceholderText));
  for (const auto& [track, top, bottom] : {std::tuple{Track::Confidence, QStringLiteral("1"), QStringLiteral("0")},
                                           std::tuple{Track::Gc, QStringLiteral("100"), QStringLiteral("0")}}) {
    const QRect r = trackRect(track);
    p.drawText(QRect(0, r.top(), labelWidth_ - 4, r.height()), Qt::AlignTop | Qt::AlignRight, top);
    p.drawText(QRect(0, r.top(), labelWidth_ - 4, r.height()), Qt::AlignBottom | Qt::AlignRight, bottom);
  }
}

void SequenceView::drawRuler(QPainter& p, const QRect& r) const {
  p.setPen(palette().color(QPalette::Text));
  const qint64 step = niceStep(90.0 / pixelsPerBase_), minor = std::max<qint64>(1, step / 5);
  p.drawLine(QPointF(labelWidth_, r.bottom()), QPointF(viewport()->width(), r.bottom()));
  // Ticks at positions as numbered (firstPosition_ for the first base), at the centre of the base; minor
  // ticks at a fifth of the step; none past the record's last base.
  const qint64 leftmost = firstPosition_ + std::max<qint64>(0, static_cast<qint64>(first_));
  const qint64 last = firstPosition_ - 1 +
                      std::min<qint64>(static_cast<qint64>(bases_.size()), static_cast<qint64>(first_ + visibleBases()) + 1);
  const auto roundUp = [leftmost](qint64 multiple) { return (leftmost + multiple - 1) / multiple * multiple; };
  const auto xOf = [this](qint64 position) { return xOfBase(static_cast<double>(position - firstPosition_) + 0.5); };
  for (qint64 pos = roundUp(minor); pos <= last; pos += minor) {
    const double x = xOf(pos);
    p.drawLine(QPointF(x, r.bottom() - (pos % step == 0 ? 7 : 3)), QPointF(x, r.bottom()));
  }
  // A label centred on its tick, moved inwards where it would be cut at either edge of the track.
  const QFontMetricsF metrics(p.font());
  const double left = labelWidth_, right = viewport()->width() - 2;
  for (qint64 pos = roundUp(step); pos <= last; pos += step) {
    const double tick = xOf(pos);
    if (tick < left || tick > right + 1) continue;  // its tick is not in sight
    const QString text = withSeparators(pos);
    const double width = metrics.horizontalAdvance(text) + 2;
    const double x = std::clamp(tick - width / 2, left, std::max(left, right - width));
    p.drawText(QRectF(x, r.top(), width, r.height() - 8), Qt::AlignHCenter | Qt::AlignBottom, text);
  }
}

void SequenceView::drawBases(QPainter& p, const QRect& r) const {
  const double ppb = pixelsPerBase_;
  const int width = viewport()->width();
  if (ppb >= 1.0) {
    const qint64 from = std::max<qint64>(0, static_cast<qint64>(first_));
    const qint64 to = std::min<qint64>(static_cast<qint64>(bases_.size()), static_cast<qint64>(first_ + visibleBases()) + 2);
    QFont font = p.font();
    font.setFamily(QStringLiteral("monospace"));
    font.setBold(true);
    font.setPixelSize(std::clamp(static_cast<int>(ppb * 1.1), 8, 16));
    p.setFont(font);
    for (qint64 i = from; i < to; ++i) {
      const char b = bases_[static_cast<std::size_t>(i)];
      const QColor color = baseColor(baseIndex(b));
      const QRectF cell(xOfBase(static_cast<double>(i)), r.top() + 2, std::max(1.0, ppb - (ppb >= 4 ? 1 : 0)), r.height() - 4);
      const bool lower = std::islower(static_cast<unsigned char>(b));
      if (ppb >= letterPixelsPerBase) {
        // Lowercase (soft-masked, often the holes) shows in the paler fill; the letter stays dark to read.
        p.fillRect(cell, color.lighter(lower ? 185 : 165));
        p.setPen(color.darker(lower ? 160 : 140));
        p.drawText(cell, Qt::AlignCenter, QString(QChar::fromLatin1(b)));
      } else {
        p.fillRect(cell, lower ? color.lighter(150) : color);
      }
    }
    return;
  }
  // Overview: one column per pixel, coloured by its mix of bases.
  for (int x = labelWidth_; x < width; ++x) {
    const qint64 b0 = static_cast<qint64>(std::floor(first_ + (x - labelWidth_) / ppb));
    const qint64 b1 = std::max(b0 + 1, static_cast<qint64>(std::floor(first_ + (x + 1 - labelWidth_) / ppb)));
    if (b0 >= static_cast<qint64>(bases_.size())) break;
    const auto c = countRange(b0, b1);
    const double total = c.base[0] + c.base[1] + c.base[2] + c.base[3] + c.base[4];
    if (total <= 0) continue;
    double red = 0, green = 0, blue = 0;
    for (int k = 0; k < 5; ++k) {
      const QColor color = baseColor(k);
      red += color.redF() * c.base[k] / total;
      green += color.greenF() * c.base[k] / total;
      blue += color.blueF() * c.base[k] / total;
    }
    p.setPen(QColor::fromRgbF(static_cast<float>(red), static_cast<float>(green), static_cast<float>(blue)));
    p.drawLine(x, r.top() + 2, x, r.bottom() - 2);
  }
}

void SequenceView::drawDifferences(QPainter& p, const QRect& r) const {
  if (reference_.empty() || differences_ == 0) return;
  const QColor color(0xc0, 0x10, 0x60);
  if (pixelsPerBase_ >= 1.0) {
    const qint64 from = std::max<qint64>(0, static_cast<qint64>(first_));
    const qint64 to = std::min<qint64>(static_cast<qint64>(bases_.size()), static_cast<qint64>(first_ + visibleBases()) + 2);
    for (qint64 i = from; i < to; ++i)
      if (isDifferent(i)) p.fillRect(QRectF(xOfBase(static_cast<double>(i)), r.top() + 1, std::max(1.0, pixelsPerBase_ - 1), r.height() - 2), color);
    return;
  }
  p.setPen(color);
  for (int x = labelWidth_; x < viewport()->width(); ++x) {
    const qint64 b0 = static_cast<qint64>(std::floor(first_ + (x - labelWidth_) / pixelsPerBase_));
    const qint64 b1 = std::max(b0 + 1, static_cast<qint64>(std::floor(first_ + (x + 1 - labelWidth_) / pixelsPerBase_)));
    if (b0 >= static_cast<qint64>(bases_.size())) break;
    if (countRange(b0, b1).diff > 0) p.drawLine(x, r.top() + 1, x, r.bottom() - 1);
  }
}

void SequenceView::drawConfidence(QPainter& p, const QRect& r) const {
  p.fillRect(QRect(labelWidth_, r.top(), viewport()->width() - labelWidth_, r.height()), palette().color(QPalette::AlternateBase));
  if (confidence_.empty()) {
    p.setPen(palette().color(QPalette::PlaceholderText));
    p.drawText(QRect(labelWidth_ + 8, r.top(), viewport()->width() - labelWidth_ - 8, r.height()), Qt::AlignVCenter | Qt::AlignLeft,
               confidencePending_ ? tr("computing the model's confidence...")
                                  : tr("model confidence not computed (View > Model confidence, Ctrl+K)"));
    return;
  }
  const double h = r.height() - 2;
  auto bar = [&](double x0, double w, double prob) {
    const double top = r.bottom() - prob * h;
    p.fillRect(QRectF(x0, top, w, r.bottom() - top), confidenceColor(prob));
  };
  if (pixelsPerBase_ >= 2.0) {
    const qint64 from = std::max<qint64>(0, static_cast<qint64>(first_));
    const qint64 to = std::min<qint64>(static_cast<qint64>(bases_.size()), static_cast<qint64>(first_ + visibleBases()) + 2);
    for (qint64 i = from; i < to; ++i)
      if (!std::isnan(confidence_[i])) bar(xOfBase(static_cast<double>(i)), std::max(1.0, pixelsPerBase_ - 1), confidence_[i]);
  } else {
    for (int x = labelWidth_; x < viewport()->width(); ++x) {
      const qint64 b0 = static_cast<qint64>(std::floor(first_ + (x - labelWidth_) / pixelsPerBase_));
      const qint64 b1 = std::max(b0 + 1, static_cast<qint64>(std::floor(first_ + (x + 1 - labelWidth_) / pixelsPerBase_)));
      if (b0 >= static_cast<qint64>(bases_.size())) break;
      const auto c = countRange(b0, b1);
      if (c.confCount > 0) bar(x, 1, c.confSum / c.confCount);
    }
  }
  // Chance (a quarter) as a dashed line.
  QPen dashed(palette().color(QPalette::Mid), 1, Qt::DashLine);
  p.setPen(dashed);
  const double chance = r.bottom() - 0.25 * h;
  p.drawLine(QPointF(labelWidth_, chance), QPointF(viewport()->width(), chance));
}

void SequenceView::drawGc(QPainter& p, const QRect& r) const {
  p.fillRect(QRect(labelWidth_, r.top(), viewport()->width() - labelWidth_, r.height()), palette().color(QPalette::AlternateBase));
  QPen dashed(palette().color(QPalette::Mid), 1, Qt::DashLine);
  p.setPen(dashed);
  const double h = r.height() - 2;
  p.drawLine(QPointF(labelWidth_, r.bottom() - 0.5 * h), QPointF(viewport()->width(), r.bottom() - 0.5 * h));
  // The GC fraction of a window around each pixel: 50 bases, or two pixels' worth when zoomed out.
  const double window = std::max<double>(gcWindow, 2.0 / pixelsPerBase_);
  QPainterPath path;
  bool open = false;
  const auto addPoint = [&](double x, double centre) {
    const auto c = countRange(static_cast<qint64>(centre - window / 2), static_cast<qint64>(centre + window / 2));
    const auto known = c.gc + c.at;
    if (known == 0) {
      open = false;
      return;
    }
    const QPointF point(x, r.bottom() - h * c.gc / static_cast<double>(known));
    if (open) path.lineTo(point);
    else path.moveTo(point);
    open = true;
  };
  const int step = pixelsPerBase_ >= 1.0 ? std::max(1, static_cast<int>(pixelsPerBase_ / 2)) : 1;
  const auto length = static_cast<double>(bases_.size());
  for (int x = labelWidth_; x < viewport()->width(); x += step) {
    const double centre = first_ + (x - labelWidth_) / pixelsPerBase_;
    if (centre >= length) break;
    addPoint(x, centre);
  }
  // Up to the right edge of the last base when it is in view, as the line starts at the first's left
  // edge: the steps above stopped up to half a base short of it.
  if (const double end = xOfBase(length); end < viewport()->width()) addPoint(end, length - 0.5);
  p.setPen(QPen(QColor(0x6a, 0x3d, 0x9a), 1.5));
  p.drawPath(path);
}

void SequenceView::drawSites(QPainter& p, const QRect& r) const {
  const double from = first_, to = first_ + visibleBases();
  auto it = std::lower_bound(sites_.begin(), sites_.end(), static_cast<qint64>(from) - 64,
                             [](const Site& s, qint64 v) { return s.start < v; });
  double lastLabelEnd = -1e9;
  const QFontMetrics metrics(p.font());
  for (; it != sites_.end() && it->start <= to; ++it) {
    if (it->start + it->length < from) continue;
    const double x0 = xOfBase(static_cast<double>(it->start));
    const double w = std::max(2.0, it->length * pixelsPerBase_);
    p.fillRect(QRectF(x0, r.bottom() - 9, w, 8), QColor(0x33, 0x33, 0x33));
    const int labelWidth = metrics.horizontalAdvance(it->label);
    if (x0 > lastLabelEnd + 4) {
      p.setPen(palette().color(QPalette::Text));
      p.drawText(QPointF(x0, r.bottom() - 12), it->label);
      lastLabelEnd = x0 + labelWidth;
    }
  }
}

void SequenceView::drawOverlays(QPainter& p) const {
  const int top = trackRect(Track::Bases).top();
  const int bottom = trackRect(Track::Sites).bottom();
  const QRect bases = trackRect(Track::Bases);
  auto span = [&](qint64 start, qint64 end) {
    const double x0 = xOfBase(static_cast<double>(start));
    return QRectF(x0, 0, std::max(1.0, xOfBase(static_cast<double>(end)) - x0), 0);
  };
  // Masked holes: hatched over the bases, a dark bar above them, a light shade below.
  for (const auto& m : masks_) {
    if (m.end < first_ || m.start > first_ + visibleBases()) continue;
    QRectF s = span(m.start, m.end);
    p.fillRect(QRectF(s.left(), bases.top(), s.width(), bases.height()), QBrush(QColor(0, 0, 0, 70), Qt::BDiagPattern));
    p.fillRect(QRectF(s.left(), bases.top() - 4, s.width(), 4), QColor(0x30, 0x30, 0x30));
    p.fillRect(QRectF(s.left(), bases.bottom(), s.width(), bottom - bases.bottom()), QColor(0, 0, 0, 22));
  }
  if (highlight_.end > highlight_.start) {
    QRectF s = span(highlight_.start, highlight_.end);
    p.fillRect(QRectF(s.left(), bases.bottom() - 1, s.width(), 3), QColor(0x1b, 0x9e, 0x3e));
  }
  const auto sel = selection();
  const QColor highlight = palette().color(QPalette::Highlight);
  if (sel.end > sel.start) {
    QRectF s = span(sel.start, sel.end);
    QColor fill = highlight;
    fill.setAlpha(60);
    p.fillRect(QRectF(s.left(), top, s.width(), bottom - top), fill);
    p.setPen(QPen(highlight, 1));
    p.drawLine(QPointF(s.left(), top), QPointF(s.left(), bottom));
    p.drawLine(QPointF(s.right(), top), QPointF(s.right(), bottom));
  } else if (hasFocus()) {
    const double x = xOfBase(static_cast<double>(caret_));
    p.setPen(QPen(highlight, 2));
    p.drawLine(QPointF(x, top), QPointF(x, bottom));
  }
}

}  // namespace dnafill::ui
