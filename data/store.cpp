// The store: opening and checking the file, the writer lock, runs, items and designs.
#include "data/store.h"

#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>

#include "bio/output_file.h"
#include "bio/sequence.h"
#include "data/schema.h"
#include "data/sqlite_internal.h"
#include "data/store_lock.h"

namespace dnafill::data {

using detail::db_ptr;
using detail::execute;
using detail::query_int;
using detail::query_text;
using detail::sqlite_failure;
using detail::statement;
using detail::transaction;

namespace {

constexpr const char* now_sql = "strftime('%Y-%m-%dT%H:%M:%fZ', 'now')";

std::string hex32(std::int64_t v) {
  char text[16];
  std::snprintf(text, sizeof text, "0x%08llx", static_cast<unsigned long long>(v) & 0xffffffffULL);
  return text;
}

// "file:" + the path with the characters a URI gives meaning to escaped.
std::string file_uri(const std::string& path) {
  std::string uri = "file:";
  for (char c : path) {
    if (c == '%' || c == '?' || c == '#') {
      char escaped[4];
      std::snprintf(escaped, sizeof escaped, "%%%02X", static_cast<unsigned char>(c));
      uri += escaped;
    } else {
      uri += c;
    }
  }
  return uri;
}

struct beside_store;  // open_reader's look at the files beside a store

}  // namespace

struct store::impl {
  std::string path;
  store_options options;
  db_ptr db;
  detail::store_lock lock;  // released only after the connection is closed (store_lock.h)
  int from_version = 0;
  dev_t device = 0;  // the file opened, for still_at_path
  ino_t inode = 0;

  sqlite3* handle() const { return db.get(); }
  status open_connection(int flags, const char* uri_query = nullptr);
  status check_identity(int& version);
  status check_integrity();
  status mark_interrupted(run_record* runs, std::size_t count);
  status read_one_run(std::int64_t run_id, run_record& run, bool& found);
  status open_writer();
  status set_up_writer();  // open_writer once the lock is held: the connection, its checks, the schema
  void release();  // closes the connection, then lets the writer lock go
  status open_reader(const std::string& real);  // `real`: the path, links followed
  status refuse_unread(const beside_store& b, status s);
  status refuse_read(const beside_store& b, status s, bool ours = true);
  status reopen_query_only();  // the reader's connection again, one that may write (and so tidies at its close)
  status require_open(bool writing) const;
  status read_designs(statement& st, const std::function<status(design_record&)>& each);
};

status store::impl::open_connection(int flags, const char* uri_query) {
  sqlite3* raw = nullptr;
  // A relative path as "./PATH": SQLite gives ":memory:" and "file:..." names meanings of their own
  // (an in-memory store, URI parameters such as mode=memory); a store is the file named.
  const std::string file = path.empty() || path[0] == '/' ? path : "./" + path;
  const std::string name = uri_query ? file_uri(file) + uri_query : file;
  const int rc = sqlite3_open_v2(name.c_str(), &raw, flags, nullptr);
  db.reset(raw);
  if (rc != SQLITE_OK) return sqlite_failure(path, raw, rc, "opening");
  if (const int r = sqlite3_extended_result_codes(raw, 1); r != SQLITE_OK) return sqlite_failure(path, raw, r, "setup");
  if (const int r = sqlite3_busy_timeout(raw, options.busy_timeout_ms); r != SQLITE_OK)
    return sqlite_failure(path, raw, r, "setting the lock wait");
  return {};
}

// Ours, and not newer than this build. Reading the header is also where a file that is not SQLite
// at all is found out; nothing has been written yet.
status store::impl::check_identity(int& version) {
  std::int64_t id = 0, v = 0, objects = 0;
  if (auto s = query_int(handle(), path, "PRAGMA application_id", id); !s) return s;
  if (auto s = query_int(handle(), path, "PRAGMA user_version", v); !s) return s;
  if (auto s = query_int(handle(), path, "SELECT count(*) FROM sqlite_master", objects); !s) return s;
  if (id == 0 && v == 0 && objects == 0) {
    version = detail::schema_empty;
    return {};
  }
  if (id != detail::store_application_id)
    return status::fail(path + ": a SQLite database of another program (" +
                        (id == 0 ? std::string("no application_id") : "application_id " + hex32(id)) +
                        ", not a dnafill store)" + (options.read_only ? "" : "; refusing to change it"));
  if (v > detail::schema_current)
    return status::fail(path + ": written by a newer dnafill (store schema v" + std::to_string(v) +
                        "; this build knows up to v" + std::to_string(detail::schema_current) + "): use a newer dnafill");
  if (v < 0) return status::fail(path + ": bad store schema version " + std::to_string(v));
  // Version 0 is a file with nothing in it yet: tables with it are a store whose version was lost.
  if (v == 0 && objects > 0)
    return status::fail(path + ": a dnafill store with tables but schema version 0 (user_version reset?): the file is "
                               "damaged; restore it from a copy");
  // Its tables and indexes, by name: a file that says it is a store and lacks one met SQLite's "no such
  // table" on reading, or "no such index" when migrating.
  for (const auto& object : detail::objects_of(static_cast<int>(v))) {
    std::int64_t found = 0;
    const std::string sql = "SELECT count(*) FROM sqlite_master WHERE type = '" + object.type + "' AND name = '" +
                            object.name + "'";
    if (auto s = query_int(handle(), path, sql.c_str(), found); !s) return s;
    if (found == 0)
      return status::fail(path + ": a dnafill store (schema v" + std::to_string(v) + ") without its " + object.type +
                          " '" + object.name + "': the file is damaged or not a store; restore it from a copy");
  }
  version = static_cast<int>(v);
  return {};
}

status store::impl::check_integrity() {
  statement st(handle(), path);
  if (auto s = st.prepare("PRAGMA integrity_check"); !s) return s;
  bool row = false;
  if (auto s = st.step(row); !s) return s;
  if (!row) return status::fail(path + ": the integrity check gave no answer: the file is damaged; restore it from a copy");
  if (st.column_text(0) == "ok") return {};
  // SQLite lists every problem, in rows of one or more lines (damaged pages under a "*** in database
  // main ***" heading): the first, and how many more, fit on one line.
  std::vector<std::string> problems;
  for (; row; (void)st.step(row)) {
    const std::string answer = st.column_text(0);
    for (std::size_t start = 0; start <= answer.size();) {
      const auto end = std::min(answer.find('\n', start), answer.size());
      if (const auto line = answer.substr(start, end - start); !line.empty() && line.rfind("***", 0) != 0) problems.push_back(line);
      start = end + 1;
    }
  }
  std::string said = problems.empty() ? "no problem named" : problems.front().substr(0, 200);
  if (problems.size() > 1) said += ", and " + std::to_string(problems.size() - 1) + " more";
  return status::fail(path + ": the integrity check failed (" + said + "): the file is damaged; restore it from a copy");
}

// One writer per file: the lock is taken before SQLite sees the file, so a second writer (a batch
// resumed twice at once) is turned away before it can read a half-claimed run.
status store::impl::open_writer() {
  if (auto s = lock.attach_writer(path); !s) return s;
  // A new store the lock made that cannot be set up (a full disk at its first COMMIT) goes, with what
  // SQLite made beside it: an empty file left there would be refused by every later run. A file that
  // was there (an empty one of the user's, a link) stays.
  auto s = set_up_writer();
  if (!s && lock.created()) {
    db.reset();
    for (const auto& companion : companion_files(path)) (void)std::remove(companion.path.c_str());
    (void)std::remove(path.c_str());
  }
  return s;
}

status store::impl::set_up_writer() {
  if (auto s = open_connection(SQLITE_OPEN_READWRITE); !s) return s;
  if (sqlite3_db_readonly(handle(), "main") == 1) return status::fail(path + ": the database is read-only");
  if (auto s = check_identity(from_version); !s) return s;
  if (from_version > detail::schema_empty)
    if (auto s = check_integrity(); !s) return s;
  std::string mode;
  if (auto s = query_text(handle(), path, "PRAGMA journal_mode = WAL", mode); !s) return s;
  if (mode != "wal") return status::fail(path + ": cannot switch to WAL mode (the file stays in '" + mode + "' mode)");
  // FULL: a committed item survives a power cut too, at one fsync per item (an item takes seconds).
  if (auto s = execute(handle(), path, "PRAGMA synchronous = FULL"); !s) return s;
  if (auto s = execute(handle(), path, "PRAGMA foreign_keys = ON"); !s) return s;
  if (options.max_pages > 0) {
    std::int64_t pages = 0;
    const std::string sql = "PRAGMA max_page_count = " + std::to_string(options.max_pages);
    if (auto s = query_int(handle(), path, sql.c_str(), pages); !s) return s;
  }
  if (from_version == detail::schema_current) return {};
  transaction tx(handle(), path);
  if (auto s = tx.begin(); !s) return s;
  if (auto s = detail::migrate(handle(), path, from_version, detail::schema_current); !s) return s;
  statement fk(handle(), path);
  bool violation = false;
  if (auto s = fk.prepare("PRAGMA foreign_key_check"); !s) return s;
  if (auto s = fk.step(violation); !s) return s;
  if (violation) return status::fail(path + ": migration left a dangling reference in table '" + fk.column_text(0) + "'");
  return tx.commit();
}

namespace {

// What lies beside a store about to be read (SQLite keeps the -wal, -shm and -journal beside the real
// file, links followed), and what this process may do there.
struct beside_store {
  std::string real;              // the path, links followed
  bool wal = false;              // a -wal is there: a writer may be at work
  bool wal_empty = true;         // ... and holds nothing
  bool writable = false;         // the file may be written
  bool folder_writable = false;  // its folder may take a -shm
  // With no -wal left by a writer, no writer is at work. Such a file is read as it stands (immutable)
  // when no one may write it (no write permission at all), or when its folder cannot take the -shm that
  // reading a WAL file needs. (A read-only connection leaves the -wal and -shm it makes behind,
  // read-only like the file: they would turn away the next writer.)
  bool as_it_stands = false;

  bool there(const char* suffix) const { return ::access((real + suffix).c_str(), F_OK) == 0; }
};

beside_store look_beside(const std::string& real, const struct stat& st) {
  beside_store b;
  b.real = real;
  const std::string folder = std::filesystem::path(real).parent_path().string();
  b.wal = b.there("-wal");
  std::error_code ec;
  b.wal_empty = !b.wal || std::filesystem::file_size(real + "-wal", ec) == 0;
  b.writable = ::access(real.c_str(), W_OK) == 0;
  b.folder_writable = ::access(folder.empty() ? "." : folder.c_str(), W_OK) == 0;
  b.as_it_stands = !b.wal && ((st.st_mode & 0222) == 0 || !b.folder_writable);
  return b;
}

}  // namespace

status store::impl::open_reader(const std::string& real) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return status::fail(path + ": cannot open: " + std::strerror(errno));
  if (S_ISDIR(st.st_mode)) return status::fail(path + ": is a folder, not a store");
  lock.attach_reader(path);  // only to ask whether a writer is at work
  const beside_store b = look_beside(real, st);
  if (auto s = b.as_it_stands ? open_connection(SQLITE_OPEN_READONLY | SQLITE_OPEN_URI, "?immutable=1")
                              : open_connection(SQLITE_OPEN_READONLY);
      !s)
    return s;
  if (auto s = check_identity(from_version); !s) return refuse_unread(b, s);
  if (from_version == detail::schema_empty)
    return refuse_read(b, status::fail(path + (st.st_size == 0 ? ": an empty file, not a dnafill store"
                                                               : ": an SQLite database without tables (a -wal beside "
                                                                 "it holds none SQLite can read), not a dnafill store")),
                       /*ours=*/false);
  if (from_version < detail::schema_current)
    return refuse_read(b, status::fail(path + ": store schema v" + std::to_string(from_version) + " is older than this build's v" +
                                       std::to_string(detail::schema_current) + ": upgrade it with dnafill db migrate --db " + path));
  if (auto s = check_integrity(); !s) return refuse_read(b, s);
  if (b.as_it_stands || !b.writable) return {};
  // Only a connection that may write removes the -wal and -shm at the last close. Once the file is
  // known for a store of this build, one we may write is opened again so, query_only keeping it
  // unchanged. (Opened so before the checks, it rolled back another program's hot journal, and copied
  // a newer store's WAL into its file.)
  return reopen_query_only();
}

// A file whose identity could not be read: two cases SQLite words badly are said plainly.
status store::impl::refuse_unread(const beside_store& b, status s) {
  if (b.wal && !b.there("-shm") && !b.folder_writable)
    return status::fail(path + ": its -wal holds runs not yet in the file, and reading them needs a -shm beside it, "
                               "which this folder (not writable) cannot take: copy the store and its -wal to a folder "
                               "you may write");
  // SQLite reads a file whose -journal holds a transaction cut short only after rolling it back.
  if (sqlite3_extended_errcode(handle()) == SQLITE_READONLY_ROLLBACK)
    return status::fail(path + ": its -journal holds a transaction that the program writing it did not finish, and a "
                               "reader does not roll it back: the file is left as it is (a dnafill store keeps a WAL, "
                               "not a -journal)");
  return refuse_read(b, s, /*ours=*/false);
}

// A read refused keeps no empty -wal and -shm of its own (or, a store of ours, of an earlier reader):
// a connection that may write, and has read, removes them at its close, when it is the last one.
// Another program's are its own; a -wal with content (a newer store's runs) is left alone: that close
// would copy it into the file.
status store::impl::refuse_read(const beside_store& b, status s, bool ours) {
  std::int64_t objects = 0;
  if ((ours ? b.wal_empty : !b.wal) && b.there("-wal") && !b.as_it_stands && b.writable && reopen_query_only())
    (void)query_int(handle(), path, "SELECT count(*) FROM sqlite_master", objects);  // its close tidies only once it has read
  return s;
}

// Only a connection that may write removes the -wal and -shm at the last close: the reader's is
// opened again so, query_only keeping the file unchanged.
status store::impl::reopen_query_only() {
  if (auto s = open_connection(SQLITE_OPEN_READWRITE); !s) return s;
  return execute(handle(), path, "PRAGMA query_only = ON");
}

status store::impl::require_open(bool writing) const {
  if (!db) return status::fail("store: not open");
  if (writing && options.read_only) return status::fail(path + ": opened read-only");
  return {};
}

store::store() : impl_(std::make_unique<impl>()) {}

store::~store() { close(); }

namespace {

// The network filesystem `path` (or, for a file not made yet, its folder) lies on: "NFS", "SMB", or
// "" for a local one. (The magic numbers of linux/magic.h; SMB2 and CIFS share a mount type.)
std::string network_filesystem(const std::string& path) {
  struct statfs fs {};
  const auto slash = path.find_last_of('/');
  const std::string folder = slash == std::string::npos ? "." : slash == 0 ? "/" : path.substr(0, slash);
  if (::statfs(path.c_str(), &fs) != 0 && ::statfs(folder.c_str(), &fs) != 0) return {};
  switch (static_cast<unsigned long>(fs.f_type) & 0xffffffffUL) {
    case 0x6969UL: return "NFS";
    case 0x517bUL: case 0xff534d42UL: case 0xfe534d42UL: return "SMB";
    default: return {};
  }
}

}  // namespace

status store::open(const std::string& path, const store_options& options) {
  close();
  impl_->path = path;
  impl_->options = options;
  // A FIFO or a device would hold the open below until someone writes to it: a store is a plain file.
  struct stat st {};
  const bool there = ::stat(path.c_str(), &st) == 0;
  if (there && !S_ISREG(st.st_mode) && !S_ISDIR(st.st_mode)) return status::fail(path + ": not a regular file, not a store");
  // SQLite names the -wal after the name it opened: through a second name (a hard link) the runs not
  // yet copied into the file are missed, a run is begun again, and a reader closing through the
  // first name writes its old -wal over the file. A symbolic link is followed to one name, and is fine.
  if (there && S_ISREG(st.st_mode) && st.st_nlink > 1)
    return status::fail(path + ": this file has " + std::to_string(st.st_nlink) +
                        " names (hard links), and SQLite keeps the runs not yet in it in a -wal beside one name, "
                        "which the others miss: keep one name (remove the others), or copy the store");
  // SQLite's Unix files take full names of at most 512 bytes (mxPathname), and its pager keeps 8 of
  // them for "-journal": past 504 it says "unable to open database file", as if the folder were
  // missing, after our writer lock made an empty file.
  const std::string real = bio::real_path(path);
  if (real.size() > max_path_length)
    return status::fail(path + ": the path is " + std::to_string(real.size()) + " characters long, links followed; "
                        "SQLite opens a store of at most " + std::to_string(max_path_length) + ": use a shorter one");
  // The same 8 more on the file's own name, which the system takes up to 255 bytes (NAME_MAX).
  if (const auto name = std::filesystem::path(real).filename().string(); name.size() + 8 > 255)
    return status::fail(path + ": the file's name is " + std::to_string(name.size()) +
                        " characters long; SQLite's '-journal' beside it needs one of at most 247: use a shorter one");
  if (const std::string kind = network_filesystem(path); !kind.empty())
    return status::fail(path + ": on a network filesystem (" + kind +
                        "): a store must be on a local disk (SQLite's WAL shares memory between processes, and "
                        "the writer lock is not kept there); copy it to a local folder");
  auto s = options.read_only ? impl_->open_reader(real.empty() ? path : real) : impl_->open_writer();
  if (!s) impl_->release();  // a file refused is not checkpointed either: it stays as it was
  if (struct stat opened {}; s && ::stat(path.c_str(), &opened) == 0) {
    impl_->device = opened.st_dev;
    impl_->inode = opened.st_ino;
  }
  return s;
}

bool store::still_at_path() const {
  struct stat now {};
  return impl_->db && ::stat(impl_->path.c_str(), &now) == 0 && now.st_dev == impl_->device && now.st_ino == impl_->inode;
}

status store::check_run_kept(std::int64_t run_id) const {
  if (!impl_->db || still_at_path()) return {};
  return status::fail(impl_->path + ": removed or replaced while run " + std::to_string(run_id) +
                      " was written into it: the run and its designs are not in the file there now");
}

void store::close() {
  // SQLite copies the WAL into the file at the last close only, and a reader that closes after us
  // (the studio's history) cannot: copy it now, so that the file alone holds every run. And empty the
  // WAL when no reader is in the middle of a read (TRUNCATE, with no wait: else it does what PASSIVE
  // does, and what one still reads stays in the WAL, which is never lost). A WAL left with pages in
  // it is read by the next connection to the name as the pages of whatever file is there by then: a
  // store moved over this one would show this one's runs.
  if (impl_->db && !impl_->options.read_only) {
    sqlite3_busy_timeout(impl_->handle(), 0);
    sqlite3_wal_checkpoint_v2(impl_->handle(), nullptr, SQLITE_CHECKPOINT_TRUNCATE, nullptr, nullptr);
  }
  impl_->release();
}

void store::impl::release() {
  db.reset();
  lock.detach();
}

bool store::is_open() const { return impl_->db != nullptr; }
const std::string& store::path() const { return impl_->path; }

std::vector<store::companion_file> store::companion_files(const std::string& path) {
  const std::string stem = bio::real_path_or_given(path);
  return {{stem + "-wal", "WAL"}, {stem + "-shm", "shared memory"}, {stem + "-journal", "journal"}};
}

int store::current_schema_version() { return detail::schema_current; }
int store::migrated_from() const { return impl_->from_version; }

namespace {

// Steps a bound INSERT ... RETURNING id and reads the id of the row inserted or updated.
status returned_id(statement& st, std::int64_t& id) {
  bool row = false;
  if (auto s = st.step(row); !s) return s;
  id = st.column_int(0);
  return st.run();
}

status upsert_model(sqlite3* db, const std::string& path, model_record& m) {
  statement st(db, path);
  if (auto s = st.prepare("INSERT INTO models (sha256, path, config) VALUES (?1, ?2, ?3) "
                          "ON CONFLICT (sha256) DO UPDATE SET path = excluded.path RETURNING id");
      !s)
    return s;
  st.bind(1, m.sha256).bind(2, m.path).bind(3, m.config);
  return returned_id(st, m.id);
}

status upsert_source(sqlite3* db, const std::string& path, source_record& src) {
  statement st(db, path);
  if (auto s = st.prepare("INSERT INTO sources (path, size, sha256) VALUES (?1, ?2, ?3) "
                          "ON CONFLICT (path, sha256) DO UPDATE SET size = excluded.size RETURNING id");
      !s)
    return s;
  st.bind(1, src.path).bind(2, src.size).bind(3, src.sha256);
  return returned_id(st, src.id);
}

// -1 (unknown) is stored as NULL.
void bind_count(statement& st, int index, std::int64_t n) {
  if (n < 0) st.bind_null(index);
  else st.bind(index, n);
}

status find_resumable(sqlite3* db, const std::string& path, const run_record& run, std::int64_t& id) {
  id = 0;
  statement st(db, path);
  if (auto s = st.prepare("SELECT id FROM runs WHERE kind = ?1 AND resume_key = ?2 ORDER BY id DESC LIMIT 1"); !s)
    return s;
  st.bind(1, run.kind).bind(2, run.resume_key);
  bool row = false;
  if (auto s = st.step(row); !s) return s;
  if (row) id = st.column_int(0);
  return {};
}

status take_up_run(sqlite3* db, const std::string& path, run_record& run) {
  statement st(db, path);
  const std::string sql =
      "UPDATE runs SET status = 'running', finished_at = NULL, error = NULL, resumes = resumes + 1, "
      "items_total = ?1, designs_total = ?2, model_id = ?3, source_id = ?4 WHERE id = ?5 "
      "RETURNING started_at, resumes";
  if (auto s = st.prepare(sql.c_str()); !s) return s;
  bind_count(st, 1, run.items_total);
  bind_count(st, 2, run.designs_total);
  st.bind(3, run.model.id).bind(5, run.id);
  if (run.source) st.bind(4, run.source->id);
  else st.bind_null(4);
  bool row = false;
  if (auto s = st.step(row); !s) return s;
  run.started_at = st.column_text(0);
  run.resumes = st.column_int(1);
  return st.run();
}

status insert_run(sqlite3* db, const std::string& path, run_record& run) {
  statement st(db, path);
  const std::string sql =
      std::string("INSERT INTO runs (kind, model_id, source_id, parameters, seed, status, started_at, resume_key, "
                  "items_total, designs_total) VALUES (?1, ?2, ?3, ?4, ?5, 'running', ") +
      now_sql + ", ?6, ?7, ?8) RETURNING id, started_at";
  if (auto s = st.prepare(sql.c_str()); !s) return s;
  st.bind(1, run.kind).bind(2, run.model.id).bind(4, run.parameters).bind(5, static_cast<std::int64_t>(run.seed));
  if (run.source) st.bind(3, run.source->id);
  else st.bind_null(3);
  if (run.resume_key.empty()) st.bind_null(6);
  else st.bind(6, run.resume_key);
  bind_count(st, 7, run.items_total);
  bind_count(st, 8, run.designs_total);
  bool row = false;
  if (auto s = st.step(row); !s) return s;
  run.id = st.column_int(0);
  run.started_at = st.column_text(1);
  run.resumes = 0;
  return st.run();
}

const char* design_columns =
    "SELECT run_id, record, record_index, region_index, variant, region_start, region_end, sequence, "
    "designed_bases, gc, bits_per_base, constraints_ok, constraint_report, created_at FROM designs ";

design_record read_design(const statement& st) {
  design_record d;
  d.run_id = st.column_int(0);
  d.record = st.column_text(1);
  d.record_index = st.column_int(2);
  d.region_index = st.column_int(3);
  d.variant = static_cast<int>(st.column_int(4));
  d.region_start = st.column_int(5);
  d.region_end = st.column_int(6);
  d.sequence = st.column_text(7);
  d.designed_bases = st.column_int(8);
  d.gc = st.column_double(9);
  d.bits_per_base = st.column_double(10);
  d.constraints_ok = st.column_int(11) != 0;
  d.constraint_report = st.column_text(12);
  d.created_at = st.column_text(13);
  return d;
}

status insert_designs(sqlite3* db, const std::string& path, std::int64_t run_id, const item_designs& item) {
  statement st(db, path);
  const std::string sql =
      std::string("INSERT INTO designs (run_id, record, record_index, region_index, variant, region_start, "
                  "region_end, sequence, designed_bases, gc, bits_per_base, constraints_ok, constraint_report, "
                  "created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ") +
      now_sql + ")";
  if (auto s = st.prepare(sql.c_str()); !s) return s;
  for (const auto& d : item.designs) {
    st.bind(1, run_id).bind(2, d.record).bind(3, item.key.record_index).bind(4, item.key.region_index);
    st.bind(5, static_cast<std::int64_t>(d.variant)).bind(6, d.region_start).bind(7, d.region_end).bind(8, d.sequence);
    st.bind(9, d.designed_bases).bind(10, d.gc).bind(11, d.bits_per_base);
    st.bind(12, static_cast<std::int64_t>(d.constraints_ok ? 1 : 0)).bind(13, d.constraint_report);
    if (auto s = st.run(); !s) return s;
    if (auto s = st.reset(); !s) return s;
  }
  return {};
}

status insert_journal(sqlite3* db, const std::string& path, std::int64_t run_id, const item_designs& item) {
  std::int64_t start = item.designs.front().region_start, end = item.designs.front().region_end;
  for (const auto& d : item.designs) start = std::min(start, d.region_start), end = std::max(end, d.region_end);
  statement st(db, path);
  const std::string sql = std::string("INSERT INTO batch_journal (run_id, record_index, region_index, record, "
                                      "region_start, region_end, designs, finished_at) VALUES "
                                      "(?1, ?2, ?3, ?4, ?5, ?6, ?7, ") +
                          now_sql + ")";
  if (auto s = st.prepare(sql.c_str()); !s) return s;
  st.bind(1, run_id).bind(2, item.key.record_index).bind(3, item.key.region_index).bind(4, item.designs.front().record);
  st.bind(5, start).bind(6, end).bind(7, static_cast<std::int64_t>(item.designs.size()));
  return st.run();
}

const char* run_columns =
    "SELECT r.id, r.kind, r.parameters, r.seed, r.status, r.started_at, r.finished_at, r.error, r.resume_key, "
    "r.items_total, r.designs_total, r.resumes, m.id, m.sha256, m.path, m.config, s.id, s.path, s.size, s.sha256, "
    "(SELECT count(*) FROM batch_journal j WHERE j.run_id = r.id), "
    "(SELECT count(*) FROM designs d WHERE d.run_id = r.id) "
    "FROM runs r JOIN models m ON m.id = r.model_id LEFT JOIN sources s ON s.id = r.source_id ";

status read_run(const statement& st, const std::string& path, run_record& r) {
  r = {};
  r.id = st.column_int(0);
  r.kind = st.column_text(1);
  r.parameters = st.column_text(2);
  r.seed = static_cast<std::uint64_t>(st.column_int(3));
  if (auto s = parse_run_status(st.column_text(4), r.status); !s) return status::fail(path + ": " + s.message());
  r.started_at = st.column_text(5);
  r.finished_at = st.column_text(6);
  r.error = st.column_text(7);
  r.resume_key = st.column_text(8);
  r.items_total = st.column_is_null(9) ? -1 : st.column_int(9);
  r.designs_total = st.column_is_null(10) ? -1 : st.column_int(10);
  r.resumes = st.column_int(11);
  r.model = {st.column_int(12), st.column_text(13), st.column_text(14), st.column_text(15)};
  if (!st.column_is_null(16)) r.source = source_record{st.column_int(16), st.column_text(17), st.column_int(18), st.column_text(19)};
  r.items_done = st.column_int(20);
  r.designs_done = st.column_int(21);
  return {};
}

}  // namespace

status store::begin_run(run_record& run, bool resume, bool& resumed) {
  resumed = false;
  if (auto s = impl_->require_open(true); !s) return s;
  sqlite3* db = impl_->handle();
  const auto& path = impl_->path;
  transaction tx(db, path);
  if (auto s = tx.begin(); !s) return s;
  if (auto s = upsert_model(db, path, run.model); !s) return s;
  if (run.source)
    if (auto s = upsert_source(db, path, *run.source); !s) return s;
  std::int64_t earlier = 0;
  if (resume && !run.resume_key.empty())
    if (auto s = find_resumable(db, path, run, earlier); !s) return s;
  run.status = run_status::running;
  run.finished_at.clear();
  run.error.clear();
  if (earlier > 0) {
    run.id = earlier;
    if (auto s = take_up_run(db, path, run); !s) return s;
  } else if (auto s = insert_run(db, path, run); !s) {
    return s;
  }
  if (auto s = tx.commit(); !s) return s;
  resumed = earlier > 0;
  return {};
}

status store::finish_run(std::int64_t run_id, run_status outcome, const std::string& error) {
  if (auto s = impl_->require_open(true); !s) return s;
  statement st(impl_->handle(), impl_->path);
  const std::string sql = std::string("UPDATE runs SET status = ?1, finished_at = ") + now_sql +
                          ", error = NULLIF(?2, '') WHERE id = ?3";
  if (auto s = st.prepare(sql.c_str()); !s) return s;
  st.bind(1, std::string(run_status_name(outcome))).bind(2, error).bind(3, run_id);
  return st.run();
}

status store::add_item(std::int64_t run_id, const item_designs& item) {
  if (auto s = impl_->require_open(true); !s) return s;
  if (item.designs.empty()) return status::fail(impl_->path + ": an item without designs");
  sqlite3* db = impl_->handle();
  const auto& path = impl_->path;
  transaction tx(db, path);
  if (auto s = tx.begin(); !s) return s;
  bool found = false;
  if (auto s = find_item(run_id, item.key, found, nullptr); !s) return s;
  if (found)
    return status::fail(path + ": run " + std::to_string(run_id) + ": record #" + std::to_string(item.key.record_index + 1) +
                        " region #" + std::to_string(item.key.region_index + 1) + " is already recorded");
  if (auto s = insert_journal(db, path, run_id, item); !s) return s;
  if (auto s = insert_designs(db, path, run_id, item); !s) return s;
  return tx.commit();
}

status store::find_item(std::int64_t run_id, const item_key& key, bool& found, std::vector<design_record>* designs) {
  found = false;
  if (auto s = impl_->require_open(false); !s) return s;
  statement st(impl_->handle(), impl_->path);
  if (auto s = st.prepare("SELECT 1 FROM batch_journal WHERE run_id = ?1 AND record_index = ?2 AND region_index = ?3"); !s)
    return s;
  st.bind(1, run_id).bind(2, key.record_index).bind(3, key.region_index);
  if (auto s = st.step(found); !s) return s;
  if (!found || !designs) return {};
  designs->clear();
  statement ds(impl_->handle(), impl_->path);
  const std::string sql = std::string(design_columns) +
                          "WHERE run_id = ?1 AND record_index = ?2 AND region_index = ?3 ORDER BY variant";
  if (auto s = ds.prepare(sql.c_str()); !s) return s;
  ds.bind(1, run_id).bind(2, key.record_index).bind(3, key.region_index);
  return impl_->read_designs(ds, [&](design_record& d) {
    designs->push_back(std::move(d));
    return status();
  });
}

namespace {

// A design's sequence is the record's IUPAC letters (case kept), as it was read and designed. Any other
// byte is damage that SQLite's checks do not see (they check pages, not values): exported, it made a
// FASTA with control bytes in it and exit 0.
status check_sequence(const std::string& path, const design_record& d) {
  const auto bad = std::find_if_not(d.sequence.begin(), d.sequence.end(), bio::is_iupac_base);
  if (bad == d.sequence.end()) return {};
  return status::fail(path + ": run " + std::to_string(d.run_id) + ", record '" + printable(d.record) + "' variant " +
                      std::to_string(d.variant) + ": the stored sequence holds " + bio::describe_char(*bad) +
                      " at position " + std::to_string(bad - d.sequence.begin() + 1) +
                      ", which is no IUPAC code: the store is damaged; restore it from a copy");
}

}  // namespace

status store::impl::read_designs(statement& st, const std::function<status(design_record&)>& each) {
  for (;;) {
    bool row = false;
    if (auto s = st.step(row); !s) return s;
    if (!row) return {};
    auto d = read_design(st);
    if (auto s = check_sequence(path, d); !s) return s;
    if (auto s = each(d); !s) return s;
  }
}

// Seen by a reader with no writer at work, a `running` run is one that was killed. The runs are read
// without the check (the SELECT counts every design, and a writer of another process arriving waits
// for a check a quarter of a second at most); under it, each run read as `running` is looked up again
// by its key, and one that ended meanwhile is read again whole.
status store::impl::mark_interrupted(run_record* runs, std::size_t count) {
  const auto is_running = [](const run_record& r) { return r.status == run_status::running; };
  if (!options.read_only || std::none_of(runs, runs + count, is_running)) return {};  // a writer holds the lock itself
  std::vector<run_record*> ended;
  {
    statement st(handle(), path);
    if (auto s = st.prepare("SELECT status = 'running' FROM runs WHERE id = ?1"); !s) return s;
    const detail::store_lock::writer_check check(lock);
    if (check.writer_elsewhere()) return {};
    for (auto* r = runs; r != runs + count; ++r) {
      if (!is_running(*r)) continue;
      bool row = false;
      if (auto s = st.reset(); !s) return s;
      st.bind(1, r->id);
      if (auto s = st.step(row); !s) return s;
      if (row && st.column_int(0) == 1)
        r->status = run_status::interrupted;
      else
        ended.push_back(r);
    }
  }
  for (auto* r : ended) {
    bool found = false;
    if (auto s = read_one_run(r->id, *r, found); !s) return s;
  }
  return {};
}

status store::impl::read_one_run(std::int64_t run_id, run_record& run, bool& found) {
  statement st(handle(), path);
  if (auto s = st.prepare((std::string(run_columns) + "WHERE r.id = ?1").c_str()); !s) return s;
  st.bind(1, run_id);
  if (auto s = st.step(found); !s) return s;
  return found ? read_run(st, path, run) : status{};
}

status store::list_runs(std::vector<run_record>& runs) {
  runs.clear();
  if (auto s = impl_->require_open(false); !s) return s;
  statement st(impl_->handle(), impl_->path);
  if (auto s = st.prepare((std::string(run_columns) + "ORDER BY r.id").c_str()); !s) return s;
  for (;;) {
    bool row = false;
    if (auto s = st.step(row); !s) return s;
    if (!row) break;
    run_record r;
    if (auto s = read_run(st, impl_->path, r); !s) return s;
    runs.push_back(std::move(r));
  }
  return impl_->mark_interrupted(runs.data(), runs.size());
}

status store::find_run(std::int64_t run_id, run_record& run, bool& found) {
  found = false;
  if (auto s = impl_->require_open(false); !s) return s;
  if (auto s = impl_->read_one_run(run_id, run, found); !s || !found) return s;
  return impl_->mark_interrupted(&run, 1);
}

status store::for_each_design(std::optional<std::int64_t> run_id, const std::function<status(design_record&)>& each) {
  if (auto s = impl_->require_open(false); !s) return s;
  statement st(impl_->handle(), impl_->path);
  const std::string sql = std::string(design_columns) + (run_id ? "WHERE run_id = ?1 " : "") +
                          "ORDER BY run_id, record_index, region_index, variant";
  if (auto s = st.prepare(sql.c_str()); !s) return s;
  if (run_id) st.bind(1, *run_id);
  return impl_->read_designs(st, each);
}

status run_sink::start(run_record& run) {
  if (auto s = db_.begin_run(run, resume_, resumed_); !s) return s;
  run_id_ = run.id;
  return {};
}

status run_sink::completed(const item_key& key, bool& done, std::vector<design_record>* designs) {
  return db_.find_item(run_id_, key, done, designs);
}

status run_sink::put(const item_designs& item) { return db_.add_item(run_id_, item); }

status run_sink::finish(run_status outcome, const std::string& error) {
  if (run_id_ == 0) return {};  // never started
  // A failure once every design is stored (an --out that could not be written, a done batch run again)
  // leaves the run whole: it is done, and the command still says what failed.
  if (outcome == run_status::failed) {
    run_record run;
    bool found = false;
    if (db_.find_run(run_id_, run, found) && found && run.designs_total > 0 && run.designs_done == run.designs_total)
      return db_.finish_run(run_id_, run_status::done, "");
  }
  return db_.finish_run(run_id_, outcome, error);
}

}  // namespace dnafill::data
