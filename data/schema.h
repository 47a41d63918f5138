// Private to data/ (and its tests): the store's schema versions and the migration ladder.
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <string>
#include <vector>

#include "bio/status.h"

namespace dnafill::data::detail {

// Every version the store has had, oldest first. A file at version v is brought to the current one by
// the steps v+1 .. current, all in one transaction; user_version is written last.
enum schema_version : int {
  schema_empty = 0,          // a new or empty file
  schema_runs_designs = 1,   // models, sources, runs and designs: infill/generate --db
  schema_batch_journal = 2,  // the batch journal, designs keyed by region, runs keyed for resume
  schema_current = schema_batch_journal,
};

// PRAGMA application_id of a dnafill store: "DNAF". A SQLite file with another id is not ours.
constexpr std::int64_t store_application_id = 0x444e4146;

// Runs the ladder's steps from+1 .. to on `db`, then sets application_id and user_version = to. The
// caller holds the transaction (so a failure leaves the file as it was). Tests call it with
// to < schema_current to write the schema of an earlier version.
[[nodiscard]] status migrate(sqlite3* db, const std::string& path, int from, int to);

// A table or index of the schema, as sqlite_master names it.
struct schema_object {
  std::string type;  // "table" or "index"
  std::string name;
};

// The tables and indexes a store of `version` has, read off the ladder's CREATE and DROP statements.
std::vector<schema_object> objects_of(int version);

}  // namespace dnafill::data::detail
