// Checks of a BAM's .bai or .csi and a CRAM's .crai against their file before htslib loads them: htslib
// 1.16 crashes on some damaged indexes and takes many others, and indexes of another file, as ones
// that find other reads, or none, without a word. Private to bio/ (alignment_reader.cpp).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace dnafill::bio::detail {

// What does not fit between `index` (a .bai, or a .csi by its name) and `bam` ("truncated",
// "reference 0: a chunk outside the BAM file", ...), or an empty string. `lengths` are the BAM
// header's reference lengths, `bam_bytes` the BAM's size.
std::string bam_index_problem(const std::string& index, const std::string& bam, const std::vector<std::int64_t>& lengths,
                              std::uint64_t bam_bytes);

// The same for a CRAM's .crai ("line 3: a slice outside the CRAM file", "line 1: no CRAM container
// starts at byte 479", ...); `cram` is read where the .crai places some of its containers.
std::string crai_problem(const std::string& crai, const std::string& cram, const std::vector<std::int64_t>& lengths,
                         std::uint64_t cram_bytes);

}  // namespace dnafill::bio::detail
