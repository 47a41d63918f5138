// Reading a file into the studio's document, and probing it for the region chooser.
#include "ui/document.h"

#include <sys/stat.h>

#include <algorithm>
#include <cctype>
#include <functional>
#include <limits>

#include "bio/alignment_reader.h"
#include "bio/indexed_fasta.h"
#include "bio/sequence_source.h"

namespace dnafill::ui {
namespace {

bool fileExists(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode);
}

// A pipe or FIFO is read once, and the window reads a file twice (probe, then read) and again to
// re-open a run: it would wait for a writer that never comes.
status refuseStream(const std::string& path) {
  if (!bio::is_stream(path)) return {};
  struct stat st {};
  const bool device = ::stat(path.c_str(), &st) == 0 && (S_ISCHR(st.st_mode) || S_ISBLK(st.st_mode));
  return status::fail(path + (device ? ": a device, not a regular file: save what it gives to a file to open it here"
                                     : ": a pipe or FIFO, which can be read only once: save it to a file to open it here"));
}

}  // namespace

status probeFile(const std::string& path, FileProbe& out) {
  out = {};
  if (auto s = refuseStream(path); !s) return s;
  bio::sequence_source source;
  if (auto s = source.open(path); !s) return s;
  out.format = source.format_name();
  if (out.format == "FASTA/FASTQ") {
    // Only an index that is already there: opening a file must not write beside it.
    if (!fileExists(path + ".fai")) return {};
    bio::indexed_fasta fasta;
    if (!fasta.open(path)) return {};  // FASTQ, or an index faidx cannot use: read the file whole
    for (const auto& name : fasta.contig_names()) out.contigs.emplace_back(name, fasta.contig_length(name));
    out.indexed = !out.contigs.empty();
    return {};
  }
  bio::alignment_reader reader;
  if (auto s = reader.open(path); !s) return s;
  // An index that does not fit is said, not passed over: else the file would open whole, and the
  // region chooser be missing without a word.
  if (auto s = reader.index_problem(); !s) return s;
  out.indexed = reader.has_index();
  for (const auto& name : reader.contig_names()) out.contigs.emplace_back(name, reader.contig_length(name));
  if (out.contigs.empty()) out.indexed = false;  // unaligned reads: nothing to choose
  return {};
}

bio::source_options sourceOptions(const std::string& path, const std::string& cramReference) {
  bio::source_options options;
  if (!cramReference.empty() && bio::is_cram(path)) options.alignments.reference = cramReference;
  return options;
}

status readDocument(const std::string& path, const std::string& region, const ReadLimits& limits, Document& out,
                    const std::string& cramReference, const std::atomic<bool>* stop) {
  out = {};
  out.path = path;
  out.region = region;
  if (auto s = refuseStream(path); !s) return s;
  bio::sequence_source source;
  bio::source_options options = sourceOptions(path, cramReference);
  options.region = region;
  options.stop = stop;  // a record being read ends at its next line, not at its end
  if (auto s = source.open(path, options); !s) return s;
  out.format = source.format_name();
  bio::sequence_record record;
  std::int64_t bases = 0;
  while (source.next(record)) {
    if (stop && *stop) return status::fail(path + ": reading stopped");
    if (out.records.size() >= limits.maxRecords) {
      out.truncated = true;
      break;
    }
    bases += static_cast<std::int64_t>(record.bases.size());
    if (bases > limits.maxBases)
      return status::fail(path + ": more than " + std::to_string(limits.maxBases) +
                          " bases; open a region of it (an indexed file offers one) or use dnafill batch");
    const auto hash = std::hash<std::string>{}(record.bases);
    out.records.push_back({std::move(record.name), std::move(record.bases), {}, hash, std::move(record.comment), record.start});
  }
  if (!source.error()) return source.error();
  if (out.records.empty())
    return status::fail(path + (region.empty() ? std::string(": no sequence in the file") : ": no sequence in region " + region));
  return {};
}

std::int64_t firstPositionOf(std::int64_t start, std::size_t length) {
  return start + static_cast<std::int64_t>(length) < std::numeric_limits<int>::max() ? start + 1 : 1;
}

bool WorkingRecord::asRead() const { return readHash != 0 && std::hash<std::string>{}(bases) == readHash; }

std::vector<bio::interval> withHole(const std::vector<bio::interval>& masks, bio::interval hole, bool remove) {
  if (!remove) {
    auto all = masks;
    all.push_back(hole);
    return bio::merge_intervals(std::move(all));
  }
  std::vector<bio::interval> kept;
  for (const auto& m : masks) {
    if (m.end <= hole.start || m.start >= hole.end) {
      kept.push_back(m);
      continue;
    }
    if (m.start < hole.start) kept.push_back({m.start, hole.start});
    if (m.end > hole.end) kept.push_back({hole.end, m.end});
  }
  return bio::merge_intervals(std::move(kept));
}

std::int64_t countEdits(const std::string& reference, std::int64_t start, const std::string& bases) {
  std::int64_t edits = 0;
  for (std::size_t i = 0; i < bases.size(); ++i) {
    const auto at = static_cast<std::size_t>(start) + i;
    if (at >= reference.size()) {
      edits += static_cast<std::int64_t>(bases.size() - i);  // beyond the reference: all new
      break;
    }
    if (std::toupper(static_cast<unsigned char>(reference[at])) != std::toupper(static_cast<unsigned char>(bases[i])))
      ++edits;
  }
  return edits;
}

}  // namespace dnafill::ui
