// status: the result of an operation that can fail on user data (a file, a record, an option).
#pragma once

#include <cstdio>
#include <string>
#include <string_view>
#include <utility>

namespace dnafill {

// Success, or one line saying what went wrong and where ("x.fa: record 'chr1' line 12: ...").
// Functions that read user data return it and the caller must look at it; asserts are for
// programmer errors only.
class [[nodiscard]] status {
 public:
  status() = default;  // success
  static status fail(std::string message) { return status(std::move(message)); }

  bool ok() const { return !failed_; }
  explicit operator bool() const { return ok(); }
  const std::string& message() const { return message_; }

 private:
  explicit status(std::string message) : failed_(true), message_(std::move(message)) {}
  bool failed_ = false;
  std::string message_;
};

// Text from a file or a command line as a message shows it: bytes that are not printable ASCII as
// \xNN, so that the message stays one readable line whatever the file holds.
inline std::string printable(std::string_view text) {
  static constexpr char hex[] = "0123456789abcdef";
  std::string out;
  for (char c : text) {
    const auto u = static_cast<unsigned char>(c);
    if (u >= 0x20 && u < 0x7f) out += c;
    else out += {'\\', 'x', hex[u >> 4], hex[u & 15]};
  }
  return out;
}

// A name as one cell of a line (a table, a listing): control bytes (a newline in a name) as \xNN, as
// printable() writes them; other bytes, UTF-8 included, as they are.
inline std::string one_line(std::string_view text) {
  std::string out;
  for (char c : text) {
    const auto u = static_cast<unsigned char>(c);
    out += u < 0x20 || u == 0x7f ? printable(std::string_view(&c, 1)) : std::string(1, c);
  }
  return out;
}

}  // namespace dnafill
