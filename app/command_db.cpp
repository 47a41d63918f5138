// dnafill db list|show|export|migrate: read the runs and designs of a store (read-only), or upgrade it.
#include <CLI/CLI.hpp>

#include <cctype>
#include <cstdio>
#include <filesystem>
#include <memory>

#include "app/commands.h"
#include "app/common.h"
#include "app/design_cli.h"
#include "core/run_parameters.h"
#include "data/store.h"
#include "data/text_sinks.h"

namespace dnafill::app {
namespace {

struct db_args {
  std::string db, format = "fasta", out = "-";
  std::int64_t run = 0;  // show: the run; export: 0 = every run
};

std::string of_total(std::int64_t done, std::int64_t total) {
  return std::to_string(done) + "/" + (total < 0 ? std::string("?") : std::to_string(total));
}

std::string input_of(const data::run_record& r) { return r.source ? one_line(r.source->path) : "-"; }

status open_reader(const db_args& args, data::store& db) {
  return db.open(args.db, data::store_options::reader());
}

int list_runs(const db_args& args) {
  data::store db;
  if (auto s = open_reader(args, db); !s) return fail("db list", s.message());
  std::vector<data::run_record> runs;
  if (auto s = db.list_runs(runs); !s) return fail("db list", s.message());
  std::printf("%4s  %-8s  %-11s  %-11s  %-24s  %-24s  %s\n", "run", "kind", "status", "designs", "started", "finished",
              "input");
  for (const auto& r : runs)
    std::printf("%4lld  %-8s  %-11s  %-11s  %-24s  %-24s  %s\n", static_cast<long long>(r.id), r.kind.c_str(),
                data::run_status_name(r.status), of_total(r.designs_done, r.designs_total).c_str(), r.started_at.c_str(),
                r.finished_at.empty() ? "-" : r.finished_at.c_str(), input_of(r).c_str());
  if (runs.empty()) std::printf("(no runs in %s)\n", args.db.c_str());
  return 0;
}

void print_run(const data::run_record& r) {
  std::printf("run %lld: %s, %s\n", static_cast<long long>(r.id), r.kind.c_str(), data::run_status_name(r.status));
  std::printf("  started     %s\n", r.started_at.c_str());
  std::printf("  finished    %s\n", r.finished_at.empty() ? "-" : r.finished_at.c_str());
  if (r.resumes > 0) std::printf("  resumed     %lld time%s\n", static_cast<long long>(r.resumes), r.resumes == 1 ? "" : "s");
  std::printf("  model       %s (sha256 %s)\n", one_line(r.model.path).c_str(), r.model.sha256.c_str());
  if (r.source)
    std::printf("  input       %s (%lld bytes, sha256 %s)\n", input_of(r).c_str(),
                static_cast<long long>(r.source->size), r.source->sha256.c_str());
  std::printf("  seed        %llu\n", static_cast<unsigned long long>(r.seed));
  std::printf("  parameters  %s\n", r.parameters.c_str());
  std::printf("  regions     %s\n", of_total(r.items_done, r.items_total).c_str());
  std::printf("  designs     %s\n", of_total(r.designs_done, r.designs_total).c_str());
  if (!r.error.empty()) std::printf("  error       %s\n", one_line(r.error).c_str());
  if (r.status == data::run_status::interrupted)
    std::printf("  note        recorded as running, but no process is writing the store: it was killed%s\n",
                r.kind == "batch" ? "; the same batch command takes it up" : "");
}

int show_run(const db_args& args) {
  data::store db;
  if (auto s = open_reader(args, db); !s) return fail("db show", s.message());
  data::run_record run;
  bool found = false;
  if (auto s = db.find_run(args.run, run, found); !s) return fail("db show", s.message());
  if (!found) return fail("db show", args.db + ": no run " + std::to_string(args.run) + " (dnafill db list shows the runs)");
  print_run(run);
  std::vector<design_output> designs;
  if (auto s = db.for_each_design(args.run, [&](data::design_record& d) {
        designs.push_back({std::move(d), nullptr});
        return status();
      });
      !s)
    return fail("db show", s.message());
  std::printf("\n");
  print_design_table(designs);
  return 0;
}

// The input files and models the store's runs (or run `run`, when > 0) were made from, where they are
// now: an export written over one would destroy what the designs came from.
std::vector<named_path> recorded_files(data::store& db, std::int64_t run) {
  std::vector<data::run_record> runs;
  std::vector<named_path> files;
  bool found = true;  // one run is read alone
  const status read = run > 0 ? db.find_run(run, runs.emplace_back(), found) : db.list_runs(runs);
  if (!read || !found) return files;  // the export says why it cannot read them, or that there is no such run
  for (const auto& r : runs) {
    const std::string of_run = "run " + std::to_string(r.id) + "'s ";
    if (r.source) files.push_back({of_run + "input", r.source->path});
    files.push_back({of_run + "model", r.model.path});
    if (core::run_parameters p; core::read_run_parameters(r.parameters, p) && !p.reference.empty())
      files.push_back({of_run + "CRAM reference", p.reference});
  }
  return files;
}

int export_designs(const db_args& args) {
  if (args.format != "fasta" && args.format != "jsonl")
    return fail("db export", "--format: unknown value '" + args.format + "' (expected fasta|jsonl)");
  const auto extension = std::filesystem::path(args.out).extension().string();
  std::string lower = extension;
  for (auto& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (args.format == "jsonl" && (lower == ".gz" || lower == ".bgz"))  // a FASTA .gz is bgzipped; JSON lines are not
    return fail("db export", "--out " + args.out + ": JSON lines are written uncompressed: name the file without " +
                                 extension + ", or pipe --out - through gzip");
  const auto outputs = args.format == "fasta" ? fasta_output("--out", args.out) : std::vector<named_path>{{"--out", args.out, {}, bio::output_kind::json_lines}};
  if (auto s = check_paths(outputs, store_files("--db", args.db)); !s) return fail("db export", s.message());
  data::store db;
  if (auto s = open_reader(args, db); !s) return fail("db export", s.message());
  if (auto s = check_paths(outputs, recorded_files(db, args.run)); !s) return fail("db export", s.message());
  std::unique_ptr<data::design_sink> sink;
  if (args.format == "fasta") sink = std::make_unique<data::fasta_sink>(args.out);
  else sink = std::make_unique<data::jsonl_sink>(args.out);
  std::optional<std::int64_t> run;
  if (args.run > 0) run = args.run;
  if (auto s = data::export_designs(db, run, *sink); !s) return fail("db export", s.message());
  return 0;
}

int migrate(const db_args& args) {
  std::error_code ec;
  if (!std::filesystem::exists(args.db, ec))  // opening would create an empty store under a mistyped name
    return fail("db migrate", args.db + ": no such store (migrate upgrades an existing one)");
  if (std::filesystem::is_directory(args.db, ec)) return fail("db migrate", args.db + ": is a folder, not a store");
  if (std::filesystem::is_regular_file(args.db, ec) && std::filesystem::file_size(args.db, ec) == 0)
    return fail("db migrate", args.db + ": an empty file, not a store (migrate upgrades an existing one)");
  data::store db;
  const int to = data::store::current_schema_version();
  int from = 0;
  if (auto s = db.open(args.db); s) from = db.migrated_from();
  // A store already current needs no writing: one that may not be written says so, not a refusal.
  else if (data::store reader; reader.open(args.db, data::store_options::reader()) && reader.migrated_from() == to) from = to;
  else return fail("db migrate", s.message());
  if (from == 0) std::printf("%s: a new store (schema v%d)\n", args.db.c_str(), to);
  else if (from == to) std::printf("%s: store schema v%d, the current one: nothing to do\n", args.db.c_str(), to);
  else std::printf("%s: store schema v%d -> v%d\n", args.db.c_str(), from, to);
  return 0;
}

}  // namespace

command_runner add_db_command(CLI::App& cli) {
  auto args = std::make_shared<db_args>();
  auto* db = cli.add_subcommand("db", "Runs and designs of a store: list, show, export, migrate");
  db->require_subcommand(1);
  auto* list = db->add_subcommand("list", "One line per run: kind, status, designs, times, input");
  auto* show = db->add_subcommand("show", "One run: its parameters, model, input, and a table of its designs");
  auto* exp = db->add_subcommand("export", "Designs as FASTA (the designed regions) or JSON lines");
  auto* mig = db->add_subcommand("migrate", "Bring a store written by an older dnafill to the current schema");
  for (auto* sub : {list, show, exp, mig})
    sub->add_option("--db", args->db, "SQLite store")->required();
  check_range(show->add_option("run", args->run, "Run id (dnafill db list)")->required(), 1, 9e18);
  exp->add_option("--format", args->format, "fasta | jsonl")->capture_default_str();
  check_range(exp->add_option("--run", args->run, "Only this run; default (or 0): every run"), 0, 9e18);
  exp->add_option("--out", args->out, "Output file; default: stdout")->capture_default_str();
  return [args, list, show, exp] {
    if (list->parsed()) return list_runs(*args);
    if (show->parsed()) return show_run(*args);
    if (exp->parsed()) return export_designs(*args);
    return migrate(*args);
  };
}

}  // namespace dnafill::app
