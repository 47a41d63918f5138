// What every ui file needs the same way: the library's text as a QString, text for a tooltip shown as
// it is (never as markup), and the look of a problem.
#pragma once

#include <QString>
#include <QTextDocument>
#include <QVariant>

#include <string>

namespace dnafill::ui {

// The library's messages, names and paths are UTF-8 std::strings.
inline QString fromStd(const std::string& text) { return QString::fromStdString(text); }

// `text` for a tooltip (or an item model's ToolTipRole), shown as it is. A tooltip takes text that
// looks like HTML for HTML, and a record's description ("<i>E. coli</i>"), a file name or a message
// quoting them is not: it was drawn as markup, and <img src=...> read a file from disk.
inline QString literalToolTip(const QString& text) {
  if (!Qt::mightBeRichText(text)) return text;
  return QStringLiteral("<p style='white-space:pre-wrap'>") + text.toHtmlEscaped() + QStringLiteral("</p>");
}

// An item model's data() through literalToolTip: its tooltips quote paths, record names and parameters.
inline QVariant literalToolTips(int role, const QVariant& value) {
  return role == Qt::ToolTipRole && value.isValid() ? QVariant(literalToolTip(value.toString())) : value;
}

// The style sheet of a field or label that says what is wrong (a bad motif, a batch that cannot start).
inline QString problemStyle() { return QStringLiteral("color: #c01010"); }

}  // namespace dnafill::ui
