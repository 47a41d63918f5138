// Batch design of whole files: every masked region of every record of a FASTA/FASTQ/SAM/BAM/CRAM file
// is one item of a run_job (core/job.h), streamed one record at a time. Torch-free header.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "bio/mask.h"
#include "bio/sequence_source.h"
#include "bio/status.h"
#include "core/design.h"
#include "core/job.h"

namespace dnafill::core {

struct batch_request {
  std::string input;           // a file, not "-": it is read twice (count, then design) and known by its content
  std::string mask;            // lowercase | N | bed:FILE (BED: 0-based half-open, per record name)
  bio::source_options source;  // --primary, --min-mapq for SAM/BAM/CRAM
};

// The items of a batch. Each masked region of a record (a maximal run of lowercase letters or N, or a
// BED interval) is designed on its own, everything else of the record as read (other regions too),
// and the model sees only the region and up to a window of flank on each side: a chromosome costs no
// more than a read. Item (r, g) is region g of record r (0-based, in file order) and draws from seed
// derive_seed(derive_seed(seed, r), g): a resumed run makes exactly the designs an uninterrupted one does.
class batch_items : public item_source {
 public:
  // Call once. Checks the request and reads the whole file once: counts records and regions, checks every BED
  // interval against its record and that every BED record name occurs. Errors name the option or
  // the file, line and record.
  status open(const batch_request& request, const design_options& options, const model_config& config);

  bool next(job_item& item) override;
  const status& error() const override { return error_; }
  job_totals totals() const override { return totals_; }
  bool resumable() const override { return !changed_; }

  // What the run records besides the design options: the mask, and a BED mask's content hash.
  const std::map<std::string, std::string>& parameters() const { return parameters_; }

  // The input's SHA-256 as the run keeps it (core::make_run_record): a file touched under the run (its
  // time changed, its size and inode not) is hashed again, and read on when its content is this.
  void expect_content(const std::string& sha256) { content_sha256_ = sha256; }

 private:
  // What tells the file read apart from the one counted and hashed: a rewrite in place changes the
  // modification time, a replacement the inode, a cut the size.
  // The status change time too: an edit in place whose modification time was set back (touch -d,
  // cp -p, an editor that keeps it) still moves it, which no user can set.
  struct file_stamp {
    std::int64_t device = 0, inode = 0, size = 0, modified_ns = 0, status_changed_ns = 0;
    bool same_file_and_size(const file_stamp& o) const { return device == o.device && inode == o.inode && size == o.size; }
    bool operator==(const file_stamp& o) const {
      return same_file_and_size(o) && modified_ns == o.modified_ns && status_changed_ns == o.status_changed_ns;
    }
  };
  static bool stamp_of(const std::string& path, file_stamp& stamp);
  status count();
  bool input_changed();

  batch_request request_;
  std::uint64_t seed_ = 1;
  int variants_ = 1;
  std::int64_t window_ = 0;           // the blocks' window: a region's item holds its design_span
  bio::constraint_set constraints_;  // whose reach the item holds too (a repeat's 1,000 bases, a run)
  bio::hole_finder holes_;  // the regions of each record under --mask
  std::map<std::string, std::string> parameters_;
  job_totals totals_;
  file_stamp stamp_;  // of the input, before the count
  std::string content_sha256_;
  bool changed_ = false;

  bio::sequence_source source_;
  bio::sequence_record record_;
  std::vector<bio::interval> regions_;
  std::size_t next_region_ = 0;
  std::int64_t record_index_ = -1;
  status error_;
};

// A batch made ready to run, as `dnafill batch` and the studio's batch dialog both run it, so that the same
// request resumes the same run from either: the options checked against the model and its labels,
// `items` opened (the whole file read once) and `run` described, keyed by the input's content.
status prepare_batch(const mdm_model& model, const batch_request& request, const design_options& options,
                     batch_items& items, data::run_record& run);

}  // namespace dnafill::core
