// JSON as text for what dnafill writes (JSON lines, run parameters, reports). Record names and file
// paths come from the user's files and need not be UTF-8 (Latin-1 FASTA headers exist): their bad
// bytes become U+FFFD instead of nlohmann's exception, which would end the command mid-output.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

namespace dnafill::data {

inline std::string json_text(const nlohmann::json& j) {
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace dnafill::data
