// The training corpus: position split, N handling, deterministic windows, read-ahead.
#include <catch2/catch.hpp>

#include <algorithm>

#include "core/corpus.h"
#include "test_util.h"

using namespace dnafill::core;
using dnafill::test::temp_dir;
using dnafill::test::write_fasta;

TEST_CASE("without --valid, the last fraction of each record is held out", "[corpus]") {
  temp_dir dir;
  corpus_options o;
  o.train_files = {write_fasta(dir.file("a.fa"), "a", dnafill::test::markov_bases(1000, 1))};
  o.window = 64;
  training_corpus c;
  REQUIRE(training_corpus::load(o, c));
  REQUIRE(c.train().size() == 1);
  REQUIRE(c.valid().size() == 1);
  CHECK(c.train()[0].tokens.size() == 900);
  CHECK(c.valid()[0].start == 900);
  CHECK(c.valid()[0].tokens.size() == 100);
  CHECK(c.train_bases() == 900);
}

TEST_CASE("windows are a pure function of (seed, step), read ahead in order", "[corpus]") {
  temp_dir dir;
  corpus_options o;
  o.train_files = {write_fasta(dir.file("a.fa"), "a", dnafill::test::markov_bases(5000, 2))};
  o.window = 128;
  training_corpus c;
  REQUIRE(training_corpus::load(o, c));
  CHECK(c.sample_batch(4, 9, 3, true) == c.sample_batch(4, 9, 3, true));
  CHECK(c.sample_batch(4, 9, 3, true) != c.sample_batch(4, 9, 4, true));
  batch_prefetcher ahead(c, 4, 9, true, 2);
  for (std::uint64_t step = 2; step < 12; ++step) CHECK(ahead.next() == c.sample_batch(4, 9, step, true));
}

TEST_CASE("windows that are mostly N are never drawn, N enters as MASK", "[corpus]") {
  temp_dir dir;
  const std::string bases = std::string(3000, 'N') + dnafill::test::markov_bases(200, 3) + std::string(3000, 'N');
  corpus_options o;
  o.train_files = {write_fasta(dir.file("n.fa"), "n", bases)};
  o.valid_fraction = 0;
  o.window = 100;
  training_corpus c;
  REQUIRE(training_corpus::load(o, c));
  const auto batch = c.sample_batch(64, 1, 0, false);
  const auto source = encode(bases);  // N is MASK
  int rows_with_mask = 0;
  for (int row = 0; row < 64; ++row) {
    const auto first = batch.begin() + row * 100;
    CHECK(std::count_if(first, first + 100, is_base) >= 50);
    // Each row is a window of the record as it is, its Ns as MASK.
    CHECK(std::search(source.begin(), source.end(), first, first + 100) != source.end());
    rows_with_mask += std::count(first, first + 100, mask_token) > 0;
  }
  CHECK(rows_with_mask > 0);  // windows at the edges of the 200 bases reach into the Ns
}

TEST_CASE("a corpus without a usable window is refused with a message", "[corpus]") {
  temp_dir dir;
  corpus_options o;
  o.train_files = {write_fasta(dir.file("short.fa"), "short", "ACGTACG" + std::string(30, 'N'))};
  o.window = 16;
  training_corpus c;
  const auto s = training_corpus::load(o, c);
  REQUIRE_FALSE(s);
  CHECK_THAT(s.message(), Catch::Contains("no usable training window"));
}

TEST_CASE("a missing training file is refused naming the file", "[corpus]") {
  corpus_options o;
  o.window = 64;
  o.train_files = {"/nonexistent/x.fa"};
  training_corpus c;
  const auto s = training_corpus::load(o, c);
  REQUIRE_FALSE(s);
  CHECK_THAT(s.message(), Catch::Contains("/nonexistent/x.fa"));
}

TEST_CASE("records a labels TSV names that no training file holds are listed, in TSV order", "[corpus]") {
  temp_dir dir;
  corpus_options o;
  o.train_files = {write_fasta(dir.file("a.fa"), "a", dnafill::test::markov_bases(1000, 1))};
  o.window = 64;
  REQUIRE(parse_label_rules(dir.write("labels.tsv", "chrZ\thuman\na\thuman\nb\tecoli\n"), o.labels));
  training_corpus c;
  // "ecoli" labels no training base: refused as before, whatever the unmatched lines.
  CHECK_THAT(training_corpus::load(o, c).message(), Catch::Contains("no training base has the label 'ecoli'"));
  o.labels = {};
  REQUIRE(parse_label_rules(dir.write("labels.tsv", "chrZ\thuman\na\thuman\nb\thuman\n"), o.labels));
  REQUIRE(training_corpus::load(o, c));
  CHECK(c.unmatched_labelled() == std::vector<std::string>{"chrZ", "b"});
}
