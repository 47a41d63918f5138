// FASTA and JSON-lines sinks, and exporting a store's designs through them.
#include "data/text_sinks.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstring>

#include "data/json_text.h"
#include "data/store.h"

namespace dnafill::data {

std::string design_name(const design_record& d) {
  return d.record + "|variant=" + std::to_string(d.variant) + "|region=" + std::to_string(d.region_start + 1) + "-" +
         std::to_string(d.region_end);
}

bool is_new_record_name(const std::string& name) {
  // Spaces and control bytes (a newline would end the FASTA header) have no place in a name either.
  const auto bad = [](unsigned char c) { return c <= ' ' || c == 0x7f || c == '|' || c == '>'; };
  return !name.empty() && std::none_of(name.begin(), name.end(), bad);
}

std::string bits_text(double bits_per_base, int decimals) {
  if (std::isnan(bits_per_base)) return "NA";
  char text[32];
  std::snprintf(text, sizeof text, "%.*f", decimals, bits_per_base);
  return text;
}

nlohmann::json design_json(const design_record& d) {
  nlohmann::json j = {{"record", d.record},
                      {"variant", d.variant},
                      {"region_start", d.region_start + 1},
                      {"region_end", d.region_end},
                      {"designed_bases", d.designed_bases},
                      {"gc", d.gc},
                      {"constraints_ok", d.constraints_ok}};
  if (std::isnan(d.bits_per_base)) j["bits_per_base"] = nullptr;
  else j["bits_per_base"] = d.bits_per_base;
  return j;
}

std::string design_comment(const design_record& d) {
  char text[160];
  std::snprintf(text, sizeof text, "run=%lld gc=%.4f bits_per_base=%s constraints=%s",
                static_cast<long long>(d.run_id), d.gc, bits_text(d.bits_per_base, 4).c_str(),
                d.constraints_ok ? "ok" : "failed");
  return text;
}

status fasta_sink::start(run_record&) {
  if (auto s = writer_.open(path_); !s) return s;
  open_ = true;
  return {};
}

status fasta_sink::put(const item_designs& item) {
  for (const auto& d : item.designs) {
    bio::sequence_record record{design_name(d), design_comment(d), d.sequence, {}};
    if (auto s = writer_.write(record); !s) return s;
  }
  return {};
}

// Only a done run replaces the file that was there: a failed or cancelled one would put part of a run
// in place of what may be a whole earlier one, and its designs are in the store (a batch resumes).
status fasta_sink::finish(run_status outcome, const std::string&) {
  if (!open_) return {};
  open_ = false;
  if (outcome != run_status::done) {
    writer_.discard();
    return {};
  }
  return writer_.close();
}

jsonl_sink::~jsonl_sink() {
  if (file_ && file_ != stdout) std::fclose(file_);
}

status jsonl_sink::write_failed() const {
  return status::fail(bio::output_name(path_) + ": cannot write: " + std::strerror(errno ? errno : EIO) + output_.staging_note());
}

status jsonl_sink::start(run_record&) {
  if (auto s = output_.begin(path_); !s) return s;
  errno = 0;
  file_ = path_ == "-" ? stdout : std::fopen(output_.name().c_str(), "w");
  if (!file_) return status::fail(path_ + ": cannot create: " + std::strerror(errno ? errno : EIO));
  return {};
}

status jsonl_sink::put(const item_designs& item) {
  for (const auto& d : item.designs) {
    nlohmann::json j = design_json(d);
    j["run"] = d.run_id;
    j["record_index"] = d.record_index;
    j["region_index"] = d.region_index;
    j["sequence"] = d.sequence;
    auto report = nlohmann::json::parse(d.constraint_report, nullptr, false);
    j["constraint_report"] = report.is_discarded() ? nlohmann::json(d.constraint_report) : report;
    const std::string line = json_text(j) + "\n";
    errno = 0;
    if (std::fwrite(line.data(), 1, line.size(), file_) != line.size()) return write_failed();
  }
  return {};
}

status jsonl_sink::finish(run_status outcome, const std::string&) {
  if (!file_) return {};
  std::FILE* f = file_;
  file_ = nullptr;
  errno = 0;
  const bool flushed = std::fflush(f) == 0;
  const bool closed = f == stdout ? true : std::fclose(f) == 0;
  if (outcome != run_status::done) {  // a failed or cancelled run leaves the file there as it was
    output_.drop();
    return {};
  }
  if (!flushed || !closed) {
    const auto failed = write_failed();
    output_.drop();
    return failed;
  }
  return output_.commit();
}

status export_designs(store& db, std::optional<std::int64_t> run_id, design_sink& sink) {
  run_record run;
  if (run_id) {
    bool found = false;
    if (auto s = db.find_run(*run_id, run, found); !s) return s;
    if (!found) return status::fail(db.path() + ": no run " + std::to_string(*run_id));
  }
  if (auto s = sink.start(run); !s) {
    (void)sink.finish(run_status::failed, s.message());
    return s;
  }
  item_designs item;
  std::int64_t item_run = -1, designs = 0;
  auto flush = [&]() -> status {
    if (item.designs.empty()) return {};
    auto s = sink.put(item);
    item.designs.clear();
    return s;
  };
  auto s = db.for_each_design(run_id, [&](design_record& d) -> status {
    const item_key key{d.record_index, d.region_index};
    if (d.run_id != item_run || !(key == item.key))
      if (auto f = flush(); !f) return f;
    item_run = d.run_id;
    item.key = key;
    item.designs.push_back(std::move(d));
    ++designs;
    return {};
  });
  if (s) s = flush();
  // An empty export would replace an earlier --out with nothing: say so instead.
  if (s && designs == 0)
    s = status::fail(db.path() + (run_id ? ": run " + std::to_string(*run_id) + " has no designs" : ": no designs"));
  auto f = sink.finish(s ? run_status::done : run_status::failed, s.message());
  return s ? f : s;
}

}  // namespace dnafill::data
