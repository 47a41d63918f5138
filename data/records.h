// The plain records of the store: a model, an input file, a run and its designs. No SQLite, no torch:
// core/ fills them in, the sinks (data/sink.h) take them, the CLI and the GUI read them back.
#pragma once

#include <cstdint>
#include <limits>
#include <optional>
#include <string>

#include "bio/status.h"

namespace dnafill::data {

// A run is `running` from its start until it ends. One killed outright (SIGKILL, power loss) stays
// `running` in the file until it is resumed; a read-only store reports it `interrupted` when no process
// is writing the file (that state is never stored). `failed` and `cancelled` runs keep what they completed.
enum class run_status { running, done, failed, cancelled, interrupted };

const char* run_status_name(run_status status);  // "running", "done", "failed", "cancelled", "interrupted"
status parse_run_status(const std::string& name, run_status& out);  // the four stored states only

// A checkpoint, known by the SHA-256 of its file: the same weights under another path are the same model.
struct model_record {
  std::int64_t id = 0;      // set by the store
  std::string sha256;       // 64 lowercase hex digits of the file
  std::string path;         // where it was loaded from (the latest path seen)
  std::string config;       // the model config as JSON
};

// An input file, known by its content: a batch resumes on the same bytes, wherever the file now lies.
struct source_record {
  std::int64_t id = 0;      // set by the store
  std::string path;         // absolute path when recorded
  std::int64_t size = 0;    // bytes
  std::string sha256;       // of the file's bytes
};

// One invocation of infill, generate or batch.
struct run_record {
  std::int64_t id = 0;                     // set by the store
  std::string kind;                        // "infill" | "generate" | "batch"
  std::string parameters = "{}";           // the design options as a JSON object (sorted keys)
  std::uint64_t seed = 0;                  // the sampler seed (also inside `parameters`)
  run_status status = run_status::running;
  std::string started_at, finished_at;     // ISO 8601 UTC, set by the store; finished_at empty while running
  std::string error;                       // why a run failed or was cancelled; empty otherwise
  std::string resume_key;                  // same kind + parameters + model + input: the same run (batch resumes it)
  std::int64_t items_total = -1;           // items (regions) the run will design; -1 unknown
  std::int64_t designs_total = -1;         // designs it will make; -1 unknown
  std::int64_t resumes = 0;                // times an interrupted run was taken up again
  model_record model;
  std::optional<source_record> source;     // none for generate without a prefix

  // Read back by the store, not written: how far the run got.
  std::int64_t items_done = 0, designs_done = 0;
};

// One design: variant `variant` of region `region_index` of record `record_index` of a run. The store
// keeps the designed region only (batch inputs may be whole chromosomes): `sequence` holds the bases of
// [region_start, region_end) as designed, written in the case of the original there.
struct design_record {
  std::int64_t run_id = 0;           // set by the run's sink
  std::string record;                // the input record's name
  std::int64_t record_index = 0;     // 0-based position of the record in the input (names may repeat in a BAM)
  std::int64_t region_index = 0;     // 0-based position of the region in its record
  int variant = 1;                   // 1..K
  std::int64_t region_start = 0;     // 0-based, inclusive
  std::int64_t region_end = 0;       // 0-based, exclusive
  std::string sequence;              // region_end - region_start bases
  std::int64_t designed_bases = 0;   // bases the model wrote (the holes of the region)
  double gc = 0.0;                   // GC fraction of the designed bases
  double bits_per_base = std::numeric_limits<double>::quiet_NaN();  // NaN: not scored
  bool constraints_ok = true;
  std::string constraint_report = "{}";  // JSON {"violations": [...], "holes": [...]}, 1-based (core/job.cpp)
  std::string created_at;            // set by the store
};

}  // namespace dnafill::data
