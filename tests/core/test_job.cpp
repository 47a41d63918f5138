// The job's plain helpers the CLI and the studio share: progress text and fraction, durations, and
// the summary of how a job's designs met their constraints. Hand-computed cases.
#include <catch2/catch.hpp>

#include "core/job.h"

using namespace dnafill;

TEST_CASE("job progress: the fraction counts the item in hand by its windows", "[job]") {
  core::job_progress p;
  CHECK(core::fraction_done(p) == 0.0);  // nothing known yet
  p.totals = {10, 20, 80};               // 20 items of 4 designs
  p.designs_done = 24;
  p.item_fraction = 0.5;                 // half of the next item's 4 designs
  CHECK(core::fraction_done(p) == Approx((24 + 2) / 80.0));
  p.designs_done = 80;
  p.item_fraction = 1.0;
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
