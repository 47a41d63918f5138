// What every ui file needs the same way: the library's text as a QString, and the look of a problem.
#pragma once

#include <QString>

#include <string>

namespace dnafill::ui {

// The library's messages, names and paths are UTF-8 std::strings.
inline QString fromStd(const std::string& text) { return QString::fromStdString(text); }

// The style sheet of a field or label that says what is wrong (a bad motif, a batch that cannot start).
inline QString problemStyle() { return QStringLiteral("color: #c01010"); }

}  // namespace dnafill::ui
