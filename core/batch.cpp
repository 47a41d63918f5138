// The items of a batch: masked regions of a streamed file, counted first, each cut out with its flanks.
#include "core/batch.h"

#include <nlohmann/json.hpp>
#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "core/masking.h"
#include "data/sha256.h"

namespace dnafill::core {

bool batch_items::stamp_of(const std::string& path, file_stamp& stamp) {
  struct stat st;
  if (stat(path.c_str(), &st) != 0) return false;
  stamp = {static_cast<std::int64_t>(st.st_dev), static_cast<std::int64_t>(st.st_ino), static_cast<std::int64_t>(st.st_size),
           static_cast<std::int64_t>(st.st_mtim.tv_sec) * 1000000000 + st.st_mtim.tv_nsec,
           static_cast<std::int64_t>(st.st_ctim.tv_sec) * 1000000000 + st.st_ctim.tv_nsec};
  return true;
}

// Checked before the regions of each record are handed out, and at the end: a file changed under a
// running batch (cut, rewritten, replaced) would give designs of regions that the count and the run's
// hash of the input never saw.
bool batch_items::input_changed() {
  file_stamp now;
  const bool there = stamp_of(request_.input, now);
  if (there && now == stamp_) return false;
  // Only its times changed (touch, chmod, an edit with the time set back): hashed again, the same
  // content reads on, another is a change.
  if (there && now.same_file_and_size(stamp_) && !content_sha256_.empty()) {
    std::string hash;
    std::int64_t size = 0;
    if (data::sha256_file(request_.input, hash, size) && hash == content_sha256_) {
      stamp_ = now;
      return false;
    }
  }
  changed_ = true;
  error_ = status::fail("--in: " + request_.input +
                        " changed while the batch read it (its size, time or inode is not what it was when counted); the "
                        "same command on the file as it is now makes a new run");
  return true;
}

// The first pass: totals for the progress bar and the run, and every input problem found before the
// run is recorded, rather than after hours of designing.
status batch_items::count() {
  bio::sequence_source source;
  if (auto s = source.open(request_.input, request_.source); !s) return status::fail("--in: " + s.message());
  bio::sequence_record record;
  std::vector<bio::interval> regions;
  while (source.next(record)) {
    if (auto s = holes_.next(record.name, record.bases, regions); !s) return s;
    totals_.records += 1;
    totals_.items += static_cast<std::int64_t>(regions.size());
  }
  if (!source.error()) return status::fail("--in: " + source.error().message());
  if (const auto& filter = request_.source.alignments; totals_.records == 0 && source.filtered_out() > 0)
    return status::fail(bio::filter_options_text(filter) + ": no read of " + request_.input + " passes " +
                        (filter.primary_only && filter.min_mapq > 0 ? "them" : "it"));
  if (auto s = holes_.finish(); !s) return s;
  totals_.designs = totals_.items * variants_;
  return {};
}

status batch_items::open(const batch_request& request, const design_options& options, const model_config& config) {
  request_ = request;
  seed_ = options.sampler.seed;
  variants_ = options.variants;
  if (request.input.empty() || bio::is_stream(request.input))
    return status::fail("--in: batch needs a file, not standard input or a pipe (it reads the file twice and resumes by "
                        "its content)");
  block_options blocks;
  if (auto s = options.blocks.resolve(config, blocks); !s) return s;
  window_ = blocks.window;
  constraints_ = options.constraints;
  parameters_["mask"] = request.mask;
  if (request.source.alignments.primary_only) parameters_["primary"] = "yes";
  if (request.source.alignments.min_mapq > 0) parameters_["min_mapq"] = std::to_string(request.source.alignments.min_mapq);
  if (const auto& reference = request.source.alignments.reference; !reference.empty()) parameters_["reference"] = reference;
  if (auto s = holes_.open(request.mask, request.input); !s) return s;
  if (const auto& spec = holes_.spec(); spec.from == bio::mask_spec::source::bed) {
    std::string hash;
    std::int64_t size = 0;
    if (auto s = data::sha256_file(spec.bed_path, hash, size); !s) return status::fail("--mask: " + s.message());
    parameters_["mask_sha256"] = hash;  // the BED's content, not its name, decides what is designed
  }
  if (!stamp_of(request.input, stamp_)) return status::fail("--in: " + request.input + ": cannot open: " + std::strerror(errno));
  if (auto s = count(); !s) return s;
  if (auto s = source_.open(request_.input, request_.source); !s) return status::fail("--in: " + s.message());
  // Reads of a pair are named NAME/1 and NAME/2 since 2026-12-01: a run begun before, when both were
  // NAME, is not resumed into one of mixed names (the key differs, so it is a new run).
  const auto& format = source_.format_name();
  if (format == "SAM" || format == "BAM" || format == "CRAM") parameters_["mate_names"] = "/1 /2";
  return {};
}

bool batch_items::next(job_item& item) {
  while (next_region_ >= regions_.size()) {
    if (!source_.next(record_)) {
      // A file cut short ends early, cleanly, or where a record breaks off: said as the change it is.
      if (!input_changed() && !source_.error()) error_ = status::fail("--in: " + source_.error().message());
      return false;
    }
    record_index_ += 1;
    regions_ = holes_.holes_of(record_.name, record_.bases);
    next_region_ = 0;
    if (!regions_.empty() && input_changed()) return false;
  }
  const auto region = regions_[next_region_];
  // The part of the record the design reads, as infill of the whole record would cut it: one window
  // each side was too little for the rules that look further (the repeat rule's 1,000 bases, a run
  // longer than a window), which then went unchecked.
  const auto [from, to] = design_span(record_.bases, {region}, window_, constraints_);
  item.key = {record_index_, static_cast<std::int64_t>(next_region_)};
  item.record = record_.name;
  item.bases = std::string_view(record_.bases).substr(static_cast<std::size_t>(from), static_cast<std::size_t>(to - from));
  item.offset = from;
  item.holes = {{region.start - from, region.end - from}};
  item.seed = derive_seed(derive_seed(seed_, static_cast<std::uint64_t>(record_index_)), next_region_);
  next_region_ += 1;
  return true;
}

status prepare_batch(const mdm_model& model, const batch_request& request, const design_options& options,
                     batch_items& items, data::run_record& run) {
  if (auto s = options.validate(model); !s) return s;
  if (auto s = items.open(request, options, model.config()); !s) return s;
  // The values stay strings (min_mapq too): they are in the resume key of the runs already kept.
  if (auto s = make_run_record(model, "batch", options, nlohmann::json(items.parameters()), request.input, run); !s) return s;
  items.expect_content(run.source->sha256);
  return {};
}

}  // namespace dnafill::core
