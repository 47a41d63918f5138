// A table of common restriction enzymes and their recognition sites (IUPAC, 5'->3', top strand).
// Static data; thread-safe.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "bio/status.h"

namespace dnafill::bio {

struct restriction_enzyme {
  std::string_view name;  // as REBASE writes it: "EcoRI", "BsaI"
  std::string_view site;  // recognition sequence, IUPAC upper case
  bool type_iis;          // cuts outside its site (Golden Gate enzymes: BsaI, BsmBI, BbsI, SapI, ...)
};

// The whole table, sorted by name (case-insensitive). Isoschizomers are listed under each name.
const std::vector<restriction_enzyme>& restriction_enzymes();

// The enzyme of that name, case ignored ("ecori" finds EcoRI); nullptr when unknown.
const restriction_enzyme* find_enzyme(std::string_view name);

// An enzyme name or an IUPAC motif, as given to --avoid: sets `site` to the enzyme's site or to
// the motif upper-cased. Error: "'X' is neither a known enzyme nor an IUPAC motif".
status resolve_motif(std::string_view name_or_motif, std::string& site);

}  // namespace dnafill::bio
