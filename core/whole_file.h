// Replacing a file whole, as the checkpoint and the training state are replaced at every save.
//
// The new contents go into PATH.tmp beside the file (beside the file a link names: a link stays a
// link), are flushed to the disk, and the temporary file is renamed over PATH, then the folder is
// flushed too. So a crash or a power cut leaves the old file or the new one, never a part of either;
// the new file takes the old one's permissions (a private model stays private);
// a run killed while writing leaves a PATH.tmp, which the next write of PATH takes over. Two programs
// writing one PATH at once (two trains with one --out): the one that comes second while the first
// writes is refused, as PATH.tmp is locked, so no mixed file is ever renamed into place.
//
// Which to use: this, for a file the program itself writes again and again under one name (a training
// run's checkpoint and state, where a second writer must be refused); bio/output_file.h, for what a
// command writes once for the user (FASTA, reports), which may be a stream, a link or a shared file.
#pragma once

#include <cstddef>
#include <functional>
#include <string>

#include "bio/status.h"

namespace dnafill::core {

// `write` fills the temporary file through its descriptor and returns 0, or the errno that stopped
// it. Fails with one line, "PATH: cannot write WHAT: ..." (WHAT as "the training state"), naming the
// temporary file or the errno; on any failure PATH is as it was and no temporary file is left.
[[nodiscard]] status replace_whole(const std::string& path, const std::string& what,
                                   const std::function<int(int fd)>& write);

// Whether a write of `path` may use its temporary name, PATH.tmp (beside the file a link names):
// nothing there, or a plain file of one name (what a run killed while writing leaves). A symbolic
// link, a folder, a FIFO or a file with a second name (a hard link) is not dnafill's to empty: refused
// with one line, "TEMP ...: remove it". replace_whole checks it on the file it opens; a long run
// checks it first too, so as not to learn it at its first save.
[[nodiscard]] status check_temporary_name(const std::string& path);
std::string temporary_name(const std::string& path);  // PATH.tmp, beside the file a link names

// Writes `size` bytes to `fd`, in as many writes as it takes (interrupted ones again): 0, or the errno
// of the write that failed (EIO for one that wrote nothing).
int write_all(int fd, const void* data, std::size_t size);

}  // namespace dnafill::core
