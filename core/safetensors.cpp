// safetensors: validated reading and whole-file writing of the checkpoint file format (see safetensors.h).
#include "core/safetensors.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <limits>
#include <set>
#include <utility>

#include <nlohmann/json.hpp>

#include "core/whole_file.h"

namespace dnafill::core {
namespace {

using nlohmann::json;

// The reference implementation refuses larger headers; so do we, before allocating anything.
constexpr uint64_t max_header_bytes = 100u * 1000u * 1000u;

struct dtype_info {
  st_dtype dtype;
  const char* name;
  std::size_t size;
};

constexpr dtype_info dtype_table[] = {
    {st_dtype::f64, "F64", 8}, {st_dtype::f32, "F32", 4},  {st_dtype::f16, "F16", 2},
    {st_dtype::bf16, "BF16", 2}, {st_dtype::i64, "I64", 8}, {st_dtype::i32, "I32", 4},
    {st_dtype::i16, "I16", 2}, {st_dtype::i8, "I8", 1},    {st_dtype::u8, "U8", 1},
    {st_dtype::boolean, "BOOL", 1},
};

const dtype_info* find_dtype(const std::string& name) {
  for (const dtype_info& info : dtype_table)
    if (name == info.name) return &info;
  return nullptr;
}

// Names come from the file and may hold anything: messages show at most 200 bytes of one, on one
// line (bio's printable: other bytes as \xNN).
std::string name_in_message(const std::string& text) {
  return printable(std::string_view(text).substr(0, 200)) + (text.size() > 200 ? "..." : "");
}

std::string errno_text(int error) { return std::strerror(error); }

// product(shape) * element_size in bytes; false on a negative dimension or on overflow, which a
// hostile header can ask for and which must not turn into a small allocation.
bool byte_count(const std::vector<int64_t>& shape, std::size_t element_size, uint64_t& bytes) {
  uint64_t count = 1;
  for (int64_t dim : shape) {
    if (dim < 0) return false;
    const auto d = static_cast<uint64_t>(dim);
    if (d != 0 && count > std::numeric_limits<uint64_t>::max() / d) return false;
    count *= d;
  }
  if (count > std::numeric_limits<uint64_t>::max() / element_size) return false;
  bytes = count * element_size;
  return true;
}

// zlib takes 32-bit lengths; feed it in chunks so tensors over 4 GiB still hash correctly.
uint32_t crc32_update(uint32_t crc, const uint8_t* data, std::size_t size) {
  constexpr std::size_t chunk = std::size_t{1} << 30;
  uLong value = crc;
  while (size > 0) {
    const std::size_t n = std::min(size, chunk);
    value = ::crc32(value, data, static_cast<uInt>(n));
    data += n;
    size -= n;
  }
  return static_cast<uint32_t>(value);
}

std::string crc_to_hex(uint32_t crc) {
  char text[9];
  std::snprintf(text, sizeof text, "%08x", static_cast<unsigned>(crc));
  return text;
}

bool hex_to_crc(const std::string& text, uint32_t& crc) {
  if (text.size() != 8) return false;
  uint32_t value = 0;
  for (char c : text) {
    int digit;
    if (c >= '0' && c <= '9') digit = c - '0';
    else if (c >= 'a' && c <= 'f') digit = c - 'a' + 10;
    else if (c >= 'A' && c <= 'F') digit = c - 'A' + 10;
    else return false;
    value = value << 4 | static_cast<uint32_t>(digit);
  }
  crc = value;
  return true;
}

// The crc32 of a header's JSON text without its header_crc32_key entry (json::dump: sorted keys, no
// spaces, the same text for the writer and for the reader of the same values).
uint32_t header_crc(const std::string& text) {
  return crc32_update(0, reinterpret_cast<const uint8_t*>(text.data()), text.size());
}

// A refusal when the header's stored crc is not that of the rest of the header; none without one.
status check_header_crc(json root, const std::map<std::string, std::string>& metadata) {
  const auto it = metadata.find(header_crc32_key);
  if (it == metadata.end()) return status{};
  uint32_t stored = 0;
  if (!hex_to_crc(it->second, stored))
    return status::fail(std::string("metadata ") + header_crc32_key + " is not 8 hex digits");
  root["__metadata__"].erase(header_crc32_key);
  if (stored != header_crc(root.dump()))
    return status::fail("header checksum mismatch: its config, metadata or tensor table is corrupted or was altered");
  return status{};
}

// ---- file descriptors ----

// Closes on scope exit so every early return releases the descriptor.
class fd_guard {
 public:
  explicit fd_guard(int fd) : fd_(fd) {}
  ~fd_guard() {
    if (fd_ >= 0) ::close(fd_);
  }
  fd_guard(const fd_guard&) = delete;
  fd_guard& operator=(const fd_guard&) = delete;
  int get() const { return fd_; }

 private:
  int fd_;
};

// 0 on success, -1 at an early end of file, else the errno of the failed read.
int read_all(int fd, void* data, std::size_t size) {
  auto* p = static_cast<uint8_t*>(data);
  while (size > 0) {
    const ssize_t n = ::read(fd, p, std::min<std::size_t>(size, std::size_t{1} << 30));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return errno;
    if (n == 0) return -1;
    p += n;
    size -= static_cast<std::size_t>(n);
  }
  return 0;
}

// ---- writing ----

status check_for_write(const std::string& path, const st_file& file) {
  std::set<std::string> names;
  for (const st_tensor& t : file.tensors) {
    const std::string where = path + ": tensor '" + name_in_message(t.name) + "': ";
    if (t.name.empty()) return status::fail(path + ": a tensor has an empty name");
    if (t.name == "__metadata__") return status::fail(where + "name is reserved for metadata");
    if (!names.insert(t.name).second) return status::fail(where + "name used twice");
    uint64_t bytes = 0;
    if (!byte_count(t.shape, dtype_size(t.dtype), bytes))
      return status::fail(where + "shape has a negative dimension or is too large");
    if (bytes != t.data.size())
      return status::fail(where + "holds " + std::to_string(t.data.size()) + " bytes but shape and " +
                          dtype_name(t.dtype) + " need " + std::to_string(bytes));
  }
  return status{};
}

// The JSON header, space-padded so that 8 + its size is a multiple of 8 (aligned data for mmap).
status build_header(const std::string& path, const st_file& file, uint32_t crc, std::string& header) {
  json root = json::object();
  json metadata(file.metadata);
  metadata.erase(header_crc32_key);
  metadata[data_crc32_key] = crc_to_hex(crc);
  root["__metadata__"] = std::move(metadata);
  uint64_t offset = 0;
  for (const st_tensor& t : file.tensors) {
    const uint64_t end = offset + t.data.size();
    root[t.name] = {{"dtype", dtype_name(t.dtype)}, {"shape", t.shape}, {"data_offsets", {offset, end}}};
    offset = end;
  }
  try {
    root["__metadata__"][header_crc32_key] = crc_to_hex(header_crc(root.dump()));
    header = root.dump();
  } catch (const json::exception&) {
    return status::fail(path + ": a tensor name or metadata entry is not valid UTF-8");
  }
  header.append((8 - header.size() % 8) % 8, ' ');
  return status{};
}

// The file's bytes, in order: the header's length, the header, the tensors. 0 or an errno.
int write_contents(int fd, const std::string& header, const st_file& file) {
  uint8_t prefix[8];
  for (int i = 0; i < 8; ++i) prefix[i] = static_cast<uint8_t>(static_cast<uint64_t>(header.size()) >> (8 * i));
  int error = write_all(fd, prefix, sizeof prefix);
  if (error == 0) error = write_all(fd, header.data(), header.size());
  for (const st_tensor& t : file.tensors)
    if (error == 0) error = write_all(fd, t.data.data(), t.data.size());
  return error;
}

// ---- reading ----

// What the header says about one tensor, before its bytes are read.
struct tensor_entry {
  std::string name;
  st_dtype dtype;
  std::vector<int64_t> shape;
  uint64_t begin = 0;
  uint64_t end = 0;
};

status parse_shape(const json& value, std::vector<int64_t>& shape) {
  if (!value.is_array()) return status::fail("\"shape\" is not an array");
  for (const json& dim : value) {
    if (dim.is_number_unsigned()) {
      if (dim.get<uint64_t>() > static_cast<uint64_t>(std::numeric_limits<int64_t>::max()))
        return status::fail("dimension too large");
      shape.push_back(dim.get<int64_t>());
    } else if (dim.is_number_integer()) {
      return status::fail("negative dimension " + std::to_string(dim.get<int64_t>()) + " in shape");
    } else {
      return status::fail("shape holds something other than an integer");
    }
  }
  return status{};
}

status parse_offsets(const json& value, uint64_t& begin, uint64_t& end) {
  if (!value.is_array() || value.size() != 2 || !value[0].is_number_unsigned() ||
      !value[1].is_number_unsigned())
    return status::fail("\"data_offsets\" is not a pair of non-negative integers");
  begin = value[0].get<uint64_t>();
  end = value[1].get<uint64_t>();
  if (end < begin) return status::fail("data_offsets end before they begin");
  return status{};
}

// Checks one tensor's fields and that its offsets span exactly shape * dtype size.
status parse_entry(const std::string& name, const json& value, tensor_entry& entry) {
  if (!value.is_object()) return status::fail("entry is not an object");
  for (const char* field : {"dtype", "shape", "data_offsets"})
    if (!value.contains(field)) return status::fail(std::string("missing \"") + field + "\"");
  const json& dtype = value["dtype"];
  if (!dtype.is_string()) return status::fail("\"dtype\" is not a string");
  const dtype_info* info = find_dtype(dtype.get<std::string>());
  if (info == nullptr) return status::fail("unsupported dtype '" + name_in_message(dtype.get<std::string>()) + "'");
  entry.name = name;
  entry.dtype = info->dtype;
  status s = parse_shape(value["shape"], entry.shape);
  if (s.ok()) s = parse_offsets(value["data_offsets"], entry.begin, entry.end);
  if (!s.ok()) return s;
  uint64_t bytes = 0;
  if (!byte_count(entry.shape, info->size, bytes)) return status::fail("shape is too large");
  if (entry.end - entry.begin != bytes)
    return status::fail("data_offsets span " + std::to_string(entry.end - entry.begin) +
                        " bytes but shape and " + info->name + " need " + std::to_string(bytes));
  return status{};
}

status parse_metadata(const json& value, std::map<std::string, std::string>& metadata) {
  if (!value.is_object()) return status::fail("\"__metadata__\" is not an object");
  for (auto it = value.begin(); it != value.end(); ++it) {
    if (!it.value().is_string())
      return status::fail("metadata value '" + name_in_message(it.key()) + "' is not a string");
    metadata[it.key()] = it.value().get<std::string>();
  }
  return status{};
}

// Parses the header into metadata and tensor entries sorted by offset. Messages lack the path.
status parse_header(const std::string& text, std::map<std::string, std::string>& metadata,
                    std::vector<tensor_entry>& entries) {
  json root;
  try {
    root = json::parse(text);
  } catch (const json::parse_error& e) {
    return status::fail("header is not valid JSON (error at byte " + std::to_string(e.byte) + ")");
  } catch (const json::exception&) {
    return status::fail("header is not valid JSON");
  }
  if (!root.is_object()) return status::fail("header is not a JSON object");
  for (auto it = root.begin(); it != root.end(); ++it) {
    if (it.key() == "__metadata__") {
      status s = parse_metadata(it.value(), metadata);
      if (!s.ok()) return s;
      continue;
    }
    tensor_entry entry;
    status s = parse_entry(it.key(), it.value(), entry);
    if (!s.ok()) return status::fail("tensor '" + name_in_message(it.key()) + "': " + s.message());
    entries.push_back(std::move(entry));
  }
  std::stable_sort(entries.begin(), entries.end(), [](const tensor_entry& a, const tensor_entry& b) {
    return std::make_pair(a.begin, a.end) < std::make_pair(b.begin, b.end);
  });
  return check_header_crc(std::move(root), metadata);
}

// The tensors must tile the data section exactly, as Python's safetensors demands.
status check_layout(const std::vector<tensor_entry>& entries, uint64_t data_size) {
  uint64_t expected = 0;
  for (const tensor_entry& e : entries) {
    if (e.begin < expected)
      return status::fail("tensor '" + name_in_message(e.name) + "' overlaps the tensor before it");
    if (e.begin > expected)
      return status::fail("gap of " + std::to_string(e.begin - expected) + " bytes before tensor '" +
                          name_in_message(e.name) + "'");
    expected = e.end;
  }
  if (expected != data_size)
    return status::fail("data section holds " + std::to_string(data_size) + " bytes but the tensors cover " +
                        std::to_string(expected));
  return status{};
}

status check_crc(const std::map<std::string, std::string>& metadata, uint32_t actual) {
  const auto it = metadata.find(data_crc32_key);
  if (it == metadata.end()) return status{};
  uint32_t stored = 0;
  if (!hex_to_crc(it->second, stored))
    return status::fail(std::string("metadata ") + data_crc32_key + " is not 8 hex digits");
  if (stored != actual) return status::fail("checksum mismatch: the file is corrupted or was altered");
  return status{};
}

// What a file begins as, from its first 8 bytes, when they are no header length: the model option
// given a FASTA, a store or a training state. Empty when the bytes say nothing.
std::string other_format(const uint8_t* p) {
  if (p[0] == '>') return "a FASTA file";
  if (p[0] == '{') return "JSON text (a training log, OUT.log.jsonl? give the checkpoint)";
  if (p[0] == '@') return "a FASTQ or SAM file";
  if (std::memcmp(p, "SQLite f", 8) == 0) return "a SQLite database (a dnafill store?)";
  // BGZF, what bgzip and BAM write, is gzip with an extra field (FLG.FEXTRA, bit 2 of byte 3).
  if (p[0] == 0x1f && p[1] == 0x8b) return p[3] & 4 ? "BGZF data (a BAM file, or a bgzipped FASTA)" : "gzip data";
  if (std::memcmp(p, "PK\3\4", 4) == 0) return "a zip file (a training state, OUT.state? give the checkpoint)";
  if (std::memcmp(p, "CRAM", 4) == 0) return "a CRAM file";
  return {};
}

// Reads the 8-byte length and the header text, checking both against the file size first.
status read_header(int fd, uint64_t file_size, std::string& header) {
  if (file_size < 8)
    return status::fail("file too short (" + std::to_string(file_size) +
                        " bytes) to be safetensors: it needs an 8-byte header length");
  uint8_t prefix[8];
  int error = read_all(fd, prefix, sizeof prefix);
  if (error != 0) return status::fail(error < 0 ? "unexpected end of file" : "cannot read: " + errno_text(error));
  uint64_t length = 0;
  for (int i = 7; i >= 0; --i) length = length << 8 | prefix[i];
  if (const std::string other = other_format(prefix); !other.empty() && length > std::min<uint64_t>(max_header_bytes, file_size - 8))
    return status::fail("not a safetensors checkpoint: the file is " + other);
  if (length > max_header_bytes)
    return status::fail("header length " + std::to_string(length) + " is absurd (over 100 MB); not safetensors?");
  if (length > file_size - 8)
    return status::fail("header length " + std::to_string(length) + " runs past the end of the file (" +
                        std::to_string(file_size) + " bytes); the file is truncated or not safetensors");
  header.resize(length);
  error = read_all(fd, header.data(), header.size());
  if (error != 0) return status::fail(error < 0 ? "unexpected end of file" : "cannot read: " + errno_text(error));
  return status{};
}

// Reads the tensors' bytes in offset order (the layout is already checked) and checks the crc.
status read_data(int fd, const std::vector<tensor_entry>& entries, st_file& out) {
  uint32_t crc = 0;  // zlib's starting value, crc32(0, Z_NULL, 0)
  for (const tensor_entry& e : entries) {
    st_tensor t{e.name, e.dtype, e.shape, {}};
    t.data.resize(e.end - e.begin);
    const int error = read_all(fd, t.data.data(), t.data.size());
    if (error != 0)
      return status::fail(error < 0 ? "unexpected end of file" : "cannot read: " + errno_text(error));
    crc = crc32_update(crc, t.data.data(), t.data.size());
    out.tensors.push_back(std::move(t));
  }
  return check_crc(out.metadata, crc);
}

status read_file(int fd, uint64_t file_size, st_file& out) {
  std::string header;
  status s = read_header(fd, file_size, header);
  std::vector<tensor_entry> entries;
  if (s.ok()) s = parse_header(header, out.metadata, entries);
  if (s.ok()) s = check_layout(entries, file_size - 8 - header.size());
  if (s.ok()) s = read_data(fd, entries, out);
  return s;
}

}  // namespace

std::size_t dtype_size(st_dtype dtype) {
  for (const dtype_info& info : dtype_table)
    if (info.dtype == dtype) return info.size;
  return 1;  // unreachable for valid enum values
}

const char* dtype_name(st_dtype dtype) {
  for (const dtype_info& info : dtype_table)
    if (info.dtype == dtype) return info.name;
  return "?";
}

const st_tensor* st_file::find(const std::string& name) const {
  for (const st_tensor& t : tensors)
    if (t.name == name) return &t;
  return nullptr;
}

status write_safetensors(const std::string& path, const st_file& file) {
  status s = check_for_write(path, file);
  if (!s.ok()) return s;
  uint32_t crc = 0;  // zlib's starting value, crc32(0, Z_NULL, 0)
  for (const st_tensor& t : file.tensors) crc = crc32_update(crc, t.data.data(), t.data.size());
  std::string header;
  s = build_header(path, file, crc, header);
  if (!s.ok()) return s;

  return replace_whole(path, "the safetensors file", [&](int fd) { return write_contents(fd, header, file); });
}

status read_safetensors(const std::string& path, st_file& file) {
  file = st_file{};
  // O_NONBLOCK: a FIFO is refused below instead of waiting for a writer (no effect on plain files).
  fd_guard fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK));
  if (fd.get() < 0) return status::fail(path + ": cannot open: " + errno_text(errno));
  struct stat info {};
  if (::fstat(fd.get(), &info) != 0) return status::fail(path + ": cannot stat: " + errno_text(errno));
  if (!S_ISREG(info.st_mode)) return status::fail(path + ": not a regular file");
  st_file out;
  status s = read_file(fd.get(), static_cast<uint64_t>(info.st_size), out);
  if (!s.ok()) return status::fail(path + ": " + s.message());
  file = std::move(out);
  return status{};
}

}  // namespace dnafill::core
