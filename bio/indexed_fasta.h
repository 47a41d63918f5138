// Random access to a FASTA file through its faidx index (PATH.fai, plus PATH.gzi when bgzipped).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "bio/region.h"
#include "bio/status.h"

namespace dnafill::bio {

// Owns its htslib faidx handle. Not thread-safe (htslib's faidx keeps a file position); one object
// per thread. Fetched bases keep the file's case.
class indexed_fasta {
 public:
  indexed_fasta();
  ~indexed_fasta();
  indexed_fasta(const indexed_fasta&) = delete;
  indexed_fasta& operator=(const indexed_fasta&) = delete;

  // Opens `path` with its index. A missing or out-of-date index is built next to the file when the
  // folder is writable. Fails when no index can be had (plain gzip, read-only folder, a file faidx
  // cannot index such as one with uneven line lengths or FASTQ): callers then read the file
  // sequentially, as sequence_source does.
  status open(const std::string& path);

  // Length of a contig, -1 when the index has no such name.
  std::int64_t contig_length(std::string_view name) const;
  std::vector<std::string> contig_names() const;
  // A record's place in the file (0 for the first) and the file's count of records, known when open
  // checked every record against the file (indexes of up to 10,000 records); -1 otherwise, and for a
  // name the index does not hold. A caller that numbers records as a reading of the whole file
  // would (infill's seeds) reads the file through on -1.
  std::int64_t record_number(std::string_view name) const;
  std::int64_t record_count() const;

  // Parses `text` against the index's contigs (parse_region with lookup): its errors unprefixed, for
  // the caller to name the file or option.
  status parse(std::string_view text, region& parsed) const;
  // parse, then fetch; errors name the file.
  status fetch(std::string_view text, region& parsed, std::string& bases);
  // Fetches an already checked region (end resolved). Errors: unknown contig, read failure, bytes
  // in the file that are not IUPAC codes ("PATH: record 'NAME': ...").
  status fetch(const region& r, std::string& bases);

 private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

}  // namespace dnafill::bio
