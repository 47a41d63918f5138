// Private to data/: RAII over sqlite3 handles and prepared statements, where every return code is
// checked and every failure becomes one line naming the database file and what was being done.
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <memory>
#include <string>

#include "bio/status.h"

namespace dnafill::data::detail {

// "PATH: <reason> (<what>)", with SQLite's codes for a busy, full, read-only or damaged file turned
// into words a user can act on.
status sqlite_failure(const std::string& path, sqlite3* db, int code, const std::string& what);

struct db_closer {
  void operator()(sqlite3* db) const { sqlite3_close_v2(db); }
};
using db_ptr = std::unique_ptr<sqlite3, db_closer>;

// One prepared statement. bind_* take 1-based parameter indices, as SQLite does; a failed bind is
// remembered and reported by the next step(), so call sites read as one chain.
class statement {
 public:
  statement(sqlite3* db, std::string path) : db_(db), path_(std::move(path)) {}
  ~statement() { sqlite3_finalize(stmt_); }
  statement(const statement&) = delete;
  statement& operator=(const statement&) = delete;

  [[nodiscard]] status prepare(const char* sql);
  statement& bind(int index, std::int64_t value);
  statement& bind(int index, double value);  // NaN binds NULL
  statement& bind(int index, const std::string& value);
  statement& bind_null(int index);

  // Steps once: `row` says whether a row is there to read (false: the statement is done).
  [[nodiscard]] status step(bool& row);
  // Steps to the end, for statements that return no rows.
  [[nodiscard]] status run();
  [[nodiscard]] status reset();  // for running a prepared statement again with new bindings

  std::int64_t column_int(int index) const { return sqlite3_column_int64(stmt_, index); }
  double column_double(int index) const;  // NULL reads as NaN
  std::string column_text(int index) const;
  bool column_is_null(int index) const { return sqlite3_column_type(stmt_, index) == SQLITE_NULL; }

 private:
  void note_bind(int rc);
  sqlite3* db_;
  std::string path_;
  sqlite3_stmt* stmt_ = nullptr;
  std::string sql_;
  int bind_error_ = SQLITE_OK;
};

// Runs statements that return no rows (DDL, PRAGMAs with no result, BEGIN/COMMIT), one at a time.
[[nodiscard]] status execute(sqlite3* db, const std::string& path, const char* sql);

// The single value of a query such as "PRAGMA user_version": integer or text.
[[nodiscard]] status query_int(sqlite3* db, const std::string& path, const char* sql, std::int64_t& out);
[[nodiscard]] status query_text(sqlite3* db, const std::string& path, const char* sql, std::string& out);

// BEGIN IMMEDIATE (take the write lock now, so a busy file fails here and not halfway), and a
// ROLLBACK on destruction unless commit() succeeded.
class transaction {
 public:
  transaction(sqlite3* db, std::string path) : db_(db), path_(std::move(path)) {}
  ~transaction();
  [[nodiscard]] status begin();
  [[nodiscard]] status commit();

 private:
  sqlite3* db_;
  std::string path_;
  bool open_ = false;
};

}  // namespace dnafill::data::detail
