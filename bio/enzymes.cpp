// Restriction enzyme table (recognition sites as listed by REBASE) and lookup by name.
#include "bio/enzymes.h"

#include <algorithm>
#include <cstdint>

#include "bio/motif.h"
#include "bio/sequence.h"

namespace dnafill::bio {
namespace {

char lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

bool same_name(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (lower(a[i]) != lower(b[i])) return false;
  }
  return true;
}

bool name_less(const restriction_enzyme& a, const restriction_enzyme& b) {
  return std::lexicographical_compare(a.name.begin(), a.name.end(), b.name.begin(), b.name.end(),
                                      [](char x, char y) { return lower(x) < lower(y); });
}

std::vector<restriction_enzyme> make_table() {
  std::vector<restriction_enzyme> t = {
      // Type II, palindromic 6-8 cutters used in cloning.
      {"AatII", "GACGTC", false},   {"Acc65I", "GGTACC", false},  {"AflII", "CTTAAG", false},
      {"AgeI", "ACCGGT", false},    {"ApaI", "GGGCCC", false},    {"ApaLI", "GTGCAC", false},
      {"AscI", "GGCGCGCC", false},  {"AsiSI", "GCGATCGC", false}, {"AvrII", "CCTAGG", false},
      {"BamHI", "GGATCC", false},   {"BclI", "TGATCA", false},    {"BglII", "AGATCT", false},
      {"BsiWI", "CGTACG", false},   {"BspHI", "TCATGA", false},   {"BsrGI", "TGTACA", false},
      {"ClaI", "ATCGAT", false},    {"DraI", "TTTAAA", false},    {"EagI", "CGGCCG", false},
      {"EcoRI", "GAATTC", false},   {"EcoRV", "GATATC", false},   {"FseI", "GGCCGGCC", false},
      {"HindIII", "AAGCTT", false}, {"HpaI", "GTTAAC", false},    {"KasI", "GGCGCC", false},
      {"KpnI", "GGTACC", false},    {"MfeI", "CAATTG", false},    {"MluI", "ACGCGT", false},
      {"NarI", "GGCGCC", false},    {"NcoI", "CCATGG", false},    {"NdeI", "CATATG", false},
      {"NheI", "GCTAGC", false},    {"NotI", "GCGGCCGC", false},  {"NruI", "TCGCGA", false},
      {"NsiI", "ATGCAT", false},    {"PacI", "TTAATTAA", false},  {"PciI", "ACATGT", false},
      {"PmeI", "GTTTAAAC", false},  {"PstI", "CTGCAG", false},    {"PvuI", "CGATCG", false},
      {"PvuII", "CAGCTG", false},   {"SacI", "GAGCTC", false},    {"SacII", "CCGCGG", false},
      {"SalI", "GTCGAC", false},    {"SbfI", "CCTGCAGG", false},  {"ScaI", "AGTACT", false},
      {"SmaI", "CCCGGG", false},    {"SnaBI", "TACGTA", false},   {"SpeI", "ACTAGT", false},
      {"SphI", "GCATGC", false},    {"StuI", "AGGCCT", false},    {"SwaI", "ATTTAAAT", false},
      {"XbaI", "TCTAGA", false},    {"XhoI", "CTCGAG", false},    {"XmaI", "CCCGGG", false},
      // Degenerate sites.
      {"AccI", "GTMKAC", false},    {"AvaI", "CYCGRG", false},    {"AvaII", "GGWCC", false},
      {"BglI", "GCCNNNNNGGC", false}, {"BstEII", "GGTNACC", false}, {"BstXI", "CCANNNNNNTGG", false},
      {"HincII", "GTYRAC", false},  {"SfiI", "GGCCNNNNNGGCC", false}, {"StyI", "CCWWGG", false},
      {"XmnI", "GAANNNNTTC", false},
      // Frequent 4-5 cutters.
      {"AluI", "AGCT", false},      {"DpnII", "GATC", false},     {"HaeIII", "GGCC", false},
      {"HhaI", "GCGC", false},      {"HinfI", "GANTC", false},    {"MboI", "GATC", false},
      {"MseI", "TTAA", false},      {"MspI", "CCGG", false},      {"NlaIII", "CATG", false},
      {"RsaI", "GTAC", false},      {"Sau3AI", "GATC", false},    {"TaqI", "TCGA", false},
      // Type IIS (Golden Gate and friends): the site is not palindromic, so both strands matter.
      {"AarI", "CACCTGC", true},    {"BbsI", "GAAGAC", true},     {"BpiI", "GAAGAC", true},
      {"BsaI", "GGTCTC", true},
      {"BsmAI", "GTCTC", true},     {"BsmBI", "CGTCTC", true},    {"BspMI", "ACCTGC", true},
      {"BspQI", "GCTCTTC", true},   {"BtgZI", "GCGATG", true},    {"Esp3I", "CGTCTC", true},
      {"MlyI", "GAGTC", true},      {"PaqCI", "CACCTGC", true},   {"SapI", "GCTCTTC", true},
  };
  std::sort(t.begin(), t.end(), name_less);
  return t;
}

}  // namespace

const std::vector<restriction_enzyme>& restriction_enzymes() {
  static const std::vector<restriction_enzyme> table = make_table();
  return table;
}

const restriction_enzyme* find_enzyme(std::string_view name) {
  for (const restriction_enzyme& e : restriction_enzymes()) {
    if (same_name(e.name, name)) return &e;
  }
  return nullptr;
}

namespace {

// Whether every sequence of the motif's length holds it on one strand or the other. Only motifs of
// ambiguity codes can (a concrete base fails a run of another one); up to 8 codes all 4^k sequences are
// tried, longer ones are taken for all N only.
bool matches_everywhere(const std::string& site) {
  if (site.find_first_of("ACGTU") != std::string::npos) return false;
  if (site.size() > 8) return site.find_first_not_of('N') == std::string::npos;
  std::string kmer(site.size(), 'A');
  for (std::uint32_t code = 0; code < (1u << (2 * site.size())); ++code) {
    for (std::size_t i = 0; i < site.size(); ++i) kmer[i] = "ACGT"[(code >> (2 * i)) & 3];
    if (!contains_motif(kmer, site, /*both_strands=*/true)) return false;
  }
  return true;
}

}  // namespace

status resolve_motif(std::string_view name_or_motif, std::string& site) {
  site.clear();
  if (const restriction_enzyme* e = find_enzyme(name_or_motif)) {
    site = std::string(e->site);
    return status();
  }
  if (!name_or_motif.empty() && check_motif(name_or_motif).ok()) {
    site = to_upper_bases(name_or_motif);
    // Found at every position (N, or R whose other strand is Y): no design avoids it; said now, not
    // after the whole run.
    if (matches_everywhere(site))
      return status::fail("'" + std::string(name_or_motif) + "' matches every sequence of " + std::to_string(site.size()) +
                          (site.size() == 1 ? " base" : " bases") +
                          (site.find_first_not_of('N') == std::string::npos ? "" : " on one strand or the other") +
                          ": no design can avoid it");
    return status();
  }
  return status::fail("'" + std::string(name_or_motif) + "' is neither a known enzyme nor an IUPAC motif");
}

}  // namespace dnafill::bio
