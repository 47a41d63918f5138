// The fan-out sink and the names of run states.
#include "data/sink.h"

namespace dnafill::data {

const char* run_status_name(run_status status) {
  switch (status) {
    case run_status::running: return "running";
    case run_status::done: return "done";
    case run_status::failed: return "failed";
    case run_status::cancelled: return "cancelled";
    case run_status::interrupted: return "interrupted";
  }
  return "running";
}

status parse_run_status(const std::string& name, run_status& out) {
  for (auto s : {run_status::running, run_status::done, run_status::failed, run_status::cancelled}) {
    if (name == run_status_name(s)) {
      out = s;
      return {};
    }
  }
  return status::fail("unknown run status '" + name + "'");
}

status fan_out_sink::start(run_record& run) {
  for (auto* sink : sinks_)
    if (auto s = sink->start(run); !s) return s;
  return {};
}

status fan_out_sink::completed(const item_key& key, bool& done, std::vector<design_record>* designs) {
  done = false;
  std::vector<bool> holds(sinks_.size(), false);
  item_designs kept{key, {}};
  for (std::size_t i = 0; i < sinks_.size(); ++i) {
    bool here = false;
    if (auto s = sinks_[i]->completed(key, here, done ? nullptr : &kept.designs); !s) return s;
    holds[i] = here;
    done = done || here;
  }
  if (!done) return {};
  // The sinks that missed it (a FASTA rewritten by a resumed run) get the designs as kept.
  for (std::size_t i = 0; i < sinks_.size(); ++i)
    if (!holds[i])
      if (auto s = sinks_[i]->put(kept); !s) return s;
  if (designs) *designs = std::move(kept.designs);
  return {};
}

status fan_out_sink::put(const item_designs& item) {
  for (auto* sink : sinks_)
    if (auto s = sink->put(item); !s) return s;
  return {};
}

status fan_out_sink::finish(run_status outcome, const std::string& error) {
  status first;
  for (auto* sink : sinks_) {
    auto s = sink->finish(outcome, error);
    if (!s && first) first = s;
  }
  return first;
}

}  // namespace dnafill::data
