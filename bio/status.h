// status: the result of an operation that can fail on user data (a file, a record, an option).
#pragma once

#include <string>
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

}  // namespace dnafill
