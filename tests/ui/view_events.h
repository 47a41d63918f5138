// Mouse events on the sequence view as a person makes them, for the view's and the studio's QTests.
#pragma once

#include <QApplication>
#include <QMouseEvent>
#include <QPointF>
#include <QWidget>

#include "ui/sequence_view.h"

namespace dnafill::test {

// A press, move or release at `pos` in `w` with `buttons` held (a move names no button).
inline void sendMouse(QWidget* w, QEvent::Type type, QPointF pos, Qt::MouseButtons buttons,
                      Qt::KeyboardModifiers modifiers = {}) {
  QMouseEvent event(type, pos, w->mapToGlobal(pos.toPoint()), type == QEvent::MouseMove ? Qt::NoButton : Qt::LeftButton,
                    buttons, modifiers);
  QApplication::sendEvent(w, &event);
}

// The middle of base `i` on the bases track.
inline QPointF onBase(const ui::SequenceView& view, qint64 i) {
  return {view.xOfBase(static_cast<double>(i) + 0.5), static_cast<double>(view.trackRect(ui::SequenceView::Track::Bases).center().y())};
}

}  // namespace dnafill::test
