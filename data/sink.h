// Where a job's finished designs go: one small interface that the SQLite run (run_sink, data/store.h), a FASTA
// or JSON-lines file (data/text_sinks.h) and memory implement, and a fan-out that is itself a sink.
#pragma once

#include <cstdint>
#include <vector>

#include "bio/status.h"
#include "data/records.h"

namespace dnafill::data {

// The unit a job delivers and a resumed batch skips: one region of one record.
struct item_key {
  std::int64_t record_index = 0;
  std::int64_t region_index = 0;
  bool operator==(const item_key& o) const { return record_index == o.record_index && region_index == o.region_index; }
  bool operator<(const item_key& o) const {
    return record_index != o.record_index ? record_index < o.record_index : region_index < o.region_index;
  }
};

// The K designs of one item, delivered together: a sink keeps all of them or none.
struct item_designs {
  item_key key;
  std::vector<design_record> designs;
};

// A job calls start() once, then for each item in input order completed() and, when it is not done,
// put(); finish() once at the end whatever happened (also after a failed start). Every call returns
// a status the job must look at. A sink is used by one thread.
class design_sink {
 public:
  virtual ~design_sink() = default;

  // The run about to be designed. A sink that records runs sets `run.id` (possibly to an earlier
  // run it takes up: resume); the job then stamps that id on every design it delivers.
  virtual status start(run_record& run) = 0;

  // Whether the item is already complete here (a resumed run); if so and `designs` is given, they are
  // filled with the item's designs as kept. A sink that cannot tell (a file being written) says false,
  // which is what this default does.
  virtual status completed(const item_key& key, bool& done, std::vector<design_record>* designs) {
    (void)key;
    (void)designs;
    done = false;
    return {};
  }

  // Keeps the item's designs. Errors: the medium failed (disk full, locked, closed pipe).
  virtual status put(const item_designs& item) = 0;

  // Ends the run: done, failed (with `error`) or cancelled. What was put stays.
  virtual status finish(run_status outcome, const std::string& error) = 0;
};

// Several sinks as one. An item counts as completed when one sink holds it: its designs are read
// from that sink and put into the others (so a FASTA written by a resumed batch still holds every
// design, in input order), and the job skips it. Does not own the sinks.
class fan_out_sink : public design_sink {
 public:
  explicit fan_out_sink(std::vector<design_sink*> sinks) : sinks_(std::move(sinks)) {}
  status start(run_record& run) override;  // in order: the first sink that records runs sets the id
  status completed(const item_key& key, bool& done, std::vector<design_record>* designs) override;
  status put(const item_designs& item) override;
  // Finishes every sink, even after one failed; returns the first failure.
  status finish(run_status outcome, const std::string& error) override;

 private:
  std::vector<design_sink*> sinks_;
};

// Keeps every design in memory (what infill and generate print at the end). Never completed.
class memory_sink : public design_sink {
 public:
  status start(run_record&) override { return {}; }
  status put(const item_designs& item) override {
    designs.insert(designs.end(), item.designs.begin(), item.designs.end());
    return {};
  }
  status finish(run_status, const std::string&) override { return {}; }

  std::vector<design_record> designs;
};

}  // namespace dnafill::data
