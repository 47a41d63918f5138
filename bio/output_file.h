// An output file written whole or not at all: a new file, or a plain file of the user's with no other
// name in a folder that takes new files, is written under a temporary name beside it and renamed over
// PATH by commit() (keeping its permissions), so a run that fails half-way leaves what PATH held
// before. A plain file that must keep its identity (reached through a symbolic link, hard-linked,
// another user's, or in a folder that takes no new file) is written into a file of the system's
// temporary folder and copied into PATH by commit(): a run that fails or is cancelled still leaves
// PATH as it was (it was written in place, and a full disk left half a FASTA there). Streams (standard
// output "-", devices, FIFOs, links to them such as /dev/stdout) are written as they go.
// The temporary name is PATH.dnafill-HOST-NS-PID-N.tmp (NS: the PID namespace's inode); begin()
// removes those of PATH that writers of this host and namespace left when killed (their process no
// longer runs). (A file replaced at every save of a training run, under a lock against a second
// writer, goes through core/whole_file.h instead.)
#pragma once

#include <string>

#include "bio/status.h"

namespace dnafill::bio {

// An output as a message names it: "standard output" for "-", else the path.
inline std::string output_name(const std::string& path) { return path == "-" ? "standard output" : path; }

class output_file {
 public:
  output_file() = default;
  output_file(const output_file&) = delete;
  output_file& operator=(const output_file&) = delete;
  ~output_file() { drop(); }

  // Decides where to write `path`. Errors: an existing file that may not be written ("PATH: cannot
  // create: reason"), which stays as it is.
  status begin(const std::string& path);
  // What to open for writing: PATH itself, or its temporary name.
  const std::string& name() const { return temporary_.empty() ? path_ : temporary_; }
  // Once what name() names is written and closed: gives it PATH's permissions and renames it over
  // PATH, or copies it into PATH. Errors name PATH; the temporary file is removed, except a copy that
  // failed half-way, whose whole output is kept there and named.
  status commit();
  // Forgets what was written: the temporary file is removed (a stream: nothing to undo).
  void drop();
  // For the message of a failed write: " (written first into STAGING, to be copied in)" when PATH is
  // written in the temporary folder (a full $TMPDIR is not PATH's disk), else "".
  std::string staging_note() const;

 private:
  status stage_for_copy(const std::string& path);
  status copy_into_path();
  void set_temporary(std::string name);  // and tracks it for remove_temporary_files_now
  std::string path_, temporary_;
  int tracked_ = -1;     // the slot that names temporary_ for remove_temporary_files_now
  unsigned mode_ = 0;    // the permissions of the file replaced; 0: a new file
  bool copy_ = false;    // commit() copies the temporary file into PATH, which keeps its identity
};

// Removes the temporary files of the output_files being written now: for a signal handler that ends
// the process at once (app/interrupt.h's second Ctrl-C), which would leave them beside their outputs.
// Async-signal-safe (atomic loads and unlink). Whatever PATH held before stays; a staging file being
// copied into PATH (which it may then be the only whole copy of) is kept.
void remove_temporary_files_now();

// Names a temporary file that another writer fills (core/whole_file.h's PATH.tmp) for
// remove_temporary_files_now while it lives; forgotten before the file is renamed into place.
class tracked_temporary {
 public:
  explicit tracked_temporary(const std::string& path);
  tracked_temporary(const tracked_temporary&) = delete;
  tracked_temporary& operator=(const tracked_temporary&) = delete;
  ~tracked_temporary() { forget(); }
  void forget();  // from here the file is the caller's alone: a second Ctrl-C leaves it

 private:
  int slot_ = -1;
};

// Whether two paths name one file: the same file when both are there (links included), else the same
// place (real_path of each). A place that cannot be told (a link that cannot be read) is taken for no
// other: such a link cannot be written through either.
bool same_file(const std::string& a, const std::string& b);

// Where writing `path` would put the file: absolute, symbolic links followed, also those whose target
// is not there yet. Empty when that cannot be told (a link that cannot be read).
std::string real_path(const std::string& path);
// real_path(path), or `path` itself when that cannot be told: where a file is written, so that a link
// stays a link.
std::string real_path_or_given(const std::string& path);

// Whether a file can be written at `path` once a run is done, checked before it starts: not a folder,
// in a folder that is there, a name of at most 255 bytes, and a file there that may be written or a
// folder that takes a new one. Errors name the path: "PATH is a folder, not a file", "PATH: the folder
// F does not exist", ...
status check_creatable(const std::string& path);

// What an output writes, so that a file of another kind that is there (a checkpoint, a store, a BAM
// named by mistake) is left as it is: told by its first bytes (what_file_holds).
enum class output_kind { unchecked, fasta, json_lines, constraint_report, checkpoint, training_state, fasta_index };

// Whether a file a run would replace may be: not there, empty, not a regular file (a FIFO, a device),
// or holding what the run writes: FASTA (plain, gzip or bgzip), JSON lines, a --report TSV (its
// header's first word "record"), a safetensors checkpoint, a training state (a zip), a FASTA index
// (could_be_index).
bool replaceable(const std::string& path, output_kind kind);

// Whether the existing file at `index` could be an index of the kind named by its suffix, damaged or
// stale perhaps, but not another file (a store, notes) that building the index would overwrite. A
// .fai is text whose first line is faidx's: a name and four or five numbers, tab-separated. A .gzi is
// a count and pairs of 64-bit offsets, 8 + 16n bytes. A missing or empty file loses nothing.
bool could_be_index(const std::string& index);

// What a file holds by its first bytes, for the line that refuses it: "a safetensors checkpoint", "a
// SQLite database", "a zip file (a training state?)", "JSON lines", "a constraint report", "a FASTA
// file", or htslib's name
// of another format ("BAM version 1 compressed sequence data"); "gzip data" or "other data" else.
std::string what_file_holds(const std::string& path);

// The kind in words, for that line: "FASTA", "JSON lines", "a constraint report", ...
std::string output_kind_name(output_kind kind);

}  // namespace dnafill::bio
