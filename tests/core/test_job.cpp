// The job's plain helpers the CLI and the studio share: progress text and fraction, durations, the
// summary of how a job's designs met their constraints (hand-computed cases), a run's parameters read
// back; and a batch whose input file changes while it is read.
#include <catch2/catch.hpp>

#include <fcntl.h>
#include <sys/stat.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <functional>
#include <thread>

#include "core/batch.h"
#include "core/job.h"
#include "core/masking.h"
#include "core/model_config.h"
#include "core/run_parameters.h"
#include "data/sha256.h"
#include "core/tokens.h"
#include "test_util.h"

using namespace dnafill;

TEST_CASE("job progress: the fraction counts the item in hand by its windows", "[job]") {
  core::job_progress p;
  CHECK(core::fraction_done(p) == 0.0);  // nothing known yet
  p.totals = {10, 20, 80};               // 20 items of 4 designs
  p.designs_done = 24;
  p.item_fraction = 0.5;                 // half of the next item's 4 designs
  CHECK(core::fraction_done(p) == Approx((24 + 2) / 80.0));
  p.designs_done = 76;
  p.item_fraction = 1.0;                 // the last item's windows done, its designs not yet
  CHECK(core::fraction_done(p) == 0.999);  // a bar shows 99%, not 100%
  p.designs_done = 80;
  CHECK(core::fraction_done(p) == 1.0);  // clamped
}

TEST_CASE("job progress: one line with records, designs, rate and ETA", "[job]") {
  core::job_progress p;
  p.totals = {10, 20, 80};
  p.record_index = 2;
  p.designs_done = 24;
  CHECK(core::describe_progress(p) == "records 3/10  designs 24/80  ETA --");  // no time yet
  p.designs_resumed = 12;  // found done: they do not count for the rate
  p.seconds = 24.0;        // 12 made in 24 s: 0.5/s, 56 left: 112 s
  CHECK(core::describe_progress(p) == "records 3/10  designs 24/80 (12 resumed)  0.50/s  ETA 1m52s");
  p.record_index = 10;  // past the last record: shown as the last
  CHECK(core::describe_progress(p).rfind("records 10/10", 0) == 0);
}

TEST_CASE("job done: designs of regions in records, singular where one", "[job]") {
  core::job_progress p;
  p.totals = {12, 26, 52};
  p.designs_done = 52;
  p.designs_resumed = 52;
  CHECK(core::describe_done(p) == "52 designs of 26 regions in 12 records (52 found done)");
  p.totals = {1, 1, 1};
  p.designs_done = 1;
  p.designs_resumed = 0;
  CHECK(core::describe_done(p) == "1 design of 1 region in 1 record");
}

TEST_CASE("format_duration: seconds, minutes, hours", "[job]") {
  CHECK(core::format_duration(0) == "0s");
  CHECK(core::format_duration(59.4) == "59s");
  CHECK(core::format_duration(59.6) == "1m00s");
  CHECK(core::format_duration(185) == "3m05s");
  CHECK(core::format_duration(3600) == "1h00m");
  CHECK(core::format_duration(3725) == "1h02m");
}

TEST_CASE("constraint_summary: failures counted, the first one named from the store's report", "[job]") {
  data::design_record ok, bsa, bare;
  ok.record = bsa.record = bare.record = "chrA";
  bsa.variant = 2;
  bsa.constraints_ok = false;
  bsa.constraint_report =
      R"({"violations":[{"constraint":"avoid BsaI","position":310,"detail":"BsaI site at 310-315"}],"holes":[[301,400]]})";
  bare.variant = 3;
  bare.constraints_ok = false;  // a report without detail (or not JSON) still counts as failed
  bare.constraint_report = "not json";

  core::constraint_summary none;
  none.add(ok);
  CHECK(none.failed == 0);
  CHECK(none.first_failure.empty());
  CHECK(!none.all_failed());

  core::constraint_summary some;
  for (const auto* d : {&ok, &bsa, &bare}) some.add(*d);
  CHECK(some.designs == 3);
  CHECK(some.failed == 2);
  CHECK(some.first_failure == "chrA variant 2: avoid BsaI: BsaI site at 310-315");
  CHECK(!some.all_failed());

  core::constraint_summary all;
  all.add(bare);
  CHECK(all.all_failed());
  CHECK(all.first_failure == "chrA variant 3");
  CHECK(!core::constraint_summary{}.all_failed());  // no design: nothing failed
}

TEST_CASE("read_design_check reads back what design_to_record keeps, in record coordinates", "[job]") {
  // An item cut from its record at 100 (a batch piece), holes at 2-5 and 8-10 of the piece.
  const std::string piece = "ACGTACGTACGT";
  core::job_item item{{0, 0}, "chrA", piece, 100, {{2, 5}, {8, 10}}, 1};
  core::design d;  // as infill makes it with the item's offset: in record coordinates
  d.variant = 1;
  d.region_start = 102;
  d.region_end = 110;
  d.tokens = core::encode(piece.substr(2, 8));
  d.constraints_ok = false;
  d.violations = {{"avoid EcoRI", 103, "EcoRI site at 104-109"}, {"max-homopolymer", 108, "run of 5 at 109-113"}};
  const auto record = core::design_to_record(item, d);
  CHECK(record.region_start == 102);
  CHECK(record.region_end == 110);
  CHECK(record.sequence == "GTACGTAC");
  const auto check = core::read_design_check(record);
  REQUIRE(check.violations.size() == 2);
  CHECK(check.violations[0].constraint == "avoid EcoRI");
  CHECK(check.violations[0].position == 103);
  CHECK(check.violations[0].detail == "EcoRI site at 104-109");
  CHECK(check.violations[1].position == 108);
  REQUIRE(check.holes.size() == 2);
  CHECK(check.holes[0].start == 102);
  CHECK(check.holes[0].end == 105);
  CHECK(check.holes[1].start == 108);
  CHECK(check.holes[1].end == 110);

  data::design_record broken;
  broken.constraint_report = "[1, 2";  // not JSON: nothing, no exception
  CHECK(core::read_design_check(broken).violations.empty());
  broken.constraint_report = R"({"violations": "none", "holes": [[1], [2, "x"]]})";  // wrong shapes skipped
  CHECK(core::read_design_check(broken).violations.empty());
  CHECK(core::read_design_check(broken).holes.empty());
  broken.constraint_report = R"({"violations": [{"constraint": 5, "position": "x", "detail": null}]})";
  const auto odd = core::read_design_check(broken);  // no exception: the fields read as empty
  REQUIRE(odd.violations.size() == 1);
  CHECK(odd.violations[0].constraint.empty());
  CHECK(odd.violations[0].position == 0);
}

TEST_CASE("record_seed: the first record draws from the seed, each other one from its own", "[job]") {
  CHECK(core::record_seed(7, 0) == 7);
  CHECK(core::record_seed(7, 1) == core::derive_seed(7, 1));
  CHECK(core::record_seed(7, 1) != 7);
  CHECK(core::record_seed(7, 1) != core::record_seed(7, 2));
  CHECK(core::record_seed(7, 1) != core::record_seed(8, 1));
}

TEST_CASE("run parameters: an infill run's, as the store keeps them, read back", "[job]") {
  // What `dnafill infill --mask lowercase --sampler ancestral --steps 8 --top-p 0.9 --temperature 0.8
  // --seed 7 --avoid EcoRI --gc 0.3-0.6 --guidance 1.5 --rc-ensemble --db r.sqlite` recorded.
  const std::string kept =
      R"({"cache":true,"confidence":"max-prob","constrained_draws":2,"constraints":["avoid EcoRI","gc 30-60%","unfilled"],)"
      R"("gc_target":-1.0,"gc_weight":10.0,"guidance":1.5,"label":"","mask":"lowercase","num":1,"overlap":-1,"precision":"fp64",)"
      R"("rc_ensemble":true,"region":"","sampler":"ancestral","schedule":"linear","score_draws":2,"seed":7,"steps":8,"stride":0,)"
      R"("temperature":0.8,"top_p":0.9,"window":0})";
  core::run_parameters p;
  REQUIRE(core::read_run_parameters(kept, p));
  CHECK(p.sampler == "ancestral");
  CHECK(p.steps == 8);
  CHECK(p.temperature == 0.8);
  CHECK(p.top_p == 0.9);
  CHECK(p.guidance == 1.5);
  CHECK(p.rc_ensemble);
  CHECK(p.seed == std::uint64_t{7});
  CHECK(p.constraints == std::vector<std::string>{"avoid EcoRI", "gc 30-60%", "unfilled"});
  CHECK(p.mask == "lowercase");
  CHECK(p.region.empty());
  CHECK_FALSE(p.length);
  CHECK(p.holes.empty());
}

TEST_CASE("run parameters: generate's and the studio's keys written and read back", "[job]") {
  core::run_parameters p;
  REQUIRE(core::read_run_parameters(core::generate_parameters(5000, "new").dump(), p));
  CHECK(p.length == 5000);
  const std::vector<bio::interval> holes = {{200, 300}, {650, 770}};
  CHECK(core::format_holes(holes) == "201-300,651-770");
  const auto studio = core::studio_design_parameters("chr1", holes, "chr1:1001-2000");
  CHECK(studio.dump() == R"({"holes":"201-300,651-770","read_region":"chr1:1001-2000","record":"chr1","studio":true})");
  REQUIRE(core::read_run_parameters(studio.dump(), p));
  CHECK(p.record == "chr1");
  CHECK(p.holes == holes);
  CHECK(p.read_region == "chr1:1001-2000");
  CHECK_FALSE(p.length);
  // A whole file read: no read_region key.
  CHECK_FALSE(core::studio_design_parameters("chr1", holes, "").contains("read_region"));
}

TEST_CASE("run parameters: older stores, other types and bad holes", "[job]") {
  core::run_parameters p;
  // generate's length was a string before 2026-12-02; the first-hit sampler records null steps.
  REQUIRE(core::read_run_parameters(R"({"length":"5000","sampler":"first-hit","steps":null})", p));
  CHECK(p.length == 5000);
  CHECK_FALSE(p.steps);
  // A value of another type is absent, and the defaults stand (a store edited by hand).
  REQUIRE(core::read_run_parameters(R"({"temperature":"hot","seed":-3,"rc_ensemble":"yes","constraints":"gc","length":"5k"})", p));
  CHECK(p.temperature == 1.0);
  CHECK_FALSE(p.seed);
  CHECK_FALSE(p.rc_ensemble);
  CHECK(p.constraints.empty());
  CHECK_FALSE(p.length);
  // Holes that do not read as 1-based inclusive ranges are none; the record stays.
  for (const char* bad : {"", "0-5", "9-3", "5", "1-5,", "1-5,x-9", "-5", "1-5-9", "+1-5"}) {
    INFO(bad);
    REQUIRE(core::read_run_parameters(nlohmann::json{{"record", "r"}, {"holes", bad}}.dump(), p));
    CHECK(p.holes.empty());
    CHECK(p.record == "r");
  }
  REQUIRE(core::read_run_parameters(R"({"holes":"5-5"})", p));
  CHECK(p.holes == std::vector<bio::interval>{{4, 5}});
  // Not an object: false, and nothing read.
  for (const char* bad : {"not json", "[1,2]", "7", ""}) {
    INFO(bad);
    CHECK_FALSE(core::read_run_parameters(bad, p));
    CHECK(p.sampler.empty());
  }
}

TEST_CASE("batch: a file changed under the design pass ends it with an error naming the file", "[job]") {
  test::temp_dir dir;
  const auto path = dir.file("in.fa");
  auto write = [&](const std::string& first_bases) {
    std::ofstream(path) << ">r1\n" << first_bases << "\n>r2\nACGTacgtACGT\n>r3\nACGTacgtACGT\n";
  };
  core::model_config config;
  REQUIRE(core::preset_config("tiny", config));
  bool resumable = true;
  auto first_item_then = [&](const std::function<void()>& change, int& items_read) {
    write("ACGTacgtACGT");
    core::batch_items items;
    REQUIRE(items.open({path, "lowercase", {}}, core::design_options{}, config));
    core::job_item item;
    REQUIRE(items.next(item));
    change();
    for (items_read = 1; items.next(item);) ++items_read;
    resumable = items.resumable();  // the same command resumes the run only on the file it counted
    return items.error();
  };
  int read = 0;
  CHECK(first_item_then([] {}, read));
  CHECK(read == 3);
  CHECK(resumable);
  // Rewritten in place, the same size: only the time tells (set ahead, as a write within the clock's
  // resolution could leave it as it was).
  const auto rewritten = first_item_then(
      [&] {
        write("TTTTacgtTTTT");
        const timespec times[2] = {{0, UTIME_OMIT}, {std::time(nullptr) + 10, 0}};
        REQUIRE(utimensat(AT_FDCWD, path.c_str(), times, 0) == 0);
      },
      read);
  CHECK(read == 1);
  CHECK_FALSE(resumable);
  CHECK(rewritten.message() == "--in: " + path +
                                   " changed while the batch read it (its size, time or inode is not what it was when "
                                   "counted); the same command on the file as it is now makes a new run");
  // Rewritten in place, the same size, its modification time set back as it was (cp -p, touch -d):
  // the status change time, which no one can set, still moves. After a pause longer than the
  // kernel's coarse clock tick, so that it can.
  const auto hidden = first_item_then(
      [&] {
        struct stat before {};
        REQUIRE(::stat(path.c_str(), &before) == 0);
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
        write("GGGGacgtGGGG");
        const timespec times[2] = {{0, UTIME_OMIT}, before.st_mtim};
        REQUIRE(utimensat(AT_FDCWD, path.c_str(), times, 0) == 0);
      },
      read);
  CHECK(read == 1);
  CHECK_THAT(hidden.message(), Catch::Contains("changed while the batch read it"));
  // Touched (its time changed, its content not): with the content known, hashed again and read on.
  const auto touch = [&] {
    const timespec times[2] = {{0, UTIME_OMIT}, {std::time(nullptr) + 20, 0}};
    REQUIRE(utimensat(AT_FDCWD, path.c_str(), times, 0) == 0);
  };
  write("ACGTacgtACGT");
  std::string content;
  std::int64_t size = 0;
  REQUIRE(data::sha256_file(path, content, size));
  {
    core::batch_items items;
    REQUIRE(items.open({path, "lowercase", {}}, core::design_options{}, config));
    items.expect_content(content);
    core::job_item item;
    REQUIRE(items.next(item));
    touch();
    int n = 1;
    while (items.next(item)) ++n;
    CHECK(n == 3);
    CHECK(items.error());
    CHECK(items.resumable());
  }
  CHECK_FALSE(first_item_then(touch, read));  // unknown content: a changed time is a change
  // Cut short: the records after the cut are not silently missing.
  const auto cut = first_item_then([&] { std::filesystem::resize_file(path, 20); }, read);
  CHECK(read == 1);
  CHECK_THAT(cut.message(), Catch::Contains("changed while the batch read it"));
}

// A batch item is the part of its record a design of the region reads (core::design_span), as infill
// of the whole record cuts it: one window each side was too little for the repeat rule's 1,000 bases.
TEST_CASE("batch: an item holds what a design of its region reads, the rules' reach included", "[job]") {
  test::temp_dir dir;
  std::string bases(5000, 'A');
  std::uint64_t x = 7;
  for (auto& b : bases) b = "ACGT"[(x = x * 6364136223846793005ULL + 1442695040888963407ULL) >> 62];
  for (int i = 2500; i < 2540; ++i) bases[i] = static_cast<char>(std::tolower(static_cast<unsigned char>(bases[i])));
  const auto path = dir.file("in.fa");
  std::ofstream(path) << ">r\n" << bases << "\n";
  core::model_config config;
  REQUIRE(core::preset_config("tiny", config));
  core::design_options options;
  for (const int repeat_k : {0, 12}) {
    INFO("repeat_k " << repeat_k);
    options.constraints.repeat_k = repeat_k;
    core::batch_items items;
    REQUIRE(items.open({path, "lowercase", {}}, options, config));
    core::job_item item;
    REQUIRE(items.next(item));
    const auto span = core::design_span(bases, {{2500, 2540}}, config.context_length, options.constraints);
    CHECK(item.offset == span.start);
    CHECK(item.bases == std::string_view(bases).substr(span.start, span.end - span.start));
    REQUIRE(item.holes.size() == 1);
    CHECK(item.holes[0].start == 2500 - span.start);
    CHECK(item.holes[0].end == 2540 - span.start);
    // A window each side without rules; the repeat rule's 1,000 bases and a k-mer with it.
    const std::int64_t reach = repeat_k == 0 ? config.context_length : 1012;
    CHECK(span.start <= 2500 - reach);
    CHECK(span.end >= 2540 + reach);
  }
}
