// Training corpus: FASTA -> token segments, position split, deterministic window sampling, read-ahead.
#include "core/corpus.h"

#include <fnmatch.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <random>
#include <sstream>
#include <string_view>

#include "bio/fasta.h"
#include "core/masking.h"
#include "core/model_config.h"

namespace dnafill::core {
namespace {

int min_real(int window) { return static_cast<int>(std::ceil(min_real_fraction * window)); }

int label_index(label_rules& rules, const std::string& name) {
  auto it = std::find(rules.names.begin(), rules.names.end(), name);
  if (it != rules.names.end()) return static_cast<int>(it - rules.names.begin());
  rules.names.push_back(name);
  return static_cast<int>(rules.names.size()) - 1;
}

// Whether `text` is well-formed UTF-8: no stray or missing continuation byte, no overlong form, no
// surrogate, nothing past U+10FFFF (what a JSON writer takes).
bool is_utf8(std::string_view text) {
  for (std::size_t i = 0; i < text.size();) {
    const auto lead = static_cast<unsigned char>(text[i]);
    if (lead < 0x80) {
      ++i;
      continue;
    }
    const int extra = lead >= 0xc2 && lead <= 0xdf ? 1 : lead >= 0xe0 && lead <= 0xef ? 2 : lead >= 0xf0 && lead <= 0xf4 ? 3 : 0;
    if (extra == 0 || text.size() - i <= static_cast<std::size_t>(extra)) return false;
    std::uint32_t code = lead & (0x3f >> extra);
    for (int k = 1; k <= extra; ++k) {
      const auto next = static_cast<unsigned char>(text[i + k]);
      if ((next & 0xc0) != 0x80) return false;
      code = code << 6 | (next & 0x3f);
    }
    const std::uint32_t least[] = {0, 0x80, 0x800, 0x10000};
    if (code < least[extra] || code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff)) return false;
    i += extra + 1;
  }
  return true;
}

// A label is typed back as --label NAME, shown in messages and by info, and written into the
// checkpoint's JSON: one word of UTF-8, no control byte.
bool good_label_name(const std::string& name) {
  return !name.empty() && name.find_first_of(" \t,=|\"") == std::string::npos &&
         std::none_of(name.begin(), name.end(), [](char c) { return static_cast<unsigned char>(c) < 0x20 || c == 0x7f; }) &&
         is_utf8(name);
}

status read_label_tsv(const std::string& path, std::istream& in, label_rules& out) {
  std::string line;
  std::map<std::string, std::pair<std::string, int>> seen;  // record -> (label, line)
  for (int number = 1; std::getline(in, line); ++number) {
    if (line.empty() || line[0] == '#') continue;
    std::istringstream fields(line);
    std::string record, label, extra;
    if (!(fields >> record >> label) || (fields >> extra) || !good_label_name(label))
      return status::fail("--labels: " + path + ": line " + std::to_string(number) +
                          ": expected 'record<TAB>label' (a label is one word of UTF-8 without , = | quotes or control bytes)");
    // A record listed twice under two labels would be trained under the first only, without a word.
    const auto [it, first] = seen.emplace(record, std::make_pair(label, number));
    if (!first && it->second.first != label)
      return status::fail("--labels: " + path + ": line " + std::to_string(number) + ": record '" + printable(record) +
                          "' is labelled '" + label + "', and '" + it->second.first + "' at line " +
                          std::to_string(it->second.second) + ": a record takes one label");
    if (first) out.records.emplace_back(record, label_index(out, label));
  }
  if (out.records.empty()) return status::fail("--labels: " + path + ": no record<TAB>label line");
  if (static_cast<int>(out.names.size()) > max_labels)
    return status::fail("--labels: " + path + ": at most " + std::to_string(max_labels) + " labels, found " +
                        std::to_string(out.names.size()));
  return {};
}

// Calls `add(name, tokens)` for every record of `path`.
template <typename Add>
status read_records(const std::string& path, Add add) {
  return bio::for_each_record(path, [&](bio::sequence_record& r) { add(r.name, encode(r.bases)); });
}

// Number of window starts in `tokens` whose window holds at least min_real bases (sliding count).
std::int64_t count_usable(const std::vector<token>& tokens, int window) {
  const auto n = static_cast<std::int64_t>(tokens.size());
  if (n < window) return 0;
  std::int64_t usable = 0, real = 0;
  for (std::int64_t i = 0; i < n; ++i) {
    real += is_base(tokens[i]);
    if (i >= window) real -= is_base(tokens[i - window]);
    if (i >= window - 1 && real >= min_real(window)) ++usable;
  }
  return usable;
}

bool is_usable(const token* start, int window) {
  return std::count_if(start, start + window, is_base) >= min_real(window);
}

}  // namespace

int label_rules::label_of(const std::string& record) const {
  for (const auto& [name, label] : records)
    if (name == record) return label;
  for (const auto& [pattern, label] : patterns)
    if (fnmatch(pattern.c_str(), record.c_str(), 0) == 0) return label;
  return -1;
}

status parse_label_rules(const std::string& spec, label_rules& out) {
  out = label_rules{};
  if (spec.empty()) return {};
  if (spec.find('=') == std::string::npos) {
    std::error_code ec;
    if (std::filesystem::is_directory(spec, ec)) return status::fail("--labels: " + spec + " is a folder, not a TSV file");
    // Opened once: a FIFO (--labels <(...)) holds its lines for one reader only.
    if (std::ifstream in(spec); in) return read_label_tsv(spec, in, out);
    return status::fail("--labels: '" + spec + "' is neither a readable TSV file nor NAME=PATTERN[,NAME=PATTERN...]");
  }
  std::size_t from = 0;
  while (from <= spec.size()) {
    const auto to = std::min(spec.find(',', from), spec.size());
    const auto item = spec.substr(from, to - from);
    const auto eq = item.find('=');
    if (eq == std::string::npos || eq + 1 == item.size() || !good_label_name(item.substr(0, eq)))
      return status::fail("--labels: bad item '" + printable(item) +
                          "' (expected NAME=PATTERN, e.g. human=chr*; a NAME is one word of UTF-8 without , = | quotes or control bytes)");
    out.patterns.emplace_back(item.substr(eq + 1), label_index(out, item.substr(0, eq)));
    from = to + 1;
  }
  if (static_cast<int>(out.names.size()) > max_labels)
    return status::fail("--labels: at most " + std::to_string(max_labels) + " labels");
  return {};
}

status training_corpus::load(const corpus_options& options, training_corpus& out) {
  if (options.train_files.empty()) return status::fail("--train: no training file given");
  if (options.window <= 0) return status::fail("--seq-len: must be positive");
  if (options.valid_file.empty() && !(options.valid_fraction >= 0.0 && options.valid_fraction < 1.0))
    return status::fail("--valid-fraction: must be in [0, 1)");
  training_corpus corpus;
  corpus.window_ = options.window;
  for (const auto& path : options.train_files) {
    auto s = read_records(path, [&](const std::string& name, std::vector<token> tokens) {
      const auto n = static_cast<std::int64_t>(tokens.size());
      const auto split = options.valid_file.empty()
                             ? static_cast<std::int64_t>(std::floor(n * (1.0 - options.valid_fraction)))
                             : n;
      const int label = options.labels.label_of(name);
      if (split < n) corpus.valid_.push_back({name, split, std::vector<token>(tokens.begin() + split, tokens.end()), label});
      tokens.resize(split);
      corpus.train_.push_back({name, 0, std::move(tokens), label});
    });
    if (!s) return s;
  }
  if (!options.valid_file.empty()) {
    auto s = read_records(options.valid_file, [&](const std::string& name, std::vector<token> tokens) {
      corpus.valid_.push_back({name, 0, std::move(tokens)});
    });
    if (!s) return s;
  }
  std::int64_t total = 0;
  for (const auto& segment : corpus.train_) {
    corpus.usable_.push_back(count_usable(segment.tokens, options.window));
    total += corpus.usable_.back();
  }
  std::set<std::string> names;
  for (const auto& segment : corpus.train_) names.insert(segment.record);
  for (const auto& [record, label] : options.labels.records)
    if (!names.count(record)) corpus.unmatched_labelled_.push_back(record);
  if (!options.labels.empty() &&
      std::none_of(corpus.train_.begin(), corpus.train_.end(), [](const corpus_segment& s) { return s.label >= 0; }))
    return status::fail("--labels: no training record matches any label");
  // A label without training bases would enter the network untrained, and --label would steer
  // designs by noise.
  const auto bases = corpus.label_bases(options.labels.names.size());
  for (std::size_t i = 0; i < bases.size(); ++i)
    if (bases[i] == 0)
      return status::fail("--labels: no training base has the label '" + printable(options.labels.names[i]) +
                          "' (no training record matches it, or only in its held-out part)");
  if (total == 0)
    return status::fail(options.train_files.front() + ": no usable training window: no record has " +
                        std::to_string(options.window) + " bases (at least half of them not N) in its training part");
  out = std::move(corpus);
  return {};
}

std::int64_t training_corpus::train_bases() const {
  std::int64_t n = 0;
  for (const auto& s : train_) n += std::count_if(s.tokens.begin(), s.tokens.end(), is_base);
  return n;
}

std::vector<std::int64_t> training_corpus::label_bases(std::size_t labels) const {
  std::vector<std::int64_t> bases(labels, 0);
  for (const auto& s : train_)
    if (s.label >= 0 && static_cast<std::size_t>(s.label) < labels)
      bases[s.label] += std::count_if(s.tokens.begin(), s.tokens.end(), is_base);
  return bases;
}

std::uint64_t training_corpus::fingerprint() const {
  std::uint64_t hash = 0xcbf29ce484222325ULL;
  const auto add = [&hash](const void* data, std::size_t bytes) {
    for (std::size_t i = 0; i < bytes; ++i) hash = (hash ^ static_cast<const unsigned char*>(data)[i]) * 0x100000001b3ULL;
  };
  for (const auto& s : train_) {
    add(s.record.data(), s.record.size() + 1);  // with its terminating zero: "ab"+"c" is not "a"+"bc"
    add(&s.start, sizeof s.start);
    add(&s.label, sizeof s.label);
    const std::uint64_t length = s.tokens.size();
    add(&length, sizeof length);
    add(s.tokens.data(), s.tokens.size() * sizeof(token));
  }
  return hash;
}

std::vector<token> training_corpus::sample_batch(int count, std::uint64_t seed, std::uint64_t step,
                                                 bool rc_augment, std::vector<int>* labels) const {
  std::mt19937_64 rng(derive_seed(seed, step));
  std::discrete_distribution<std::size_t> pick_segment(usable_.begin(), usable_.end());
  std::vector<token> batch(static_cast<std::size_t>(count) * window_);
  if (labels) labels->assign(count, -1);
  for (int row = 0; row < count; ++row) {
    const auto& segment = train_[pick_segment(rng)];
    if (labels) (*labels)[row] = segment.label;
    const auto& tokens = segment.tokens;
    std::uniform_int_distribution<std::int64_t> pick_start(0, static_cast<std::int64_t>(tokens.size()) - window_);
    std::int64_t start = pick_start(rng);
    for (int tries = 0; tries < 64 && !is_usable(tokens.data() + start, window_); ++tries) start = pick_start(rng);
    // Rare: a segment with few usable windows. Walk forward (wrapping) to the next one, which exists.
    while (!is_usable(tokens.data() + start, window_)) start = (start + 1) % (pick_start.b() + 1);
    token* out = batch.data() + static_cast<std::size_t>(row) * window_;
    std::copy_n(tokens.begin() + start, window_, out);
    if (rc_augment && std::bernoulli_distribution(0.5)(rng)) reverse_complement(out, window_);
  }
  return batch;
}

std::vector<std::vector<token>> tile_windows(const std::vector<corpus_segment>& segments, int length, int limit) {
  std::vector<std::vector<token>> all;
  for (const auto& segment : segments) {
    const auto& t = segment.tokens;
    for (std::size_t start = 0; start < t.size(); start += length) {
      const int n = static_cast<int>(std::min<std::size_t>(length, t.size() - start));
      if (std::count_if(t.begin() + start, t.begin() + start + n, is_base) >= min_real(n))
        all.emplace_back(t.begin() + start, t.begin() + start + n);
    }
  }
  if (limit <= 0 || static_cast<int>(all.size()) <= limit) return all;
  std::vector<std::vector<token>> picked;  // evenly spaced across the whole held-out part
  for (int i = 0; i < limit; ++i) picked.push_back(std::move(all[static_cast<std::size_t>(i) * all.size() / limit]));
  return picked;
}

batch_prefetcher::batch_prefetcher(const training_corpus& corpus, int batch, std::uint64_t seed, bool rc_augment,
                                   std::uint64_t first_step, int depth)
    : corpus_(corpus), batch_(batch), seed_(seed), rc_augment_(rc_augment), depth_(depth), next_step_(first_step) {
  worker_ = std::thread([this] { run(); });
}

batch_prefetcher::~batch_prefetcher() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stop_ = true;
  }
  changed_.notify_all();
  worker_.join();
}

void batch_prefetcher::run() {
  for (;;) {
    {
      std::unique_lock<std::mutex> lock(mutex_);
      changed_.wait(lock, [this] { return stop_ || queue_.size() < depth_; });
      if (stop_) return;
    }
    std::vector<int> labels;
    std::vector<token> batch;
    // An exception leaving a thread ends the process (std::terminate): hand it to next() instead.
    std::exception_ptr failure;
    try {
      batch = corpus_.sample_batch(batch_, seed_, next_step_++, rc_augment_, &labels);
    } catch (...) {
      failure = std::current_exception();
    }
    {
      std::lock_guard<std::mutex> lock(mutex_);
      if (failure) failure_ = failure;
      else queue_.emplace_back(std::move(batch), std::move(labels));
    }
    changed_.notify_all();
    if (failure) return;
  }
}

std::vector<token> batch_prefetcher::next(std::vector<int>* labels) {
  std::unique_lock<std::mutex> lock(mutex_);
  changed_.wait(lock, [this] { return !queue_.empty() || failure_; });
  if (queue_.empty()) std::rethrow_exception(failure_);
  auto batch = std::move(queue_.front());
  queue_.pop_front();
  changed_.notify_all();
  if (labels) *labels = std::move(batch.second);
  return std::move(batch.first);
}

}  // namespace dnafill::core
