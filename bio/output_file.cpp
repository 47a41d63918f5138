// Output files replaced whole: a temporary name beside the file, renamed over it on commit.
#include "bio/output_file.h"

#include <htslib/hts.h>

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <cerrno>
#include <csignal>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <mutex>
#include <sstream>

#include "bio/htslib_util.h"

namespace dnafill::bio {
namespace {

// What names this process's PID namespace in temporary names: the host's name and the namespace's
// inode, so that a writer on another machine sharing the folder (NFS), or in another container on
// this one, is never taken for a dead process of ours. Empty when the namespace cannot be told
// (no /proc): then no file is taken for a dead writer's.
std::string pid_namespace() {
  char name[256] = {}, link[64] = {};
  const auto length = readlink("/proc/self/ns/pid", link, sizeof link - 1);  // "pid:[4026531836]"
  if (length <= 0 || gethostname(name, sizeof name - 1) != 0) return {};
  std::string out;
  for (const char* c = name; *c; ++c) out += std::isalnum(static_cast<unsigned char>(*c)) || *c == '.' ? *c : '_';
  out += '-';
  for (const char* c = link; *c; ++c)
    if (std::isdigit(static_cast<unsigned char>(*c))) out += *c;
  return out;
}

// The process number in `name` = PREFIX + PID + "-" + N + ".tmp", or 0 when it is not such a name.
long writer_pid(const std::string& name, const std::string& prefix) {
  if (name.compare(0, prefix.size(), prefix) != 0) return 0;
  std::size_t i = prefix.size(), digits = i;
  long pid = 0;
  for (; i < name.size() && std::isdigit(static_cast<unsigned char>(name[i])) && i - digits < 9; ++i)
    pid = pid * 10 + (name[i] - '0');
  if (i == digits || i >= name.size() || name[i++] != '-') return 0;
  const std::size_t count = i;
  while (i < name.size() && std::isdigit(static_cast<unsigned char>(name[i]))) ++i;
  return i > count && name.compare(i, std::string::npos, ".tmp") == 0 ? pid : 0;
}

// Whether process `pid` has ended: none runs under that number, or one killed that its parent has
// not yet waited for (a zombie, state Z in /proc; such a one writes nothing more).
bool has_ended(long pid) {
  if (kill(static_cast<pid_t>(pid), 0) != 0) return errno == ESRCH;
  std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
  std::string line;
  std::getline(stat, line);
  const auto paren = line.rfind(") ");
  return paren != std::string::npos && paren + 2 < line.size() && line[paren + 2] == 'Z';
}

const std::string& this_pid_namespace() {
  static const std::string space = pid_namespace();
  return space;
}

// The temporary files of the output_files being written now, for remove_temporary_files_now(), which a
// signal handler calls: every character an atomic, and a slot read between two equal, even versions
// (a seqlock), so that a handler never removes a name half rewritten. Written under a mutex (the
// studio writes from threads).
constexpr std::size_t tracked_length = 4096;
struct tracked_file {
  std::atomic<unsigned> version{0};  // odd while `path` changes
  std::atomic<char> path[tracked_length];
};
tracked_file tracked[16];
std::mutex tracking;

static_assert(std::atomic<char>::is_always_lock_free && std::atomic<unsigned>::is_always_lock_free,
              "a signal handler reads them");

void write_slot(tracked_file& slot, const std::string& path) {
  slot.version.fetch_add(1, std::memory_order_relaxed);
  std::atomic_thread_fence(std::memory_order_release);  // the odd version is seen before any new character
  for (std::size_t i = 0; i < path.size(); ++i) slot.path[i].store(path[i], std::memory_order_relaxed);
  slot.path[path.size()].store('\0', std::memory_order_relaxed);
  slot.version.fetch_add(1, std::memory_order_release);
}

// The slot that now names `path`, or -1 (more at once than slots, or a name too long: such a file is
// removed by the next writer of its output, as one a killed process left).
int track(const std::string& path) {
  if (path.empty() || path.size() >= tracked_length) return -1;
  std::lock_guard<std::mutex> lock(tracking);
  for (int i = 0; i < static_cast<int>(std::size(tracked)); ++i)
    if (tracked[i].path[0].load(std::memory_order_relaxed) == '\0') {
      write_slot(tracked[i], path);
      return i;
    }
  return -1;
}

void untrack(int slot) {
  if (slot < 0) return;
  std::lock_guard<std::mutex> lock(tracking);
  write_slot(tracked[slot], "");
}

// Two writers of one process (the studio) never share a temporary name.
unsigned next_temporary_number() {
  static std::atomic<unsigned> count{0};
  return count++;
}

// Removes the temporary files of PATH that writers in this PID namespace left when killed before
// they could (SIGKILL, a second Ctrl-C): ours, plain files, named for a process that no longer runs.
void remove_dead_writers_files(const std::string& folder, const std::string& prefix) {
  const auto slash = prefix.rfind('/');
  const std::string base = slash == std::string::npos ? prefix : prefix.substr(slash + 1);
  DIR* dir = opendir(folder.c_str());
  if (!dir) return;
  while (const dirent* entry = readdir(dir)) {
    const std::string name = entry->d_name;
    const long pid = writer_pid(name, base);
    if (pid <= 0 || pid == getpid()) continue;
    const std::string path = folder + "/" + name;
    struct stat st;
    if (lstat(path.c_str(), &st) != 0 || !S_ISREG(st.st_mode) || st.st_uid != geteuid()) continue;
    if (has_ended(pid)) (void)std::remove(path.c_str());
  }
  closedir(dir);
}

// A new empty file in the system's temporary folder ($TMPDIR or /tmp), named as the temporary files
// beside outputs are (dnafill-output-NS-PID-N.tmp), so that those a killed writer left are removed by
// the next one; "" when none can be made.
std::string staging_file() {
  const std::string& space = this_pid_namespace();
  std::error_code ec;
  const auto folder = std::filesystem::temp_directory_path(ec);
  if (ec) return {};
  const std::string prefix = (folder / ("dnafill-output-" + (space.empty() ? std::string("x") : space) + "-")).string();
  if (!space.empty()) remove_dead_writers_files(folder.string(), prefix);
  const std::string name = prefix + std::to_string(getpid()) + "-" + std::to_string(next_temporary_number()) + ".tmp";
  const int fd = open(name.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) return {};
  close(fd);
  return name;
}

// Copies `from` into the file that `to` names, which stays that file (its links, owner and mode). Its
// room is taken first, so that a full disk is met before a byte of it changes; `touched` says whether
// one may have.
// False with errno at the first failure.
bool copy_bytes(const std::string& from, const std::string& to, bool& touched) {
  touched = false;
  const int in = open(from.c_str(), O_RDONLY | O_CLOEXEC);
  if (in < 0) return false;
  const int out = open(to.c_str(), O_WRONLY | O_CREAT | O_CLOEXEC, 0666);
  struct stat st;
  bool ok = out >= 0 && fstat(in, &st) == 0;
  // The room is reserved without changing the file's size (KEEP_SIZE): a reservation that fails half-way
  // on ext4 still grew a file reserved up to its new size, with zeros. fallocate(2), not
  // posix_fallocate: where the file system cannot reserve (NFSv3, FUSE) glibc emulates it by reading
  // the file, which is open for writing only. There the copy goes on without.
  if (ok && st.st_size > 0 && fallocate(out, FALLOC_FL_KEEP_SIZE, 0, st.st_size) != 0)
    ok = errno == EOPNOTSUPP || errno == ENOSYS || errno == EINVAL;
  touched = ok;  // from here on `to` changes
  char buffer[1 << 16];
  while (ok) {
    const auto n = read(in, buffer, sizeof buffer);
    if (n <= 0) {
      ok = n == 0;
      break;
    }
    for (ssize_t done = 0; ok && done < n;) {
      const auto written = write(out, buffer + done, static_cast<std::size_t>(n - done));
      ok = written > 0 || (written < 0 && errno == EINTR);
      if (written > 0) done += written;
    }
  }
  if (ok && ftruncate(out, st.st_size) != 0) ok = false;
  const int error = errno;
  close(in);
  if (out >= 0 && close(out) != 0 && ok) return false;
  errno = error;
  return ok;
}

}  // namespace

status output_file::begin(const std::string& path) {
  drop();
  path_ = path;
  mode_ = 0;
  if (path == "-") return {};
  struct stat st;
  if (lstat(path.c_str(), &st) == 0) {
    // A file there that may not be written stays as it is (the rename would replace it all the same).
    errno = 0;
    if (S_ISREG(st.st_mode) && access(path.c_str(), W_OK) != 0)
      return status::fail(path + ": cannot write: " + std::strerror(errno));
    // Links, devices, FIFOs and other users' files keep their identity, owner and links.
    if (!S_ISREG(st.st_mode) || st.st_nlink > 1 || st.st_uid != geteuid()) return stage_for_copy(path);
    mode_ = st.st_mode & 07777;
  }
  const auto slash = path.rfind('/');
  const std::string folder = slash == std::string::npos ? "." : slash == 0 ? "/" : path.substr(0, slash);
  if (access(folder.c_str(), W_OK) != 0) return stage_for_copy(path);
  const std::string& space = this_pid_namespace();
  // A file's name takes at most 255 bytes (NAME_MAX): a long PATH's own is cut to leave room for the
  // ending, ".dnafill-" NAMESPACE "-" PID "-" N ".tmp" (up to 10 digits each).
  const std::string ending = ".dnafill-" + (space.empty() ? "x" : space) + "-";
  const std::size_t room = 255 - std::min<std::size_t>(255, ending.size() + 10 + 1 + 10 + 4);
  const std::size_t name_at = slash == std::string::npos ? 0 : slash + 1;
  const std::string prefix = path.substr(0, name_at) + path.substr(name_at, room) + ending;
  if (!space.empty()) remove_dead_writers_files(folder, prefix);
  set_temporary(prefix + std::to_string(getpid()) + "-" + std::to_string(next_temporary_number()) + ".tmp");
  return {};
}

// A plain file (links followed) is written into a staging file and copied in at commit(); anything
// else, or a plain file when no staging file can be made, is written as it goes.
status output_file::stage_for_copy(const std::string& path) {
  struct stat st;
  if (stat(path.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) return {};
  set_temporary(staging_file());
  copy_ = !temporary_.empty();
  return {};
}

status output_file::copy_into_path() {
  // From here the staging file may be the only whole output (PATH half copied): a second Ctrl-C must
  // not remove it.
  untrack(tracked_);
  tracked_ = -1;
  errno = 0;
  bool touched = false;
  if (copy_bytes(temporary_, path_, touched)) {
    drop();
    return {};
  }
  const int error = errno ? errno : EIO;
  if (!touched) {
    drop();
    return status::fail(path_ + ": cannot write: " + std::strerror(error) + " (it is as it was)");
  }
  // PATH may hold part of it now: the whole output stays where it was written, and is named.
  const std::string kept = temporary_;
  set_temporary({});
  copy_ = false;
  return status::fail(path_ + ": cannot write: " + std::strerror(error) + " (the whole output is in " + kept + ")");
}

status output_file::commit() {
  if (temporary_.empty()) return {};
  if (copy_) return copy_into_path();
  if (mode_ != 0) (void)chmod(temporary_.c_str(), mode_);
  errno = 0;
  if (std::rename(temporary_.c_str(), path_.c_str()) != 0) {
    const int error = errno;
    drop();
    return status::fail(path_ + ": cannot write: " + std::strerror(error ? error : EIO));
  }
  set_temporary({});
  return {};
}

std::string output_file::staging_note() const {
  return copy_ ? " (written first into " + temporary_ + ", to be copied in)" : std::string();
}

void output_file::drop() {
  if (!temporary_.empty()) std::remove(temporary_.c_str());
  set_temporary({});
  copy_ = false;
}

void output_file::set_temporary(std::string name) {
  untrack(tracked_);
  temporary_ = std::move(name);
  tracked_ = track(temporary_);
}

tracked_temporary::tracked_temporary(const std::string& path) : slot_(track(path)) {}

void tracked_temporary::forget() {
  untrack(slot_);
  slot_ = -1;
}

void remove_temporary_files_now() {
  for (auto& slot : tracked) {
    const unsigned before = slot.version.load(std::memory_order_acquire);
    if (before % 2 != 0) continue;  // being rewritten: its old name is no longer ours to remove
    char path[tracked_length];
    std::size_t i = 0;
    while (i + 1 < tracked_length && (path[i] = slot.path[i].load(std::memory_order_relaxed)) != '\0') ++i;
    path[i] = '\0';
    std::atomic_thread_fence(std::memory_order_acquire);
    if (path[0] != '\0' && slot.version.load(std::memory_order_relaxed) == before) unlink(path);
  }
}

// weakly_canonical stops at a dangling link, as at any missing part, so the links are followed by
// hand first. absolute() first, as weakly_canonical leaves a relative name whose first part does not
// exist as it is ("x.fa", "./x.fa").
std::string real_path(const std::string& path) {
  namespace fs = std::filesystem;
  std::error_code ec;
  fs::path p = fs::absolute(path, ec);
  // symlink_status sets ec for a path not there: that ends the loop, and is no error.
  for (int hops = 0; hops < 40 && fs::is_symlink(fs::symlink_status(p, ec)); ++hops) {  // 40: the kernel's limit
    const auto target = fs::read_symlink(p, ec);
    if (ec) return {};
    p = target.is_absolute() ? target : p.parent_path() / target;
  }
  p = fs::weakly_canonical(p, ec);
  return ec ? std::string() : p.string();
}

std::string real_path_or_given(const std::string& path) {
  const std::string real = real_path(path);
  return real.empty() ? path : real;
}

status check_creatable(const std::string& path) {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (fs::is_directory(path, ec)) return status::fail(path + " is a folder, not a file");
  const fs::path folder = fs::path(path).parent_path();
  if (!folder.empty() && !fs::is_directory(folder, ec))
    return status::fail(path + ": " + (fs::exists(folder, ec) ? folder.string() + " is not a folder"
                                                              : "the folder " + folder.string() + " does not exist"));
  // Else the run would fail at its end, when the file is made (a .gz's .fai and .gzi: 4 bytes more).
  if (const auto name = fs::path(path).filename().string(); name.size() > 255)
    return status::fail(path + ": the file's name is " + std::to_string(name.size()) + " bytes long; a file's name takes at most 255");
  // So too a file there that may not be written, or a folder where none may be made: found after
  // the designs, it would throw them all away. (Through a link not there yet, the target's folder.)
  errno = 0;
  if (fs::exists(path, ec)) {
    if (access(path.c_str(), W_OK) != 0) return status::fail(path + " may not be written (" + std::strerror(errno) + ")");
  } else {
    const auto made_in = fs::path(real_path_or_given(path)).parent_path();
    const std::string where = made_in.empty() ? "." : made_in.string();
    // A link whose target's folder is not there: said as such, not as a folder that is not writable.
    if (!fs::is_directory(where, ec))
      return status::fail(path + " cannot be made: it is a link to " + real_path_or_given(path) + ", and the folder " +
                          where + " does not exist");
    if (access(where.c_str(), W_OK) != 0)
      return status::fail(path + " cannot be made: the folder " + where + " is not writable (" + std::strerror(errno) + ")");
  }
  return {};
}

bool same_file(const std::string& a, const std::string& b) {
  namespace fs = std::filesystem;
  std::error_code ea, eb;
  if (fs::exists(a, ea) && fs::exists(b, eb)) return fs::equivalent(a, b, ea);
  // Not both there yet: compare where they would be; a place that cannot be told is equal to none.
  const auto where_a = real_path(a), where_b = real_path(b);
  return !where_a.empty() && where_a == where_b;
}

namespace {

// What a file holds: the output kind it is (unchecked: none dnafill writes), and in words.
struct file_content {
  output_kind kind = output_kind::unchecked;
  std::string what;
};

file_content classify(const std::string& path) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) return {output_kind::unchecked, "no regular file"};  // a FIFO is not read
  unsigned char head[16] = {};
  std::ifstream file(path, std::ios::binary);
  file.read(reinterpret_cast<char*>(head), sizeof head);
  const auto got = static_cast<std::size_t>(file.gcount());
  const auto size = std::filesystem::file_size(path, ec);
  // safetensors: an 8-byte little-endian header length that fits the file, then the header's '{'. A
  // text file's first 8 bytes read as a length far beyond any file.
  std::uint64_t length = 0;
  for (int i = 7; i >= 0; --i) length = length << 8 | head[i];
  if (got >= 9 && head[8] == '{' && !ec && size >= 8 && length <= size - 8) return {output_kind::checkpoint, "a safetensors checkpoint"};
  if (got >= 16 && std::memcmp(head, "SQLite format 3", 16) == 0) return {output_kind::unchecked, "a SQLite database"};
  if (got >= 4 && std::memcmp(head, "PK\x03\x04", 4) == 0) return {output_kind::training_state, "a zip file (a training state?)"};
  if (got >= 1 && head[0] == '{') return {output_kind::json_lines, "JSON lines"};
  if (got >= 7 && std::memcmp(head, "record\t", 7) == 0) return {output_kind::constraint_report, "a constraint report"};  // --report's header
  // htslib tells the sequence formats, compressed or not (a BAM and a bgzipped FASTA are both BGZF).
  htsFormat format{};
  if (detail::detect_format(path, format)) {
    if (format.format == fasta_format) return {output_kind::fasta, "a FASTA file"};
    if (format.format == empty_format && format.compression != no_compression) return {output_kind::fasta, "an empty compressed file"};
    if (format.format != unknown_format && format.format != binary_format && format.format != text_format &&
        format.format != empty_format) {
      char* description = hts_format_description(&format);
      const std::string what = description ? description : "another format";
      std::free(description);
      return {output_kind::unchecked, what};
    }
  }
  if (got >= 1 && head[0] == '>') return {output_kind::fasta, "a FASTA file"};  // one htslib does not call so (an empty first record)
  if (got >= 2 && head[0] == 0x1f && head[1] == 0x8b) return {output_kind::unchecked, "gzip data"};
  return {output_kind::unchecked, "other data"};
}

}  // namespace

std::string what_file_holds(const std::string& path) { return classify(path).what; }

namespace {

bool is_gzi(const std::string& path) { return path.size() > 4 && path.compare(path.size() - 4, 4, ".gzi") == 0; }

// A .gzi to be written over must be one whole: its first 8 bytes, the count n of its entries (little
// endian), and its size 8 + 16n. could_be_index alone takes any size of 8 + 16k that holds a zero byte,
// as a damaged index may be read past; a checkpoint of such a size was then replaced. Not a .gzi: true.
bool gzi_count_fits(const std::string& path) {
  if (!is_gzi(path)) return true;
  std::ifstream file(path, std::ios::binary);
  unsigned char head[8] = {};
  if (!file.read(reinterpret_cast<char*>(head), 8)) return false;
  std::uint64_t count = 0;
  for (int i = 7; i >= 0; --i) count = count << 8 | head[i];
  std::error_code ec;
  const auto size = std::filesystem::file_size(path, ec);
  return !ec && count <= (size - 8) / 16 && size == 8 + 16 * count;
}

}  // namespace

bool could_be_index(const std::string& index) {
  std::ifstream file(index, std::ios::binary);
  if (!file) return true;
  std::string head(4096, '\0');
  file.read(head.data(), static_cast<std::streamsize>(head.size()));
  head.resize(static_cast<std::size_t>(file.gcount()));
  if (head.empty()) return true;
  if (is_gzi(index)) {
    // Its count and offsets are little-endian 64-bit numbers far below 2^56: a .gzi holds zero bytes,
    // text does not. (A damaged count is still an index, built anew.)
    file.clear();
    file.seekg(0, std::ios::end);
    const auto size = static_cast<std::uint64_t>(file.tellg());
    return size >= 8 && (size - 8) % 16 == 0 && head.find('\0') != std::string::npos;
  }
  if (head.find('\0') != std::string::npos) return false;
  const std::string line = head.substr(0, head.find('\n'));
  std::istringstream fields(line);
  std::string field;
  int count = 0;
  for (bool name = true; std::getline(fields, field, '\t'); name = false, ++count)
    if (!name && (field.empty() || field.find_first_not_of("0123456789\r") != std::string::npos)) return false;
  return count == 5 || count == 6;
}

bool replaceable(const std::string& path, output_kind kind) {
  // Only a regular file is looked into: reading a FIFO or /dev/stderr would wait for ever.
  std::error_code ec;
  if (kind == output_kind::unchecked || !std::filesystem::is_regular_file(path, ec)) return true;
  if (std::filesystem::file_size(path, ec) == 0 || ec) return true;  // empty
  if (!std::ifstream(path)) return true;  // unreadable: the write says what it can do
  if (kind == output_kind::fasta_index) return could_be_index(path) && gzi_count_fits(path);
  return classify(path).kind == kind;
}

std::string output_kind_name(output_kind kind) {
  switch (kind) {
    case output_kind::unchecked: return "any file";
    case output_kind::fasta: return "FASTA";
    case output_kind::json_lines: return "JSON lines";
    case output_kind::constraint_report: return "a constraint report";
    case output_kind::checkpoint: return "a safetensors checkpoint";
    case output_kind::training_state: return "a training state";
    case output_kind::fasta_index: return "a FASTA index";
  }
  return "any file";
}

}  // namespace dnafill::bio
