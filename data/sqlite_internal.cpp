// Checked SQLite calls: statements, one-value queries and transactions.
#include "data/sqlite_internal.h"

#include <cmath>
#include <cstring>

namespace dnafill::data::detail {
namespace {

// The first words of a statement, enough to tell which one failed.
std::string head(const std::string& sql) {
  std::string h = sql.substr(0, sql.find_first_of("(\n"));
  if (h.size() > 48) h = h.substr(0, 48) + "...";
  while (!h.empty() && h.back() == ' ') h.pop_back();
  return h;
}

}  // namespace

status sqlite_failure(const std::string& path, sqlite3* db, int code, const std::string& what) {
  std::string reason;
  bool said = true;  // the reason tells the user all: which statement met it ("(COMMIT)") is noise
  switch (code & 0xff) {
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      reason = "the database is locked by another program (it kept the lock past the wait)";
      break;
    case SQLITE_FULL: reason = "the disk or the database is full"; break;
    case SQLITE_READONLY: reason = "the database is read-only (no permission to write it, or its folder)"; break;
    case SQLITE_NOTADB:  // whichever statement found it, the file is the news: no "(PRAGMA ...)"
      return status::fail(path + ": not a SQLite database, so not a dnafill store");
    case SQLITE_CORRUPT:  // likewise: which statement met the damage says nothing to the user
      return status::fail(path + ": the database file is damaged; restore it from a copy");
    case SQLITE_CANTOPEN:
    case SQLITE_IOERR:
    case SQLITE_PERM: {
      const int err = db ? sqlite3_system_errno(db) : 0;
      reason = std::string(sqlite3_errstr(code)) + (err ? std::string(": ") + std::strerror(err) : "");
      break;
    }
    default:
      reason = db ? sqlite3_errmsg(db) : sqlite3_errstr(code);
      said = false;  // SQLite's own words: which statement met them helps to tell what went wrong
  }
  return status::fail(path + ": " + reason + (said || what.empty() ? "" : " (" + what + ")"));
}

status statement::prepare(const char* sql) {
  sql_ = sql;
  const int rc = sqlite3_prepare_v2(db_, sql, -1, &stmt_, nullptr);
  if (rc != SQLITE_OK) return sqlite_failure(path_, db_, rc, "preparing " + head(sql_));
  return {};
}

void statement::note_bind(int rc) {
  if (rc != SQLITE_OK && bind_error_ == SQLITE_OK) bind_error_ = rc;
}

statement& statement::bind(int index, std::int64_t value) {
  note_bind(sqlite3_bind_int64(stmt_, index, value));
  return *this;
}

statement& statement::bind(int index, double value) {
  note_bind(std::isnan(value) ? sqlite3_bind_null(stmt_, index) : sqlite3_bind_double(stmt_, index, value));
  return *this;
}

statement& statement::bind(int index, const std::string& value) {
  note_bind(sqlite3_bind_text(stmt_, index, value.data(), static_cast<int>(value.size()), SQLITE_TRANSIENT));
  return *this;
}

statement& statement::bind_null(int index) {
  note_bind(sqlite3_bind_null(stmt_, index));
  return *this;
}

status statement::step(bool& row) {
  row = false;
  if (bind_error_ != SQLITE_OK) return sqlite_failure(path_, db_, bind_error_, "binding a value of " + head(sql_));
  const int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) {
    row = true;
    return {};
  }
  if (rc == SQLITE_DONE) return {};
  return sqlite_failure(path_, db_, rc, head(sql_));
}

status statement::run() {
  for (bool row = true; row;)
    if (auto s = step(row); !s) return s;
  return {};
}

status statement::reset() {
  // sqlite3_reset repeats the last step's error; that error was already reported by step().
  sqlite3_reset(stmt_);
  const int rc = sqlite3_clear_bindings(stmt_);
  bind_error_ = SQLITE_OK;
  if (rc != SQLITE_OK) return sqlite_failure(path_, db_, rc, "resetting " + head(sql_));
  return {};
}

double statement::column_double(int index) const {
  return column_is_null(index) ? std::nan("") : sqlite3_column_double(stmt_, index);
}

std::string statement::column_text(int index) const {
  const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(stmt_, index));
  return text ? std::string(text, static_cast<std::size_t>(sqlite3_column_bytes(stmt_, index))) : std::string();
}

status execute(sqlite3* db, const std::string& path, const char* sql) {
  statement st(db, path);
  if (auto s = st.prepare(sql); !s) return s;
  return st.run();
}

status query_int(sqlite3* db, const std::string& path, const char* sql, std::int64_t& out) {
  statement st(db, path);
  if (auto s = st.prepare(sql); !s) return s;
  bool row = false;
  if (auto s = st.step(row); !s) return s;
  if (!row) return status::fail(path + ": '" + std::string(sql) + "' returned nothing");
  out = st.column_int(0);
  return {};
}

status query_text(sqlite3* db, const std::string& path, const char* sql, std::string& out) {
  statement st(db, path);
  if (auto s = st.prepare(sql); !s) return s;
  bool row = false;
  if (auto s = st.step(row); !s) return s;
  if (!row) return status::fail(path + ": '" + std::string(sql) + "' returned nothing");
  out = st.column_text(0);
  return {};
}

transaction::~transaction() {
  // A failed statement may already have rolled back (SQLITE_FULL does); ROLLBACK then fails harmlessly.
  if (open_) (void)execute(db_, path_, "ROLLBACK");
}

status transaction::begin() {
  if (auto s = execute(db_, path_, "BEGIN IMMEDIATE"); !s) return s;
  open_ = true;
  return {};
}

status transaction::commit() {
  if (auto s = execute(db_, path_, "COMMIT"); !s) return s;
  open_ = false;
  return {};
}

}  // namespace dnafill::data::detail
