// The training loop: batches from the corpus, masking, NELBO, AdamW with warmup + cosine, EMA,
// validation, checkpoints and an exact resume.
#include "core/trainer.h"

#include <cerrno>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <map>
#include <sstream>

#include <nlohmann/json.hpp>
#include <torch/torch.h>

#include "bio/output_file.h"
#include "core/compat.h"
#include "core/model_internal.h"
#include "core/objective.h"
#include "core/runtime.h"
#include "core/scoring.h"
#include "core/whole_file.h"
#include "core/zip_check.h"
#include "data/json_text.h"
#include "data/sha256.h"

namespace dnafill::core {
namespace {

// Masks are drawn from their own stream so that they do not depend on how windows were drawn.
constexpr std::uint64_t mask_stream = 0x6d61736b;  // "mask"
constexpr std::uint64_t label_stream = 0x6c61626c;  // "labl": which labels are dropped
constexpr std::uint64_t valid_seed = 12345;        // the same held-out draws at every validation

using clock_type = std::chrono::steady_clock;

// A number in a message as typed: 0, -1, 0.5 (std::to_string would give 0.000000).
template <typename T>
std::string shown(T v) {
  std::ostringstream text;
  text << v;
  return text.str();
}

std::int64_t warmup_of(const train_options& o) {
  return o.warmup_steps >= 0 ? o.warmup_steps : std::min<std::int64_t>(1000, o.steps / 20);
}

double learning_rate(const train_options& o, std::int64_t step) {
  const auto warmup = warmup_of(o);
  if (step < warmup) return o.lr * static_cast<double>(step + 1) / static_cast<double>(warmup);
  const double progress = static_cast<double>(step - warmup) / static_cast<double>(std::max<std::int64_t>(1, o.steps - warmup));
  const double cosine = 0.5 * (1.0 + std::cos(M_PI * std::min(1.0, progress)));
  return o.lr * (o.min_lr_fraction + (1.0 - o.min_lr_fraction) * cosine);
}

// What must match between an interrupted run and its resumption for the curve to continue exactly:
// the network and everything the windows, masks and labels of (seed, step) depend on. The schedule
// (--lr, --warmup, --steps) may change: a run is extended by more --steps. Keys are added at the end;
// a state written before a key existed is not checked on it.
std::string run_identity(const train_options& o, const model_config& config, const training_corpus& corpus) {
  char data[17];
  std::snprintf(data, sizeof data, "%016llx", static_cast<unsigned long long>(corpus.fingerprint()));
  return nlohmann::json{{"config", config.to_json()},
                        {"seed", o.seed},
                        {"batch", o.batch},
                        {"seq_len", o.data.window},
                        {"objective", objective_name(o.objective)},
                        {"rc_augment", o.rc_augment},
                        {"train_data", data},
                        {"label_dropout", o.data.labels.empty() ? 0.0 : o.label_dropout}}
      .dump();
}

// The options whose values differ between a stored identity and this run's ("--batch (2, now 4)"),
// or "" when they match on every key the stored one has.
std::string identity_differences(const std::string& stored_text, const std::string& identity) {
  const auto stored = nlohmann::json::parse(stored_text, nullptr, false);
  const auto now = nlohmann::json::parse(identity);
  if (!stored.is_object()) return "an unreadable record of its settings";
  static const std::map<std::string, std::string> option = {
      {"config", "--preset or --labels (another network)"}, {"seed", "--seed"}, {"batch", "--batch"},
      {"seq_len", "--seq-len"}, {"objective", "--objective"}, {"rc_augment", "--no-rc"},
      {"train_data", "--train, --valid, --valid-fraction or --labels (other training windows)"},
      {"label_dropout", "--label-dropout"}};
  std::string out;
  for (const auto& [key, value] : now.items()) {
    if (!stored.contains(key) || stored[key] == value) continue;
    const auto text = [](const nlohmann::json& v) { return v.is_string() ? v.get<std::string>() : v.dump(); };
    std::string values = " (" + text(stored[key]) + ", now " + text(value) + ")";
    if (key == "config" || key == "train_data") values.clear();
    if (key == "rc_augment") values = value.get<bool>() ? " (given before, not now)" : " (given now, not before)";
    out += (out.empty() ? "" : ", ") + option.at(key) + values;
  }
  return out;
}

// Everything of a run that is not a pure function of (options, step).
struct run_state {
  mdm_transformer net{nullptr}, ema{nullptr};
  std::unique_ptr<torch::optim::AdamW> optimizer;
  std::int64_t step = 0;
  std::int64_t tokens_seen = 0;
  double wall_seconds = 0;
  torch::Device device = torch::kCPU;
  bool bf16 = false;  // autocast the forward and the loss
  // The --init checkpoint the run started from, by path and content (the path may be --out itself,
  // replaced by the run); kept in the state, so a resumed run still names it.
  std::string init, init_sha256;
};

// LibTorch's zip writer throws from its destructor when a write comes up short (a full disk), and the
// process ends (std::terminate, exit 134). It writes through this instead, which keeps the first error
// and tells the writer that all went well; the error is said once the archive is done.
class checked_file_writer {
 public:
  explicit checked_file_writer(int fd) : fd_(fd) {}
  std::size_t operator()(const void* data, std::size_t size) {
    if (error_ == 0) error_ = write_all(fd_, data, size);
    return size;
  }
  int error() const { return error_; }

 private:
  int fd_;
  int error_ = 0;
};

status save_state(const std::string& path, const run_state& s, const std::string& identity) {
  std::string thrown;
  auto saved = replace_whole(path, "the training state", [&](int fd) {
    checked_file_writer writer(fd);
    try {
      torch::serialize::OutputArchive archive, net_archive, ema_archive, optimizer_archive;
      s.net->save(net_archive);
      s.ema->save(ema_archive);
      s.optimizer->save(optimizer_archive);
      archive.write("net", net_archive);
      archive.write("ema", ema_archive);
      archive.write("optimizer", optimizer_archive);
      archive.write("step", torch::tensor(s.step, torch::kInt64));
      archive.write("tokens_seen", torch::tensor(s.tokens_seen, torch::kInt64));
      archive.write("wall_seconds", torch::tensor(s.wall_seconds, torch::kFloat64));
      archive.write("identity", c10::IValue(identity));
      archive.write("init", c10::IValue(s.init));
      archive.write("init_sha256", c10::IValue(s.init_sha256));
      archive.save_to([&writer](const void* data, std::size_t size) { return writer(data, size); });
    } catch (const c10::Error& e) {
      thrown = e.what_without_backtrace();
    } catch (const std::exception& e) {  // std::bad_alloc
      thrown = e.what();
    }
    return thrown.empty() ? writer.error() : EIO;
  });
  if (!saved && !thrown.empty()) return status::fail(path + ": cannot write the training state: " + thrown);
  return saved;
}

// Where a diverged run shows: the name of the first weight, EMA weight or optimizer moment holding NaN
// or an infinity ("net blocks.0.attn.qkv.weight"), or "" when all are finite.
std::string first_nonfinite(const run_state& s) {
  auto finite = [](const torch::Tensor& t) { return !t.defined() || torch::isfinite(t).all().item<bool>(); };
  for (const auto* module : {&s.net, &s.ema})
    for (const auto& p : (*module)->named_parameters())
      if (!finite(p.value())) return (module == &s.net ? "net " : "EMA ") + p.key();
  for (const auto& entry : s.optimizer->state()) {
    const auto& adam = static_cast<const torch::optim::AdamWParamState&>(*entry.second);
    if (!finite(adam.exp_avg()) || !finite(adam.exp_avg_sq()) || adam.step() < 0) return "an optimizer moment";
  }
  return {};
}

// What a state read whole may still hold that no run writes: a step that its token count does not
// match (each step sees batch x window tokens), a NaN time, NaN weights (a state saved by a diverged
// run, or edited): "" when none.
std::string implausible_state(const run_state& s, std::int64_t tokens_per_step) {
  if (s.step < 0 || s.tokens_seen < 0 || s.tokens_seen % tokens_per_step != 0 || s.tokens_seen / tokens_per_step != s.step)
    return "step " + std::to_string(s.step) + " does not match its " + std::to_string(s.tokens_seen) + " tokens seen, " +
           std::to_string(tokens_per_step) + " a step";
  if (!(std::isfinite(s.wall_seconds) && s.wall_seconds >= 0)) return "wall time " + std::to_string(s.wall_seconds);
  if (const auto where = first_nonfinite(s); !where.empty()) return where + " holds NaN or infinite values";
  return {};
}

status load_state(const std::string& path, run_state& s, const std::string& identity, std::int64_t tokens_per_step) {
  // Said plainly here: LibTorch's own message for a missing file is a line of its internals.
  if (std::FILE* f = std::fopen(path.c_str(), "rb")) {
    std::fclose(f);
  } else {
    return status::fail(path + ": --resume: cannot open the training state (" + std::strerror(errno) +
                        "); it is written beside --out by a run's checkpoints: train without --resume to start afresh");
  }
  // LibTorch reads the zip without checking its CRC-32s: a changed byte inside a tensor would load.
  if (const auto member = zip_crc_mismatch(path); !member.empty())
    return status::fail(path + ": --resume: the training state is damaged (" + member +
                        " fails its checksum); train without --resume to start afresh");
  try {
    torch::serialize::InputArchive archive, net_archive, ema_archive, optimizer_archive;
    archive.load_from(path, s.device);
    c10::IValue stored;
    archive.read("identity", stored);
    if (const auto differences = identity_differences(stored.toStringRef(), identity); !differences.empty())
      return status::fail(path + ": --resume: the interrupted run had other settings: " + differences +
                          "; resume with the same ones, or train without --resume to start afresh");
    archive.read("net", net_archive);
    archive.read("ema", ema_archive);
    archive.read("optimizer", optimizer_archive);
    s.net->load(net_archive);
    s.ema->load(ema_archive);
    s.optimizer->load(optimizer_archive);
    torch::Tensor step, tokens, wall;
    archive.read("step", step);
    archive.read("tokens_seen", tokens);
    archive.read("wall_seconds", wall);
    s.step = step.item<std::int64_t>();
    s.tokens_seen = tokens.item<std::int64_t>();
    s.wall_seconds = wall.item<double>();
    // States of older versions hold no init.
    if (c10::IValue init, hash; archive.try_read("init", init) && archive.try_read("init_sha256", hash)) {
      s.init = init.toStringRef();
      s.init_sha256 = hash.toStringRef();
    }
  } catch (const std::exception&) {
    // LibTorch's words here are about its zip reader and its records, not about the user's file (a
    // missing record of the optimizer comes as a TorchScript error, not a c10::Error).
    return status::fail(path + ": --resume: the training state is damaged or was not written by dnafill train; "
                               "train without --resume to start afresh");
  }
  if (const auto what = implausible_state(s, tokens_per_step); !what.empty())
    return status::fail(path + ": --resume: the training state is damaged (" + what +
                        "); train without --resume to start afresh");
  return {};
}

void update_ema(run_state& s, double decay) {
  torch::NoGradGuard no_grad;
  // Short runs would otherwise be dominated by the random initial weights.
  const double d = std::min(decay, (1.0 + s.step) / (10.0 + s.step));
  auto ema = s.ema->parameters();
  auto net = s.net->parameters();
  for (std::size_t i = 0; i < ema.size(); ++i) ema[i].mul_(d).add_(net[i].detach(), 1.0 - d);
}

// "[A, B]" for a message; "none" for a model without labels.
std::string label_list(const std::vector<std::string>& names) {
  std::string text;
  for (const auto& name : names) text += (text.empty() ? "[" : ", ") + name;
  return text.empty() ? "none" : text + "]";
}

// --init: an earlier checkpoint of the same architecture as the starting point (a warm start: the
// optimizer's moments and the schedule begin afresh). Its labels must be the run's, in the same order:
// label i is a row of the embedding, so labels listed in another order (or renamed) would hand one
// label's learnt row to another, without a word.
status warm_start(const std::string& path, const model_config& config, const std::vector<std::string>& labels,
                  mdm_transformer& net) {
  mdm_model from;
  if (auto s = load_model(path, from); !s) return status::fail("--init: " + s.message());
  auto describe = [](const model_config& c) {
    return "'" + c.preset + "' (d_model " + std::to_string(c.d_model) + ", " + std::to_string(c.n_layers) +
           " layers, context " + std::to_string(c.context_length) + ", " + std::to_string(c.num_labels) + " labels)";
  };
  if (from.config().to_json() != config.to_json())
    return status::fail("--init: " + path + " has another architecture: " + describe(from.config()) +
                        ", this run trains " + describe(config));
  if (const auto had = model_labels(from); had != labels)
    return status::fail("--init: " + path + " was trained with the labels " + label_list(had) + ", this run names " +
                        label_list(labels) + ": give --labels the same names in the same order");
  torch::NoGradGuard no_grad;
  const auto source = from.impl_->net->named_parameters();
  for (auto& p : net->named_parameters()) p.value().copy_(source[p.key()]);
  return {};
}

// The prefix token of each window: its label's token, or MASK (the null label) for a window without a
// label and for a share `label_dropout` of the others, so one network learns both p(x | label) and p(x).
torch::Tensor label_tokens(const std::vector<int>& labels, const train_options& o, std::int64_t step) {
  std::mt19937_64 rng(derive_seed(o.seed ^ label_stream, static_cast<std::uint64_t>(step)));
  std::bernoulli_distribution drop(o.label_dropout);
  std::vector<std::int64_t> prefix;
  for (int label : labels) {
    const bool dropped = drop(rng);
    prefix.push_back(label < 0 || dropped ? std::int64_t{mask_token} : std::int64_t{base_vocab} + label);
  }
  return torch::tensor(prefix, torch::kInt64);
}

// One optimizer step on one batch; returns the batch's NELBO in bits per base.
double train_step(run_state& s, const train_options& o, const training_corpus& corpus, std::vector<token> clean,
                  const std::vector<int>& labels) {
  std::mt19937_64 rng(derive_seed(o.seed ^ mask_stream, static_cast<std::uint64_t>(s.step)));
  auto m = mask_batch(clean, o.batch, corpus.window(), o.objective, rng);
  auto t = to_tensors(clean, m, s.device);
  const auto prefix = o.data.labels.empty() ? torch::Tensor() : label_tokens(labels, o, s.step).to(s.device);
  double real_bases = 0;
  for (int r : m.real_bases) real_bases += r;
  for (auto& group : s.optimizer->param_groups())
    static_cast<torch::optim::AdamWOptions&>(group.options()).lr(learning_rate(o, s.step));
  torch::Tensor loss;
  {
    compat::bf16_autocast autocast(s.bf16, s.device);
    loss = nelbo_per_sequence(s.net->forward(t.input, prefix), t).sum() / real_bases;
  }
  s.optimizer->zero_grad();
  loss.backward();
  if (o.grad_clip > 0) clip_gradients(s.net->parameters(), o.grad_clip);
  s.optimizer->step();
  ++s.step;
  s.tokens_seen += static_cast<std::int64_t>(clean.size());
  update_ema(s, o.ema_decay);
  return loss.item<double>() / std::log(2.0);
}

std::string training_facts(const train_options& o, const run_state& s, const training_corpus& corpus,
                           double valid_bits) {
  nlohmann::json files = o.data.train_files;
  nlohmann::json labels = nlohmann::json::object();
  const auto bases = corpus.label_bases(o.data.labels.names.size());
  for (std::size_t i = 0; i < bases.size(); ++i) labels[o.data.labels.names[i]] = bases[i];
  return data::json_text({{"steps", s.step},
                        {"label_train_bases", labels},
                        {"label_dropout", o.data.labels.empty() ? 0.0 : o.label_dropout},
                        {"tokens_seen", s.tokens_seen},
                        {"wall_seconds", std::round(s.wall_seconds)},
                        {"train_files", files},
                        {"valid_file", o.data.valid_file},
                        {"valid_fraction", o.data.valid_file.empty() ? o.data.valid_fraction : 0.0},
                        {"train_bases", corpus.train_bases()},
                        {"valid_bits_per_base", valid_bits},
                        {"init", s.init},
                        {"init_sha256", s.init_sha256},
                        {"objective", objective_name(o.objective)},
                        {"batch", o.batch},
                        {"seq_len", o.data.window},
                        {"lr", o.lr},
                        {"seed", o.seed},
                        {"machine", machine_description(s.device.str())},
                        {"device", s.device.str()},
                        {"precision", s.bf16 ? "bf16 autocast" : "fp32"},
                        {"layer_kernels", o.layer_kernels},
                        {"threads", thread_count()},
                        {"torch", torch_version()}});
}

double validate_ema(const run_state& s, const model_config& config, const std::vector<std::vector<token>>& windows,
                    const train_options& o) {
  score_options so;
  so.mc_draws = o.valid_draws;
  so.seed = valid_seed;
  score_result r;
  if (!score_sequences(wrap_model(config, s.ema), windows, so, r)) return 0.0;
  return r.bits_per_base();
}

// The preset's config with the run's labels, and the window length checked against its context.
status configure(train_options& o, model_config& config) {
  if (auto s = preset_config(o.preset, config); !s) return s;
  if (auto s = parse_label_rules(o.labels, o.data.labels); !s) return s;
  config.num_labels = static_cast<int>(o.data.labels.names.size());
  config.vocab_size = base_vocab + config.num_labels;
  if (o.data.window == 0) o.data.window = config.context_length;
  if (o.data.window > config.context_length)
    return status::fail("--seq-len: " + std::to_string(o.data.window) + " is above the context length of preset '" +
                        o.preset + "' (" + std::to_string(config.context_length) + ")");
  return {};
}

// What a step on the CPU keeps for its backward pass, at least: per token and layer, float32 copies of
// the residual stream, the norms, q, k, v and the attention's output (8 x d_model) and of the MLP's
// gate, up and product (3 x d_mlp). (On a GPU they are in its memory, and CUDA says when it is full.)
status check_step_memory(const train_options& o, const model_config& config) {
  std::string device;
  if (auto s = resolve_device(o.device, device); !s || device != "cpu") return s;
  const double per_token = 4.0 * config.n_layers * (8.0 * config.d_model + 3.0 * config.d_mlp);
  return check_memory(per_token * o.batch * o.data.window, "--batch " + std::to_string(o.batch) + " x --seq-len " +
                                                               std::to_string(o.data.window) + " tokens a step");
}

// A held-out score asked for (a --valid file, or a share of each record) that nothing could give: said,
// rather than a run without one ("held-out 0 bits/base"). --valid-fraction 0 asks for none.
status check_held_out(const corpus_options& data, bool no_window) {
  if (!no_window) return {};
  if (!data.valid_file.empty())
    return status::fail("--valid: " + data.valid_file + ": no held-out window (every record is empty or at least half N)");
  if (data.valid_fraction > 0)
    return status::fail("--valid-fraction " + shown(data.valid_fraction) +
                        ": no held-out window (every record's tail is empty or at least half N); give a larger "
                        "share, a --valid file, or --valid-fraction 0 to train without a held-out score");
  return {};
}

// The network, its EMA copy and the optimizer on the run's device: fresh from the seed, from --init's
// weights, or (--resume) exactly where the interrupted run stopped.
status start_run(const train_options& o, const model_config& config, const std::string& identity, run_state& s) {
  std::string device;
  if (auto st = resolve_device(o.device, device); !st) return st;
  torch::manual_seed(o.seed);
  s.device = torch::Device(device);
  // auto: bf16 on a GPU; on a CPU only when asked (fast where it has AVX512-BF16, slow elsewhere).
  s.bf16 = o.precision == "bf16" || (device == "cuda" && o.precision == "auto");
  s.net = mdm_transformer(config);
  s.ema = mdm_transformer(config);
  if (!o.init.empty()) {
    if (auto st = warm_start(o.init, config, o.data.labels.names, s.net); !st) return st;
    s.init = o.init;
    std::int64_t size = 0;
    if (auto st = data::sha256_file(o.init, s.init_sha256, size); !st) return status::fail("--init: " + st.message());
  }
  // Initialised on the CPU from the seed, so a CUDA run starts from the same weights.
  s.net->to(s.device);
  s.ema->to(s.device);
  // Only the trained network: the EMA copy is evaluated, where the kernels gain little.
  {
    auto net = wrap_model(config, s.net);  // shares the module
    if (auto st = set_layer_kernels(net, o.layer_kernels); !st) return st;
  }
  {
    torch::NoGradGuard no_grad;
    auto ema = s.ema->parameters(), net = s.net->parameters();
    for (std::size_t i = 0; i < ema.size(); ++i) ema[i].copy_(net[i]);
  }
  s.optimizer = std::make_unique<torch::optim::AdamW>(
      s.net->parameters(), torch::optim::AdamWOptions(o.lr).betas({0.9, 0.95}).weight_decay(o.weight_decay));
  const std::string state_path = o.out + ".state";
  if (o.resume)
    if (auto st = load_state(state_path, s, identity, std::int64_t{o.batch} * o.data.window); !st) return st;
  if (s.step >= o.steps)
    return status::fail("--steps: the run at " + state_path + " has already done " + std::to_string(s.step) + " steps");
  return {};
}

// The EMA weights as the model file, then the whole state beside it (what --resume reads).
// `state_step`: the step of this run's state already beside it (saved or resumed from), 0 for none.
status save_checkpoint(const train_options& o, const model_config& config, const run_state& s,
                       const std::string& identity, const std::string& facts, std::int64_t state_step) {
  auto model = wrap_model(config, s.ema);
  std::map<std::string, std::string> metadata = {{metadata_training, facts}};
  if (!o.data.labels.empty()) metadata[metadata_labels] = nlohmann::json(o.data.labels.names).dump();
  const auto dtype = o.save_dtype == "bf16" ? weight_dtype::bf16 : weight_dtype::f32;
  if (auto st = save_model(o.out, model, std::move(metadata), dtype); !st) return st;
  // The two are replaced one after the other: said so when the second fails (the old state is only
  // replaced by a whole new one). This run's earlier state stays: --resume goes on from its step, which
  // holds everything the run needs (the model file is written again at its next checkpoint); a full
  // disk at step 10 no longer threw away steps 1-5. Without one, there is none: a new run removed the
  // earlier run's state at its first step (training_loop::drop_earlier_state).
  if (auto st = save_state(o.out + ".state", s, identity); !st) {
    return status::fail(st.message() + " (" + o.out + " is saved at step " + std::to_string(s.step) +
                        (state_step > 0 ? "; its state stays at step " + std::to_string(state_step) + ", from which --resume goes on)"
                                        : " without its state)"));
  }
  return {};
}

// The steps of a started run, to --steps or until the listener or --max-minutes stops it: each
// step's batch, loss and timing, the held-out score and the checkpoints on their schedule. A diverged
// step, or a batch without memory, ends the run and keeps the last good checkpoint.
class training_loop {
 public:
  training_loop(const train_options& o, const model_config& config, const training_corpus& corpus,
                const std::string& identity, const std::vector<std::vector<token>>& valid_windows, run_state& s)
      : o_(o), config_(config), corpus_(corpus), identity_(identity), valid_windows_(valid_windows), s_(s),
        saved_step_(s.step), first_step_(s.step), wall_before_(s.wall_seconds) {}

  status run(const train_callback& on_step) {
    s_.net->train();
    batch_prefetcher batches(corpus_, o_.batch, o_.seed, o_.rc_augment, static_cast<std::uint64_t>(s_.step));
    started_ = clock_type::now();
    for (bool go_on = true; go_on && s_.step < o_.steps;) {
      // Asked to stop before a step of this run (Ctrl-C while the data was read): nothing is saved,
      // so an --out that is there is not replaced by a model of one step.
      if (stop_requested() && s_.step == first_step_) return {};
      if (auto st = step(batches, on_step, go_on); !st) return st;
    }
    return {};
  }
  double valid_bits() const { return valid_bits_; }
  bool saved() const { return saved_step_ > first_step_; }

 private:
  // A new run (no --resume) removes the state of the run before it after its first step, when its
  // log replaces that run's (the listener): killed before its first checkpoint, it left that state
  // beside its own log, and --resume went on with that run under this one's log lines. Before the
  // checkpoint of that step, so that a first step that is saved keeps its own state.
  status drop_earlier_state() {
    if (o_.resume || s_.step != first_step_ + 1) return {};
    const std::string state_path = o_.out + ".state";
    if (std::error_code ec; !std::filesystem::remove(state_path, ec) && ec)
      return status::fail(state_path + ": cannot remove the earlier run's training state: " + ec.message());
    return {};
  }

  status step(batch_prefetcher& batches, const train_callback& on_step, bool& go_on) {
    train_progress p;
    p.lr = learning_rate(o_, s_.step);
    std::vector<int> labels;
    std::vector<token> clean;
    try {
      clean = batches.next(&labels);
    } catch (const std::bad_alloc&) {  // the read-ahead thread's: memory taken since the run's check
      return out_of_memory();
    }
    p.loss_bits = train_step(s_, o_, corpus_, std::move(clean), labels);
    if (!std::isfinite(p.loss_bits)) return diverged("the loss is " + std::to_string(p.loss_bits));
    if (auto st = drop_earlier_state(); !st) return st;
    measure(p);
    const bool last = s_.step == o_.steps;
    // Out of time, or asked to stop: the step is scored and saved as the last one is.
    const bool out_of_time = (o_.max_minutes > 0 && p.elapsed_seconds > 60.0 * o_.max_minutes) || stop_requested();
    if (s_.step % o_.valid_every == 0 || last || out_of_time) validate(p);
    p.checkpointed = s_.step % o_.checkpoint_every == 0 || last || out_of_time;
    if (p.checkpointed)
      if (auto st = checkpoint(); !st) return st;
    // The listener hears every step, the one that ran out of time too (its log line).
    const bool listener_goes_on = !on_step || on_step(p);
    go_on = listener_goes_on && !out_of_time && !stop_requested();
    if (go_on || p.checkpointed) return {};
    // Stopped by the listener, or asked to stop while it wrote: the checkpoint's held-out figure is
    // this step's when a stop was asked for.
    if (stop_requested() && !p.validated) validate(p);
    return checkpoint();
  }

  bool stop_requested() const { return o_.stop != nullptr && o_.stop->load(); }

  void validate(train_progress& p) {
    if (valid_windows_.empty()) return;
    valid_bits_ = validate_ema(s_, config_, valid_windows_, o_);
    p.validated = true;
    p.valid_bits = valid_bits_;
  }

  // The step just made, its time, and the rates and ETA of this run's steps (a resumed run's
  // elapsed_s counts the runs before it).
  void measure(train_progress& p) {
    p.step = s_.step;
    p.steps = o_.steps;
    p.elapsed_seconds = std::chrono::duration<double>(clock_type::now() - started_).count();
    s_.wall_seconds = p.wall_seconds = wall_before_ + p.elapsed_seconds;
    const double steps_per_second = (s_.step - first_step_) / std::max(1e-9, p.elapsed_seconds);
    p.tokens_per_second = steps_per_second * o_.batch * o_.data.window;
    p.eta_seconds = (o_.steps - s_.step) / std::max(1e-9, steps_per_second);
  }

  // A diverged step must not replace the last good checkpoint and state with NaN weights.
  status diverged(const std::string& what) const {
    return status::fail("training diverged at step " + std::to_string(s_.step) + " (" + what + "); " +
                        (saved_step_ > 0 ? o_.out + " and its state stay as saved at step " + std::to_string(saved_step_) +
                                               ": lower --lr and --resume"
                                         : "nothing was saved: lower --lr"));
  }

  status checkpoint() {
    if (const auto where = first_nonfinite(s_); !where.empty()) return diverged(where + " holds NaN or infinite values");
    const auto facts = training_facts(o_, s_, corpus_, valid_bits_);
    if (auto st = save_checkpoint(o_, config_, s_, identity_, facts, saved_step_); !st) return st;
    saved_step_ = s_.step;
    return {};
  }

  // What was trained since the last checkpoint is saved first: the run can be resumed from it.
  status out_of_memory() {
    if (s_.step > saved_step_)
      if (auto st = checkpoint(); !st) return st;
    return status::fail("--batch " + std::to_string(o_.batch) + " x --seq-len " + std::to_string(o_.data.window) +
                        ": out of memory for the batch of step " + std::to_string(s_.step + 1) + "; " +
                        (saved_step_ > 0 ? o_.out + " holds step " + std::to_string(saved_step_) + ": --resume it"
                                         : std::string("nothing was saved: run it again")) +
                        " with less running beside it");
  }

  const train_options& o_;
  const model_config& config_;
  const training_corpus& corpus_;
  const std::string& identity_;
  const std::vector<std::vector<token>>& valid_windows_;
  run_state& s_;
  std::int64_t saved_step_;  // of the checkpoint at --out, when there is one
  const std::int64_t first_step_;
  const double wall_before_;
  clock_type::time_point started_ = clock_type::now();
  double valid_bits_ = 0;
};

}  // namespace

status train_options::validate() const {
  // Options of `dnafill train` are named as on its command line; fields it does not expose, by name.
  auto positive = [&](const char* name, auto v) {
    return v > 0 ? status{} : status::fail(std::string(name) + ": must be positive, got " + shown(v));
  };
  if (out.empty()) return status::fail("--out: a checkpoint path is required");
  if (auto s = positive("--steps", steps); !s) return s;
  if (auto s = positive("--batch", batch); !s) return s;
  if (warmup_steps > steps)
    return status::fail("--warmup: " + std::to_string(warmup_steps) + " is above --steps " + std::to_string(steps) +
                        ": the learning rate would never reach --lr");
  if (!(lr > 0 && lr < 1)) return status::fail("--lr: must be in (0, 1), got " + shown(lr));
  if (!(min_lr_fraction >= 0 && min_lr_fraction <= 1)) return status::fail("train_options.min_lr_fraction: must be in [0, 1]");
  if (!(weight_decay >= 0)) return status::fail("train_options.weight_decay: must be >= 0");
  if (!(grad_clip >= 0)) return status::fail("train_options.grad_clip: must be >= 0");
  if (!(ema_decay >= 0 && ema_decay < 1)) return status::fail("train_options.ema_decay: must be in [0, 1)");
  if (data.window != 0 && data.window < 2)  // 0: the model's context; a lone base has nothing to learn from
    return status::fail("--seq-len: must be at least 2, got " + std::to_string(data.window));
  if (auto s = positive("--valid-every", valid_every); !s) return s;
  if (auto s = positive("--checkpoint-every", checkpoint_every); !s) return s;
  if (auto s = positive("train_options.valid_draws", valid_draws); !s) return s;
  if (valid_windows < 0) return status::fail("--valid-windows: must be >= 0");
  if (max_minutes < 0) return status::fail("--max-minutes: must be >= 0");
  if (precision != "auto" && precision != "fp32" && precision != "bf16")
    return status::fail("--precision: must be auto, fp32 or bf16, got '" + precision + "'");
  if (auto s = check_layer_kernels(layer_kernels); !s) return s;
  if (save_dtype != "f32" && save_dtype != "bf16")
    return status::fail("--save-dtype: must be f32 or bf16, got '" + save_dtype + "'");
  if (!(label_dropout >= 0 && label_dropout <= 1)) return status::fail("--label-dropout: must be in [0, 1]");
  if (resume && !init.empty())
    return status::fail("--init: not with --resume (the state of the interrupted run holds its weights)");
  return {};
}

status train(const train_options& options, const train_callback& on_step, train_summary& summary) {
  if (auto s = options.validate(); !s) return s;
  train_options o = options;
  model_config config;
  if (auto s = configure(o, config); !s) return s;
  if (auto s = check_step_memory(o, config); !s) return s;
  training_corpus corpus;
  if (auto s = training_corpus::load(o.data, corpus); !s) return s;
  if (const auto& unmatched = corpus.unmatched_labelled(); !unmatched.empty() && o.warn)
    o.warn("--labels: " + std::to_string(unmatched.size()) +
           (unmatched.size() == 1 ? " record of the TSV is in no --train file ('" : " records of the TSV are in no --train file (the first: '") +
           printable(unmatched.front()) + (unmatched.size() == 1 ? "'), so its line has no effect" : "'), so their lines have no effect"));
  const auto valid_windows = tile_windows(corpus.valid(), o.data.window, o.valid_windows);
  if (auto s = check_held_out(o.data, valid_windows.empty()); !s) return s;
  run_state s;
  const std::string identity = run_identity(o, config, corpus);
  if (auto st = start_run(o, config, identity, s); !st) return st;
  training_loop loop(o, config, corpus, identity, valid_windows, s);
  if (auto st = loop.run(on_step); !st) return st;
  summary.steps_done = s.step;
  summary.tokens_seen = s.tokens_seen;
  summary.wall_seconds = s.wall_seconds;
  summary.valid_bits = loop.valid_bits();
  summary.parameters = config.parameter_count();
  summary.train_bases = corpus.train_bases();
  summary.saved = loop.saved();
  return {};
}

}  // namespace dnafill::core
