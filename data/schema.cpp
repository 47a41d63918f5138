// The migration ladder: one list of statements per schema version. A step, once released, never
// changes: files of that version exist (tests/data/store keeps one of each) and must keep migrating.
#include "data/schema.h"

#include <algorithm>
#include <string_view>
#include <vector>

#include "data/sqlite_internal.h"

namespace dnafill::data::detail {
namespace {

// Version 1: what infill and generate record with --db.
const std::vector<const char*> step_runs_designs = {
    R"(CREATE TABLE models (
  id INTEGER PRIMARY KEY,
  sha256 TEXT NOT NULL UNIQUE CHECK (length(sha256) = 64),
  path TEXT NOT NULL,
  config TEXT NOT NULL CHECK (json_valid(config))
))",
    R"(CREATE TABLE sources (
  id INTEGER PRIMARY KEY,
  path TEXT NOT NULL,
  size INTEGER NOT NULL CHECK (size >= 0),
  sha256 TEXT NOT NULL CHECK (length(sha256) = 64),
  UNIQUE (path, sha256)
))",
    R"(CREATE TABLE runs (
  id INTEGER PRIMARY KEY,
  kind TEXT NOT NULL CHECK (kind IN ('infill', 'generate', 'batch')),
  model_id INTEGER NOT NULL REFERENCES models (id),
  source_id INTEGER REFERENCES sources (id),
  parameters TEXT NOT NULL CHECK (json_valid(parameters)),
  seed INTEGER NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('running', 'done', 'failed', 'cancelled')),
  started_at TEXT NOT NULL,
  finished_at TEXT,
  error TEXT
))",
    R"(CREATE TABLE designs (
  id INTEGER PRIMARY KEY,
  run_id INTEGER NOT NULL REFERENCES runs (id),
  record TEXT NOT NULL,
  record_index INTEGER NOT NULL CHECK (record_index >= 0),
  variant INTEGER NOT NULL CHECK (variant >= 1),
  region_start INTEGER NOT NULL CHECK (region_start >= 0),
  region_end INTEGER NOT NULL CHECK (region_end >= region_start),
  sequence TEXT NOT NULL CHECK (length(sequence) = region_end - region_start),
  designed_bases INTEGER NOT NULL CHECK (designed_bases >= 0),
  gc REAL NOT NULL,
  bits_per_base REAL,
  constraints_ok INTEGER NOT NULL CHECK (constraints_ok IN (0, 1)),
  constraint_report TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(constraint_report)),
  created_at TEXT NOT NULL
))",
    "CREATE UNIQUE INDEX designs_by_record ON designs (run_id, record_index, variant)",
    "CREATE INDEX runs_by_model ON runs (model_id)",
};

// Version 2: batch. A design is keyed by its region too; the journal says which items (regions) of
// a run are complete; a run carries the key a resumed batch finds it by, and its planned size.
const std::vector<const char*> step_batch_journal = {
    "ALTER TABLE runs ADD COLUMN resume_key TEXT",
    "ALTER TABLE runs ADD COLUMN items_total INTEGER",
    "ALTER TABLE runs ADD COLUMN designs_total INTEGER",
    "ALTER TABLE runs ADD COLUMN resumes INTEGER NOT NULL DEFAULT 0",
    "CREATE INDEX runs_by_resume_key ON runs (resume_key)",
    "ALTER TABLE designs ADD COLUMN region_index INTEGER NOT NULL DEFAULT 0 CHECK (region_index >= 0)",
    "DROP INDEX designs_by_record",
    "CREATE UNIQUE INDEX designs_by_item ON designs (run_id, record_index, region_index, variant)",
    R"(CREATE TABLE batch_journal (
  run_id INTEGER NOT NULL REFERENCES runs (id),
  record_index INTEGER NOT NULL CHECK (record_index >= 0),
  region_index INTEGER NOT NULL CHECK (region_index >= 0),
  record TEXT NOT NULL,
  region_start INTEGER NOT NULL,
  region_end INTEGER NOT NULL,
  designs INTEGER NOT NULL CHECK (designs >= 1),
  finished_at TEXT NOT NULL,
  PRIMARY KEY (run_id, record_index, region_index)
) WITHOUT ROWID)",
    // A version-1 run designed all holes of a record as one region: each record it finished is one
    // complete item.
    R"(INSERT INTO batch_journal
  SELECT run_id, record_index, 0, MIN(record), MIN(region_start), MAX(region_end), COUNT(*), MAX(created_at)
  FROM designs GROUP BY run_id, record_index)",
};

const std::vector<const char*>* step_for(int version) {
  switch (version) {
    case schema_runs_designs: return &step_runs_designs;
    case schema_batch_journal: return &step_batch_journal;
    default: return nullptr;
  }
}

}  // namespace

std::vector<schema_object> objects_of(int version) {
  // The name after a statement's verb: "CREATE UNIQUE INDEX designs_by_item ON ..." gives designs_by_item.
  const auto name_after = [](std::string_view sql, std::string_view verb) {
    const auto rest = sql.substr(sql.find(verb) + verb.size());
    return std::string(rest.substr(0, rest.find_first_of(" (")));
  };
  std::vector<schema_object> objects;
  for (int v = schema_empty + 1; v <= std::min<int>(version, schema_current); ++v)
    for (const std::string_view sql : *step_for(v)) {
      if (sql.rfind("CREATE TABLE ", 0) == 0) objects.push_back({"table", name_after(sql, "TABLE ")});
      if (sql.rfind("CREATE ", 0) == 0 && sql.find(" INDEX ") != std::string_view::npos)
        objects.push_back({"index", name_after(sql, "INDEX ")});
      if (sql.rfind("DROP INDEX ", 0) == 0) {
        const auto dropped = name_after(sql, "INDEX ");
        objects.erase(std::remove_if(objects.begin(), objects.end(),
                                     [&](const schema_object& o) { return o.type == "index" && o.name == dropped; }),
                      objects.end());
      }
    }
  return objects;
}

status migrate(sqlite3* db, const std::string& path, int from, int to) {
  if (from < schema_empty || to > schema_current || from > to)
    return status::fail(path + ": no migration from schema v" + std::to_string(from) + " to v" + std::to_string(to));
  for (int v = from + 1; v <= to; ++v) {
    for (const char* sql : *step_for(v))
      if (auto s = execute(db, path, sql); !s) return status::fail(s.message() + " [migrating to schema v" + std::to_string(v) + "]");
  }
  const std::string id = "PRAGMA application_id = " + std::to_string(store_application_id);
  if (auto s = execute(db, path, id.c_str()); !s) return s;
  const std::string version = "PRAGMA user_version = " + std::to_string(to);
  return execute(db, path, version.c_str());
}

}  // namespace dnafill::data::detail
