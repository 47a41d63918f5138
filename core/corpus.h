// Training data: FASTA records as tokens, split by position into train and validation, sampled as
// random windows that are a pure function of (seed, step), read ahead on a worker thread.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <exception>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "bio/status.h"
#include "core/tokens.h"

namespace dnafill::core {

// Which label each training record carries (train --labels): record-name patterns (NAME=PATTERN, glob
// with * and ?) or a TSV of record<TAB>label. Records that match nothing carry no label.
struct label_rules {
  std::vector<std::string> names;                   // label i is names[i], in order of first mention
  std::vector<std::pair<std::string, int>> patterns;  // (glob, label), first match wins
  std::vector<std::pair<std::string, int>> records;   // (exact record name, label), from a TSV

  bool empty() const { return names.empty(); }
  int label_of(const std::string& record) const;  // -1: none
};

// --labels SPEC: a readable file is a TSV (record, label; '#' lines skipped), anything else
// "NAME=PATTERN[,NAME=PATTERN...]". Errors name the option, and the file line for a TSV.
status parse_label_rules(const std::string& spec, label_rules& out);

// A stretch of one record, as tokens (N and IUPAC codes are MASK).
struct corpus_segment {
  std::string record;
  std::int64_t start = 0;  // 0-based offset in the record
  std::vector<token> tokens;
  int label = -1;          // index into label_rules::names; -1 = none
};

struct corpus_options {
  std::vector<std::string> train_files;  // FASTA (plain, gzip, bgzip)
  std::string valid_file;                // optional; without it the last valid_fraction of each record
  double valid_fraction = 0.1;           // is held out
  int window = 0;                        // tokens per training window (train: 0 = the model's context)
  label_rules labels;                    // empty: no labels
};

// A window is usable when at least half of it is real bases: mostly-N windows teach nothing.
constexpr double min_real_fraction = 0.5;

class training_corpus {
 public:
  // Reads every file; fails with the reader's message, or when no window of `window` tokens is usable.
  static status load(const corpus_options& options, training_corpus& out);

  const std::vector<corpus_segment>& train() const { return train_; }
  const std::vector<corpus_segment>& valid() const { return valid_; }
  std::int64_t train_bases() const;  // real bases (not N) in the training split
  int window() const { return window_; }

  // `count` windows of window() tokens, row-major, for batch `step` of the stream `seed`; each is
  // reverse-complemented with probability 1/2 when `rc_augment`. `labels`, when given, gets each
  // window's record label (-1: none).
  std::vector<token> sample_batch(int count, std::uint64_t seed, std::uint64_t step, bool rc_augment,
                                  std::vector<int>* labels = nullptr) const;
  // The records a --labels TSV names that no training file holds (a typo, or a TSV for more genomes):
  // their labels are not trained. In TSV order.
  const std::vector<std::string>& unmatched_labelled() const { return unmatched_labelled_; }
  // Real bases of the training split per label (index as label_rules::names), for the training facts.
  std::vector<std::int64_t> label_bases(std::size_t labels) const;
  // A 64-bit FNV-1a hash of the training split (each segment's record, start, label and tokens): the
  // windows of (seed, step) are the same exactly when it is, so a resumed run checks it.
  std::uint64_t fingerprint() const;

 private:
  std::vector<corpus_segment> train_, valid_;
  std::vector<std::int64_t> usable_;  // per train segment: number of usable window starts
  std::vector<std::string> unmatched_labelled_;
  int window_ = 0;
};

// Evenly spaced, non-overlapping usable windows of `length` tokens from `segments`, at most `limit`:
// a fixed validation set. Windows may be shorter than `length` only if a segment is.
std::vector<std::vector<token>> tile_windows(const std::vector<corpus_segment>& segments, int length, int limit);

// Computes batches step, step+1, ... on a worker thread, `depth` ahead of the consumer.
// Batches come out in step order, identical to calling sample_batch in the loop. The destructor stops
// and joins the worker.
class batch_prefetcher {
 public:
  batch_prefetcher(const training_corpus& corpus, int batch, std::uint64_t seed, bool rc_augment,
                   std::uint64_t first_step, int depth = 4);
  ~batch_prefetcher();
  batch_prefetcher(const batch_prefetcher&) = delete;
  batch_prefetcher& operator=(const batch_prefetcher&) = delete;

  std::vector<token> next(std::vector<int>* labels = nullptr);

 private:
  void run();
  const training_corpus& corpus_;
  const int batch_;
  const std::uint64_t seed_;
  const bool rc_augment_;
  const std::size_t depth_;
  std::uint64_t next_step_;
  std::mutex mutex_;  // guards queue_ and stop_
  std::condition_variable changed_;
  std::deque<std::pair<std::vector<token>, std::vector<int>>> queue_;  // windows and their labels
  bool stop_ = false;
  std::exception_ptr failure_;  // what the worker threw (memory for a batch): next() throws it
  std::thread worker_;
};

}  // namespace dnafill::core
