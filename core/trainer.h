// Training an MDM from FASTA: AdamW, warmup + cosine decay, clipping, EMA, RC augmentation,
// periodic validation, atomic checkpoints and exact resume. Torch-free header.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <string>

#include "bio/status.h"
#include "core/corpus.h"
#include "core/masking.h"

namespace dnafill::core {

struct train_options {
  corpus_options data;                 // files and split; data.window = sequence length (0: the context)
  std::string out;                     // checkpoint (EMA weights); training state goes to out + ".state"
  std::string preset = "small";        // tiny, small or base
  std::int64_t steps = 2000;           // optimizer steps in all (a resumed run counts the earlier ones)
  int batch = 16;                      // windows per step
  double lr = 1e-3;                    // peak learning rate
  double min_lr_fraction = 0.1;        // cosine decays to lr * this at the last step
  std::int64_t warmup_steps = -1;      // linear warmup; -1: 5% of the steps, at most 1000
  double weight_decay = 0.01;          // AdamW decoupled weight decay
  double grad_clip = 1.0;              // max global gradient norm; 0 = off
  double ema_decay = 0.999;            // EMA of the weights, used to evaluate and to save
  std::uint64_t seed = 1;              // fixes the initial weights, the windows and the masks
  bool resume = false;                 // continue from out + ".state"
  std::string init;                    // start from this checkpoint's weights (same architecture), not random ones
  bool rc_augment = true;              // reverse-complement half of the windows
  objective_kind objective = objective_kind::continuous;
  std::int64_t valid_every = 500;      // steps between validations (and at the end)
  int valid_windows = 64;              // fixed held-out windows scored at each validation
  int valid_draws = 4;                 // Monte-Carlo draws per validation window
  std::int64_t checkpoint_every = 500; // steps between checkpoints (and at the end, and when stopped)
  double max_minutes = 0;              // stop cleanly (and save) after this wall time; 0 = no limit
  const std::atomic<bool>* stop = nullptr;  // once set (Ctrl-C), stop after the step in hand as --max-minutes does
  std::string device = "auto";         // cpu, cuda or auto
  std::string precision = "auto";      // fp32 or bf16 (autocast); auto: bf16 on CUDA, fp32 on the CPU
  std::string layer_kernels = "torch";  // torch, or fused: the RMSNorm/RoPE/SwiGLU kernels (GPU training)
  std::string save_dtype = "f32";      // f32 or bf16 weights in the checkpoint (the state keeps float32)
  std::string labels;                  // --labels: NAME=PATTERN,... or a TSV (parse_label_rules); empty = none
  std::function<void(const std::string&)> warn;  // told what may be a mistake but does not stop the run
  double label_dropout = 0.1;          // share of labelled windows shown with the null label (for CFG)

  status validate() const;  // names the bad option: "--steps: must be positive, got -3"
};

struct train_progress {
  std::int64_t step = 0;         // steps done
  std::int64_t steps = 0;        // steps in all
  double loss_bits = 0;          // this step's NELBO estimate, bits per base
  double lr = 0;
  double tokens_per_second = 0;  // since this process started training
  double elapsed_seconds = 0;    // this process
  double wall_seconds = 0;       // all runs to this step: a resumed run adds its checkpoint's
  double eta_seconds = 0;
  bool validated = false;        // valid_bits is fresh at this step
  double valid_bits = 0;         // held-out bits/base of the EMA weights
  bool checkpointed = false;     // a checkpoint was written at this step
};

// Called after every step; return false to stop early (a checkpoint is written first).
using train_callback = std::function<bool(const train_progress&)>;

struct train_summary {
  std::int64_t steps_done = 0;
  std::int64_t tokens_seen = 0;       // all runs of a resumed training
  double wall_seconds = 0;            // all runs of a resumed training
  double valid_bits = 0;              // last validation, 0 if none (no held-out data)
  std::int64_t parameters = 0;
  std::int64_t train_bases = 0;
  bool saved = false;                 // a checkpoint was written by this run (none when stopped before its first step)
};

status train(const train_options& options, const train_callback& on_step, train_summary& summary);

}  // namespace dnafill::core
