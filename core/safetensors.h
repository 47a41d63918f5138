// safetensors: reading and writing the checkpoint file format, torch-free (plain bytes, shapes, dtypes).
//
// Layout: an 8-byte little-endian u64 N, then N bytes of UTF-8 JSON (padded with spaces so that the data
// starts at a multiple of 8), then the data section. The JSON maps each tensor name to
// {"dtype", "shape", "data_offsets": [begin, end]} (offsets relative to the data section) and may hold a
// "__metadata__" object of string values. Tensors are row-major, little-endian, packed in offset order
// with no gaps. Files written here load in Python's `safetensors`; files from there load here.
//
// Memory: an st_file owns all its bytes (std::vector); nothing points into the file once a call returns.
// Thread-safety: the functions keep no state; calls on different st_file objects may run concurrently.
// Two writers of one path: the last rename wins, and neither leaves a torn file (core/whole_file.h).
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "bio/status.h"

namespace dnafill::core {

// Element types of the format, spelled in the file as F64 F32 F16 BF16 I64 I32 I16 I8 U8 BOOL.
enum class st_dtype { f64, f32, f16, bf16, i64, i32, i16, i8, u8, boolean };

// Bytes per element: 8, 4, 2, 2, 8, 4, 2, 1, 1, 1 (BOOL is one byte, 0 or 1).
std::size_t dtype_size(st_dtype dtype);

// The file's spelling of a dtype ("F32"), for messages and for callers that map to their own types.
const char* dtype_name(st_dtype dtype);

// One tensor. `data` holds product(shape) * dtype_size(dtype) bytes, little-endian, row-major, exactly
// as they lie in the file. An empty shape is a scalar (one element); a zero dimension means no bytes.
struct st_tensor {
  std::string name;
  st_dtype dtype = st_dtype::f32;
  std::vector<int64_t> shape;
  std::vector<uint8_t> data;
};

// A whole file. read_safetensors fills `tensors` in the file's data order (zero-byte tensors that share
// an offset come in name order) and `metadata` with every "__metadata__" entry, "dnafill.data_crc32"
// included.
struct st_file {
  std::map<std::string, std::string> metadata;
  std::vector<st_tensor> tensors;

  // The tensor called `name`, or nullptr. Linear search; the pointer lives as long as `tensors` is
  // not resized.
  const st_tensor* find(const std::string& name) const;
};

// The metadata key under which write_safetensors stores the crc32 of the data section, as 8 lowercase
// hex digits. read_safetensors checks it when present (files from elsewhere do not have it).
inline constexpr const char* data_crc32_key = "dnafill.data_crc32";
// And of the header: the crc32 of the header's JSON as nlohmann::json writes it (keys sorted, no
// spaces) without this entry, so that the config, the metadata and the tensor table are checked too (a
// norm_eps of 1e-05 edited to 1e-01 loaded and scored 2.01 bits/base). Files written before
// 2026-12-03 (the shipped models among them) and files from elsewhere have none.
inline constexpr const char* header_crc32_key = "dnafill.header_crc32";

// Writes `file` to `path` whole (core/whole_file.h): a crash leaves either the old file or the new
// one. Tensors are written in the order given; metadata gets data_crc32_key and header_crc32_key (any
// value the caller put there is replaced). Fails, leaving no temp file and `path` untouched, on I/O errors ("PATH: cannot
// write the safetensors file: <errno text>"), on a second program writing `path` now, or on a
// malformed st_file: empty, duplicate or "__metadata__" names, negative dimensions, or a data size that
// does not match the shape and dtype.
[[nodiscard]] dnafill::status write_safetensors(const std::string& path, const st_file& file);

// Reads and validates the whole file at `path` into `file` (replacing its contents). Fails with one
// line "PATH: problem" on anything malformed: short or empty file, header length past the end or over
// 100 MB, bad JSON, missing or mistyped fields, unknown dtype, negative dimensions, offsets that do not
// match shape * dtype size, gaps, overlaps, trailing bytes, non-string metadata, or a crc32 mismatch
// (of the data or of the header).
// Sizes are checked against the file size before allocating: data buffers never exceed it and the
// parsed header costs a small multiple of its length (itself at most 100 MB). On failure `file` is left empty.
[[nodiscard]] dnafill::status read_safetensors(const std::string& path, st_file& file);

}  // namespace dnafill::core
