// Tests of data/: the file checks of open (ours, not newer, not damaged), the migration ladder from
// every earlier version (the fixtures in tests/data/store), runs, items and resume, one writer and
// concurrent readers, locks, a full "disk", and the sinks.
#include <catch2/catch.hpp>

#include <fcntl.h>
#include <sqlite3.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <numeric>
#include <thread>
#include <vector>

#include "data/schema.h"
#include "data/sha256.h"
#include "data/sqlite_internal.h"
#include "data/store.h"
#include "data/store_lock.h"
#include "data/text_sinks.h"
#include "tests/test_util.h"

using namespace dnafill::data;
using dnafill::test::read_file;
using dnafill::test::temp_dir;

namespace {

// A plain connection for looking at (or spoiling) a file behind the store's back.
class raw_db {
 public:
  explicit raw_db(const std::string& path, int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE) {
    REQUIRE(sqlite3_open_v2(path.c_str(), &db_, flags, nullptr) == SQLITE_OK);
  }
  ~raw_db() { sqlite3_close_v2(db_); }
  int exec(const std::string& sql) { return sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, nullptr); }
  std::string text(const std::string& sql) {
    sqlite3_stmt* st = nullptr;
    REQUIRE(sqlite3_prepare_v2(db_, sql.c_str(), -1, &st, nullptr) == SQLITE_OK);
    std::string out;
    for (int rc = sqlite3_step(st); rc == SQLITE_ROW; rc = sqlite3_step(st)) {
      const auto* t = sqlite3_column_text(st, 0);
      if (!out.empty()) out += "\n";
      out += t ? reinterpret_cast<const char*>(t) : "NULL";
    }
    sqlite3_finalize(st);
    return out;
  }
  std::int64_t number(const std::string& sql) { return std::stoll(text(sql)); }
  sqlite3* get() { return db_; }

 private:
  sqlite3* db_ = nullptr;
};

run_record a_run(const std::string& key = "key-1") {
  run_record r;
  r.kind = "batch";
  r.parameters = R"({"num":3,"seed":7})";
  r.seed = 7;
  r.resume_key = key;
  r.model = {0, std::string(64, 'a'), "/models/m.safetensors", R"({"preset":"tiny"})"};
  r.source = source_record{0, "/data/in.fa", 1234, std::string(64, 'b')};
  r.items_total = 10;
  r.designs_total = 30;
  return r;
}

// Item (record, region) with `k` variants of a 4-base region.
item_designs an_item(std::int64_t record, std::int64_t region, int k = 3) {
  item_designs item{{record, region}, {}};
  for (int v = 1; v <= k; ++v) {
    design_record d;
    d.record = "chr" + std::to_string(record);
    d.record_index = record;
    d.region_index = region;
    d.variant = v;
    d.region_start = 10 * region;
    d.region_end = 10 * region + 4;
    d.sequence = "ACGT";
    d.designed_bases = 4;
    d.gc = 0.5;
    d.bits_per_base = v == 2 ? std::nan("") : 1.9 + 0.01 * v;
    item.designs.push_back(d);
  }
  return item;
}

std::int64_t begin(store& db, run_record run, bool resume = false) {
  bool resumed = false;
  REQUIRE(db.begin_run(run, resume, resumed));
  return run.id;
}

std::int64_t count_designs(store& db, std::optional<std::int64_t> run = {}) {
  std::int64_t n = 0;
  REQUIRE(db.for_each_design(run, [&](design_record&) {
    ++n;
    return dnafill::status();
  }));
  return n;
}

const std::string fixtures = std::string(DNAFILL_TEST_DATA) + "/store";

}  // namespace

// Every length up to five blocks, and a megabyte of varied bytes: the two codes agree.
TEST_CASE("sha256: the SHA extensions and the portable code give the same digests", "[data]") {
  std::string bytes(1 << 20, '\0');
  std::uint32_t x = 12345;
  for (auto& c : bytes) c = static_cast<char>((x = x * 1103515245 + 12345) >> 16);
  std::vector<std::size_t> lengths(321);
  std::iota(lengths.begin(), lengths.end(), std::size_t{0});
  lengths.push_back(bytes.size());
  for (const auto n : lengths) {
    set_sha256_cpu_extensions(false);
    const auto portable = sha256_hex(std::string_view(bytes).substr(0, n));
    set_sha256_cpu_extensions(true);
    CHECK(sha256_hex(std::string_view(bytes).substr(0, n)) == portable);
  }
}

// The dispatch against the kernel's word: an x86 CPU whose flags list sha_ni has its extensions used.
TEST_CASE("sha256: the SHA extensions are used where /proc/cpuinfo lists sha_ni", "[data]") {
  std::ifstream cpuinfo("/proc/cpuinfo");
  std::string line;
  bool listed = false;
  while (std::getline(cpuinfo, line))
    if (line.rfind("flags", 0) == 0) listed = listed || (line + " ").find(" sha_ni ") != std::string::npos;
#if defined(__x86_64__)
  CHECK(sha256_uses_cpu_extensions() == listed);
#else
  CHECK_FALSE(sha256_uses_cpu_extensions());
#endif
  set_sha256_cpu_extensions(false);
  CHECK_FALSE(sha256_uses_cpu_extensions());
  set_sha256_cpu_extensions(true);
}

TEST_CASE("sha256: the FIPS 180-4 test vectors, whole and in pieces", "[data]") {
  // With the CPU's SHA extensions where it has them, and with the portable code.
  const bool extensions = GENERATE(true, false);
  set_sha256_cpu_extensions(extensions);
  INFO("SHA extensions used: " << sha256_uses_cpu_extensions());
  CHECK(sha256_hex("") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  CHECK(sha256_hex("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  const std::string two_blocks = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
  CHECK(sha256_hex(two_blocks) == "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
  sha256 pieces;
  const std::string million(1000000, 'a');
  for (std::size_t i = 0; i < million.size(); i += 997) pieces.update(million.data() + i, std::min<std::size_t>(997, million.size() - i));
  CHECK(pieces.hex_digest() == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
  CHECK(sha256_hex(million) == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
  set_sha256_cpu_extensions(true);
  temp_dir dir;
  std::string hex;
  std::int64_t size = 0;
  REQUIRE(sha256_file(dir.write("abc.txt", "abc"), hex, size));
  CHECK(hex == sha256_hex("abc"));
  CHECK(size == 3);
  CHECK_FALSE(sha256_file(dir.file("missing"), hex, size));
}

TEST_CASE("a remembered file hash is the file's: the same as hashed anew, and new once the file changes", "[data]") {
  temp_dir dir;
  const std::string path = dir.write("input.fa", ">a\nACGT\n");
  std::string hex, again;
  std::int64_t size = 0, size_again = 0;
  REQUIRE(sha256_file_remembered(path, hex, size));
  CHECK(hex == sha256_hex(">a\nACGT\n"));
  CHECK(size == 8);
  REQUIRE(sha256_file_remembered(path, again, size_again));
  CHECK(again == hex);
  CHECK(size_again == 8);
  // Rewritten in place with as many bytes: its times change (a tick of the kernel's clock later).
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  {
    std::ofstream(path, std::ios::binary | std::ios::in) << ">a\nACGA\n";
  }
  REQUIRE(sha256_file_remembered(path, again, size_again));
  CHECK(again == sha256_hex(">a\nACGA\n"));
  // Replaced by another file under the name: another inode.
  const std::string other = dir.write("other.fa", ">b\nTTTT\n");
  std::filesystem::rename(other, path);
  REQUIRE(sha256_file_remembered(path, again, size_again));
  CHECK(again == sha256_hex(">b\nTTTT\n"));
  CHECK(sha256_file_remembered(dir.file("missing"), hex, size).message() ==
        dir.file("missing") + ": cannot read: No such file or directory");
}

TEST_CASE("design names: <record>|variant=<k>|region=<s>-<e>, so a new record's name is one printable word without '|' or '>'", "[data]") {
  design_record d;
  d.record = "chrA";
  d.variant = 2;
  d.region_start = 300;
  d.region_end = 400;
  CHECK(design_name(d) == "chrA|variant=2|region=301-400");
  CHECK(is_new_record_name("generated"));
  CHECK(is_new_record_name("chrX:1-100"));
  for (const char* bad : {"", "two words", "tab\there", "a|b", ">a", "line\nbreak", "cr\r", "\x01ctl", "del\x7f"})
    CHECK_FALSE(is_new_record_name(bad));
}

TEST_CASE("store: a new file gets our application_id, the current version, WAL and foreign keys", "[data]") {
  temp_dir dir;
  const auto path = dir.file("new.sqlite");
  store db;
  REQUIRE(db.open(path));
  CHECK(db.migrated_from() == 0);
  raw_db raw(path, SQLITE_OPEN_READONLY);
  CHECK(raw.number("PRAGMA application_id") == detail::store_application_id);
  CHECK(raw.number("PRAGMA user_version") == store::current_schema_version());
  CHECK(raw.text("PRAGMA journal_mode") == "wal");
  CHECK(raw.text("SELECT group_concat(name) FROM (SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name)") ==
        "batch_journal,designs,models,runs,sources");
  // Foreign keys are on for the store's connection: a design of a run that does not exist is refused.
  item_designs orphan = an_item(0, 0);
  CHECK_FALSE(db.add_item(99, orphan));
  CHECK(count_designs(db) == 0);
}

TEST_CASE("store: a new store that cannot be set up (a full disk) leaves no file behind", "[data]") {
  // An empty file left there was refused by every later run as not a store. One there before with
  // content is left as it was.
  temp_dir dir;
  const auto path = dir.file("full.sqlite");
  store_options full;
  full.max_pages = 1;  // the schema takes more: its first COMMIT fails as on a full disk
  store db;
  const auto s = db.open(path, full);
  REQUIRE_FALSE(s.ok());
  CHECK_THAT(s.message(), Catch::Contains("full"));
  CHECK_FALSE(std::filesystem::exists(path));
  for (const auto& companion : store::companion_files(path)) CHECK_FALSE(std::filesystem::exists(companion.path));
  // A file there before, empty (the user's), or a link to one, is no store this run made: it stays.
  std::ofstream(dir.file("empty.sqlite")).flush();
  std::filesystem::create_symlink(dir.file("empty.sqlite"), dir.file("link.sqlite"));
  for (const char* name : {"empty.sqlite", "link.sqlite"}) {
    REQUIRE_FALSE(db.open(dir.file(name), full).ok());
    CHECK(std::filesystem::exists(std::filesystem::symlink_status(dir.file(name))));
  }
  CHECK(std::filesystem::is_symlink(dir.file("link.sqlite")));
  REQUIRE(db.open(path));  // a store is made there afterwards
  db.close();
  const auto size = std::filesystem::file_size(path);
  (void)db.open(path, full);  // an existing store: whatever the cap does to it, it stays
  db.close();
  CHECK(std::filesystem::exists(path));
  CHECK(std::filesystem::file_size(path) == size);
}

TEST_CASE("store: runs, items and designs go in and come back whole", "[data]") {
  temp_dir dir;
  store db;
  REQUIRE(db.open(dir.file("s.sqlite")));
  const auto id = begin(db, a_run());
  REQUIRE(db.add_item(id, an_item(0, 0)));
  REQUIRE(db.add_item(id, an_item(0, 1)));
  REQUIRE(db.add_item(id, an_item(2, 0)));
  bool found = false;
  std::vector<design_record> back;
  REQUIRE(db.find_item(id, {0, 1}, found, &back));
  REQUIRE(found);
  REQUIRE(back.size() == 3);
  CHECK(back[0].record == "chr0");
  CHECK(back[0].region_start == 10);
  CHECK(back[0].sequence == "ACGT");
  CHECK(back[0].bits_per_base == Approx(1.91));
  CHECK(std::isnan(back[1].bits_per_base));  // not scored: NULL, read back as NaN
  CHECK(back[2].variant == 3);
  CHECK_FALSE(back[0].created_at.empty());
  REQUIRE(db.find_item(id, {1, 0}, found, nullptr));
  CHECK_FALSE(found);
  // The same item twice is refused, and nothing is written twice.
  const auto again = db.add_item(id, an_item(0, 1));
  CHECK_FALSE(again);
  CHECK(again.message().find("already recorded") != std::string::npos);
  CHECK(count_designs(db) == 9);

  REQUIRE(db.finish_run(id, run_status::failed, "disk full"));
  run_record run;
  REQUIRE(db.find_run(id, run, found));
  REQUIRE(found);
  CHECK(run.status == run_status::failed);
  CHECK(run.error == "disk full");
  CHECK(run.items_done == 3);
  CHECK(run.designs_done == 9);
  CHECK(run.designs_total == 30);
  CHECK(run.seed == 7);
  CHECK(run.source->size == 1234);
  CHECK_FALSE(run.finished_at.empty());
}

// A value spoiled inside its cell passes SQLite's integrity check (it checks pages, not values): a
// byte that no sequence holds is refused where designs are read, not exported as a FASTA with a NUL in it.
TEST_CASE("store: a stored sequence with a byte that is no IUPAC code is refused, naming the design", "[data]") {
  temp_dir dir;
  const auto path = dir.file("s.sqlite");
  {
    store db;
    REQUIRE(db.open(path));
    const auto id = begin(db, a_run());
    REQUIRE(db.add_item(id, an_item(0, 0)));
  }
  REQUIRE(raw_db(path).exec("UPDATE designs SET sequence = 'AC' || char(1) || 'T' WHERE variant = 2") == SQLITE_OK);
  store db;
  REQUIRE(db.open(path));
  const auto s = db.for_each_design({}, [](design_record&) { return dnafill::status(); });
  CHECK(s.message() == path + ": run 1, record 'chr0' variant 2: the stored sequence holds byte 0x01 at position 3, "
                              "which is no IUPAC code: the store is damaged; restore it from a copy");
  bool found = false;
  std::vector<design_record> back;
  CHECK_FALSE(db.find_item(1, {0, 0}, found, &back));
}

TEST_CASE("store: begin_run with resume takes up the latest run of the same key, whatever its state", "[data]") {
  temp_dir dir;
  store db;
  REQUIRE(db.open(dir.file("s.sqlite")));
  const auto first = begin(db, a_run("k"));
  REQUIRE(db.add_item(first, an_item(0, 0)));
  REQUIRE(db.finish_run(first, run_status::cancelled, "cancelled by the user"));
  run_record again = a_run("k");
  bool resumed = false;
  REQUIRE(db.begin_run(again, true, resumed));
  CHECK(resumed);
  CHECK(again.id == first);
  CHECK(again.resumes == 1);
  run_record back;
  bool found = false;
  REQUIRE(db.find_run(first, back, found));
  CHECK(back.status == run_status::running);
  CHECK(back.error.empty());
  CHECK(back.items_done == 1);
  // Without resume, or with another key, a new run.
  CHECK(begin(db, a_run("k"), false) != first);
  CHECK(begin(db, a_run("other"), true) != first);
  std::vector<run_record> runs;
  REQUIRE(db.list_runs(runs));
  CHECK(runs.size() == 3);
  // Known models and inputs are not stored twice.
  raw_db raw(dir.file("s.sqlite"), SQLITE_OPEN_READONLY);
  CHECK(raw.number("SELECT count(*) FROM models") == 1);
  CHECK(raw.number("SELECT count(*) FROM sources") == 1);
}

TEST_CASE("store: the tables and indexes of each schema version, read off the ladder", "[data]") {
  const auto names = [](int version) {
    std::string all;
    for (const auto& o : detail::objects_of(version)) all += o.type + " " + o.name + ", ";
    return all;
  };
  CHECK(names(0).empty());
  CHECK(names(1) == "table models, table sources, table runs, table designs, index designs_by_record, "
                    "index runs_by_model, ");
  // Step 2 drops designs_by_record for designs_by_item.
  CHECK(names(2) == "table models, table sources, table runs, table designs, index runs_by_model, "
                    "index runs_by_resume_key, index designs_by_item, table batch_journal, ");
}

// The fixtures are kept: every file a released dnafill wrote must keep opening.
TEST_CASE("store: the v1 fixture is what step 1 of the ladder writes", "[data]") {
  raw_db fresh(":memory:");
  REQUIRE(fresh.exec("BEGIN") == SQLITE_OK);
  REQUIRE(detail::migrate(fresh.get(), ":memory:", 0, 1));
  REQUIRE(fresh.exec("COMMIT") == SQLITE_OK);
  // A copy: even a read-only connection leaves -shm and -wal files beside a WAL file.
  temp_dir dir;
  const auto copy = dir.file("v1.sqlite");
  std::filesystem::copy_file(fixtures + "/v1.sqlite", copy);
  raw_db fixture(copy, SQLITE_OPEN_READONLY);
  const std::string schema = "SELECT type || ' ' || name || ': ' || sql FROM sqlite_master ORDER BY name";
  CHECK(fixture.text(schema) == fresh.text(schema));
  CHECK(fixture.number("PRAGMA user_version") == 1);
  CHECK(fixture.number("PRAGMA application_id") == detail::store_application_id);
}

TEST_CASE("store: a v1 store migrates to the current version with every row kept", "[data]") {
  temp_dir dir;
  const auto path = dir.file("v1.sqlite");
  std::filesystem::copy_file(fixtures + "/v1.sqlite", path);
  std::int64_t v1_designs = 0, v1_runs = 0;
  {
    raw_db raw(path, SQLITE_OPEN_READONLY);
    v1_designs = raw.number("SELECT count(*) FROM designs");
    v1_runs = raw.number("SELECT count(*) FROM runs");
  }
  REQUIRE(v1_designs > 0);
  // A reader cannot migrate: it says how to.
  store reader;
  const auto ro = store_options::reader();
  const auto refused = reader.open(path, ro);
  REQUIRE_FALSE(refused);
  CHECK(refused.message().find("dnafill db migrate") != std::string::npos);
  // Refused, it keeps no -wal and -shm of the read (each later reader left them, 32 KiB of litter).
  reader.close();
  CHECK_FALSE(std::filesystem::exists(path + "-wal"));
  CHECK_FALSE(std::filesystem::exists(path + "-shm"));

  store db;
  REQUIRE(db.open(path));
  CHECK(db.migrated_from() == 1);
  std::vector<run_record> runs;
  REQUIRE(db.list_runs(runs));
  REQUIRE(static_cast<std::int64_t>(runs.size()) == v1_runs);
  CHECK(count_designs(db) == v1_designs);
  // Each record a v1 run finished is one complete item of the journal: a resume would skip it.
  bool found = false;
  std::vector<design_record> kept;
  REQUIRE(db.find_item(runs[0].id, {0, 0}, found, &kept));
  CHECK(found);
  CHECK_FALSE(kept.empty());
  CHECK(runs[0].items_done > 0);
  CHECK(runs[0].items_total == -1);  // unknown for runs written before v2
  // The migrated file takes new runs and regions.
  const auto id = begin(db, a_run());
  REQUIRE(db.add_item(id, an_item(0, 0)));
  REQUIRE(db.add_item(id, an_item(0, 1)));
  db.close();
  raw_db raw(path, SQLITE_OPEN_READONLY);
  CHECK(raw.number("PRAGMA user_version") == store::current_schema_version());
  CHECK(raw.text("PRAGMA integrity_check") == "ok");
  CHECK(raw.text("PRAGMA foreign_key_check").empty());
  // Opening again migrates nothing.
  store reopened;
  REQUIRE(reopened.open(path));
  CHECK(reopened.migrated_from() == store::current_schema_version());
}

TEST_CASE("store: an empty file (version 0) becomes a store", "[data]") {
  temp_dir dir;
  const auto path = dir.write("empty.sqlite", "");
  store db;
  REQUIRE(db.open(path));
  CHECK(db.migrated_from() == 0);
  CHECK(begin(db, a_run()) > 0);
}

TEST_CASE("store: a path longer than SQLite opens is said to be, and no file is made", "[data]") {
  namespace fs = std::filesystem;
  temp_dir dir;
  // A store whose real path is `length` characters: folders of 100 characters, then the file's name.
  auto path_of_length = [&](std::size_t length) {
    std::string path = fs::weakly_canonical(dir.file("")).string();
    if (path.back() != '/') path += '/';
    while (length - path.size() > 200) path += std::string(99, 'p') + "/";
    fs::create_directories(path);
    return path + std::string(length - path.size() - 7, 's') + ".sqlite";
  };
  store db;
  REQUIRE(db.open(path_of_length(store::max_path_length)));
  db.close();
  const std::string longer = path_of_length(store::max_path_length + 1);
  const auto s = db.open(longer);
  REQUIRE_FALSE(s);
  INFO(s.message());
  CHECK(s.message().find("is 505 characters long, links followed; SQLite opens a store of at most 504: use a shorter one") !=
        std::string::npos);
  CHECK_FALSE(fs::exists(longer));
  // A file's name: 247 characters open, 248 are refused (the system's 255 less "-journal").
  REQUIRE(db.open(dir.file(std::string(240, 'n') + ".sqlite")));
  db.close();
  const std::string long_name = dir.file(std::string(241, 'n') + ".sqlite");
  CHECK(db.open(long_name).message().find("the file's name is 248 characters long; SQLite's '-journal' beside it needs one of at most 247") !=
        std::string::npos);
  CHECK_FALSE(fs::exists(long_name));
  // A short name through a link to the folder: SQLite follows the link, so the length is the real one.
  fs::create_directory_symlink(fs::path(longer).parent_path(), dir.file("deep"));
  CHECK(db.open(dir.file("deep/") + fs::path(longer).filename().string()).message().find("at most 504") != std::string::npos);
}

TEST_CASE("store: a newer, foreign, non-SQLite or damaged file is refused and left as it was", "[data]") {
  temp_dir dir;
  auto refused_with = [](const std::string& path, const std::string& words, bool read_only = false) {
    const auto before = read_file(path);
    store db;
    store_options options;
    options.read_only = read_only;
    const auto s = db.open(path, options);
    REQUIRE_FALSE(s);
    INFO(s.message());
    CHECK(s.message().find(words) != std::string::npos);
    CHECK(s.message().find(path) == 0);  // names the file first
    CHECK(read_file(path) == before);
    CHECK_FALSE(std::filesystem::exists(path + "-wal"));
  };
  const auto newer = dir.file("newer.sqlite");
  {
    store db;
    REQUIRE(db.open(newer));
  }
  {
    raw_db raw(newer);
    REQUIRE(raw.exec("PRAGMA user_version = 99") == SQLITE_OK);
    REQUIRE(raw.exec("PRAGMA journal_mode = DELETE") == SQLITE_OK);
  }
  refused_with(newer, "newer dnafill (store schema v99");
  refused_with(newer, "newer dnafill", true);
  {
    raw_db raw(newer);
    REQUIRE(raw.exec("PRAGMA user_version = 0") == SQLITE_OK);
  }
  // Not an empty file to make a store in (the migration stopped at "table models already exists").
  refused_with(newer, "a dnafill store with tables but schema version 0 (user_version reset?): the file is damaged");
  refused_with(newer, "schema version 0", true);

  // Our application_id and version, without our tables: SQLite's "no such table: models" came later.
  const auto hollow = dir.file("hollow.sqlite");
  {
    raw_db raw(hollow);
    REQUIRE(raw.exec("PRAGMA application_id = 1145979206") == SQLITE_OK);  // 0x444e4146, "DNAF"
    REQUIRE(raw.exec("PRAGMA user_version = 2") == SQLITE_OK);
    REQUIRE(raw.exec("CREATE TABLE runs (id INTEGER PRIMARY KEY)") == SQLITE_OK);
  }
  refused_with(hollow, "a dnafill store (schema v2) without its table 'models': the file is damaged or not a store");
  refused_with(hollow, "without its table 'models'", true);

  // A version-1 store without one of its indexes: migrating it met SQLite's "no such index" (step 2
  // drops designs_by_record).
  const auto unindexed = dir.file("unindexed.sqlite");
  {
    raw_db raw(unindexed);
    REQUIRE(detail::migrate(raw.get(), unindexed, 0, 1));
    REQUIRE(raw.exec("DROP INDEX designs_by_record") == SQLITE_OK);
  }
  refused_with(unindexed, "a dnafill store (schema v1) without its index 'designs_by_record': the file is damaged");

  const auto foreign = dir.file("foreign.sqlite");
  {
    raw_db raw(foreign);
    REQUIRE(raw.exec("CREATE TABLE notes (id INTEGER PRIMARY KEY, text TEXT)") == SQLITE_OK);
  }
  refused_with(foreign, "another program (no application_id, not a dnafill store)");
  {
    raw_db raw(foreign);
    REQUIRE(raw.exec("PRAGMA application_id = 1234") == SQLITE_OK);
  }
  refused_with(foreign, "another program (application_id 0x000004d2");
  refused_with(dir.write("text.fa", ">chrA\nACGTACGTACGTACGTACGTACGTACGTACGTACGTACGTACGTACGTACGTACGTACGTACGTACGTACGTACGTACGTACGTACGTACGTACGTACGT\n"),
               "text.fa: not a SQLite database, so not a dnafill store");

  // Cut inside its first page (the header and the schema): damaged, said without SQLite's statements.
  const auto cut = dir.file("cut.sqlite");
  {
    store db;
    REQUIRE(db.open(cut));
    begin(db, a_run());
  }
  {
    raw_db raw(cut);
    REQUIRE(raw.exec("PRAGMA journal_mode = DELETE") == SQLITE_OK);
  }
  std::filesystem::resize_file(cut, 2048);
  refused_with(cut, cut + ": the database file is damaged; restore it from a copy");
  refused_with(cut, cut + ": the database file is damaged; restore it from a copy", true);

  // A damaged page: the integrity check on open finds it.
  const auto damaged = dir.file("damaged.sqlite");
  {
    store db;
    REQUIRE(db.open(damaged));
    const auto id = begin(db, a_run());
    for (int r = 0; r < 40; ++r) REQUIRE(db.add_item(id, an_item(r, 0)));
  }
  {
    raw_db raw(damaged);
    REQUIRE(raw.exec("PRAGMA journal_mode = DELETE") == SQLITE_OK);
  }
  {
    // Every b-tree page after the first gets a page type that does not exist; page 1 (the header and
    // the schema) stays readable, so only the integrity check can tell.
    const auto pages = static_cast<std::int64_t>(std::filesystem::file_size(damaged) / 4096);
    REQUIRE(pages > 2);
    std::fstream f(damaged, std::ios::in | std::ios::out | std::ios::binary);
    for (std::int64_t page = 1; page < pages; ++page) {
      f.seekp(page * 4096);
      f.put('\x5a');
    }
  }
  store db;
  const auto s = db.open(damaged);
  REQUIRE_FALSE(s);
  INFO(s.message());
  CHECK((s.message().find("integrity check failed") != std::string::npos ||
         s.message().find("damaged") != std::string::npos));
  // One short line, though SQLite lists every damaged page.
  CHECK(s.message().find('\n') == std::string::npos);
  CHECK(s.message().size() < 400);
}

TEST_CASE("store: one writer at a time, readers alongside", "[data]") {
  temp_dir dir;
  const auto path = dir.file("s.sqlite");
  store writer;
  REQUIRE(writer.open(path));
  store second;
  const auto s = second.open(path);
  REQUIRE_FALSE(s);
  CHECK(s.message().find("another dnafill process is writing") != std::string::npos);
  store reader;
  const auto ro = store_options::reader();
  REQUIRE(reader.open(path, ro));
  // A read-only store refuses to write with a clear message.
  run_record run = a_run();
  bool resumed = false;
  const auto w = reader.begin_run(run, false, resumed);
  REQUIRE_FALSE(w);
  CHECK(w.message().find("read-only") != std::string::npos);
  writer.close();
  REQUIRE(second.open(path));  // the lock goes with the writer
}

// The studio's history kept reading a removed store, and after a store moved over its name showed
// the old runs: a connection reads on from the file it opened. SQLite also leaves a WAL beside the
// name while a reader is open, and the next connection to the name reads its pages over whatever
// file is there by then: a writer closing empties it when no read is under way.
TEST_CASE("store: a reader tells when its file is removed or another is moved over its name", "[data]") {
  temp_dir dir;
  const auto path = dir.file("s.sqlite"), other = dir.file("other.sqlite");
  store reader;
  {
    store writer;
    REQUIRE(writer.open(path));
    begin(writer, a_run("one"));
    REQUIRE(reader.open(path, store_options::reader()));
    std::vector<run_record> runs;
    REQUIRE(reader.list_runs(runs));
    CHECK(runs.size() == 1);
  }  // the writer closes while the reader is open: the -wal stays, empty
  CHECK(std::filesystem::file_size(path + "-wal") == 0);
  {
    store writer;
    REQUIRE(writer.open(other));
    begin(writer, a_run("two"));
    begin(writer, a_run("three"));
  }
  CHECK(reader.still_at_path());
  std::filesystem::rename(other, path);
  CHECK_FALSE(reader.still_at_path());
  reader.close();
  store again;
  REQUIRE(again.open(path, store_options::reader()));
  std::vector<run_record> runs;
  REQUIRE(again.list_runs(runs));
  CHECK(runs.size() == 2);  // the new file's, not the old -wal's one
  CHECK(again.still_at_path());
  CHECK(again.check_run_kept(2));
  std::filesystem::remove(path);
  CHECK_FALSE(again.still_at_path());
  const auto kept = again.check_run_kept(2);
  CHECK(kept.message() == path + ": removed or replaced while run 2 was written into it: the run and its designs are not in the file there now");
  again.close();
  CHECK_FALSE(again.still_at_path());
  CHECK(again.check_run_kept(2));  // closed: nothing to say
}

TEST_CASE("store: a reader leaves no -wal or -shm behind, and the file unchanged", "[data]") {
  // `db list` once left an empty -wal and a 32 KiB -shm beside the store: SQLite removes them at the
  // last close only for a connection that may write.
  temp_dir dir;
  const auto path = dir.file("s.sqlite");
  {
    store writer;
    REQUIRE(writer.open(path));
    begin(writer, a_run("one"));
  }
  REQUIRE_FALSE(std::filesystem::exists(path + "-wal"));
  const std::string before = read_file(path);
  {
    store reader;
    const auto ro = store_options::reader();
    REQUIRE(reader.open(path, ro));
    std::vector<run_record> runs;
    REQUIRE(reader.list_runs(runs));
    CHECK(runs.size() == 1);
    run_record run = a_run("two");
    bool resumed = false;
    CHECK_FALSE(reader.begin_run(run, false, resumed));
  }
  CHECK_FALSE(std::filesystem::exists(path + "-wal"));
  CHECK_FALSE(std::filesystem::exists(path + "-shm"));
  CHECK(read_file(path) == before);
}

TEST_CASE("store: a reader changes nothing in a file it refuses: another program's hot journal, a newer store's WAL", "[data]") {
  // A reader opened for writing (to remove the -wal and -shm at its close) rolled back the first and
  // copied the second into its file before refusing them. Each is left by a child killed mid-write.
  temp_dir dir;
  const auto other = dir.file("other.sqlite"), newer = dir.file("newer.sqlite"), persist = dir.file("persist.sqlite");
  {
    store writer;
    REQUIRE(writer.open(newer));
    begin(writer, a_run("one"));
  }
  const pid_t child = fork();
  REQUIRE(child >= 0);
  if (child == 0) {
    sqlite3* db = nullptr;
    sqlite3_open(other.c_str(), &db);
    sqlite3_exec(db, "PRAGMA journal_mode = DELETE; CREATE TABLE t(x); BEGIN; WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL "
                 "SELECT i + 1 FROM n WHERE i < 500) INSERT INTO t SELECT randomblob(500) FROM n; COMMIT; "
                 "PRAGMA cache_size = 2; BEGIN; UPDATE t SET x = randomblob(600);", nullptr, nullptr, nullptr);
    sqlite3* kept = nullptr;  // PERSIST: its -journal stays after every transaction, none of them cut short
    sqlite3_open(persist.c_str(), &kept);
    sqlite3_exec(kept, "PRAGMA journal_mode = PERSIST; CREATE TABLE t(x); INSERT INTO t VALUES (1);", nullptr, nullptr, nullptr);
    sqlite3_close(kept);
    sqlite3* wal = nullptr;
    sqlite3_open(newer.c_str(), &wal);
    const std::string sql = "PRAGMA wal_autocheckpoint = 0; PRAGMA user_version = " + std::to_string(detail::schema_current + 1);
    sqlite3_exec(wal, sql.c_str(), nullptr, nullptr, nullptr);
    _exit(0);  // no close: the journal stays hot, the WAL holds the new version
  }
  REQUIRE(waitpid(child, nullptr, 0) == child);
  REQUIRE(std::filesystem::exists(other + "-journal"));
  REQUIRE(std::filesystem::file_size(newer + "-wal") > 0);
  const std::vector<std::string> files = {other, other + "-journal", newer, newer + "-wal"};
  std::vector<std::string> before;
  for (const auto& f : files) before.push_back(read_file(f));
  REQUIRE(std::filesystem::exists(persist + "-journal"));
  for (const auto& [path, says] : {std::pair{other, "its -journal holds a transaction that the program writing it did not finish"},
                                   std::pair{newer, "written by a newer dnafill"}, std::pair{persist, "a SQLite database of another program"}}) {
    store reader;
    const auto s = reader.open(path, store_options::reader());
    REQUIRE_FALSE(s);
    INFO(s.message());
    CHECK(s.message().find(says) != std::string::npos);
  }
  for (std::size_t i = 0; i < files.size(); ++i) {
    INFO(files[i]);
    REQUIRE(std::filesystem::exists(files[i]));
    CHECK(read_file(files[i]) == before[i]);
  }
}

TEST_CASE("store: a reader through a link finds the -wal beside the real file", "[data]") {
  // The -wal was looked for beside the link: none there, a file no one may write was read as it
  // stands (immutable), and the runs still in the real file's -wal were left out without a word.
  temp_dir dir;
  std::filesystem::create_directory(dir.file("real"));
  std::filesystem::create_directory(dir.file("links"));
  const auto path = dir.file("real/s.sqlite"), link = dir.file("links/s.sqlite");
  {
    store writer;
    REQUIRE(writer.open(path));
    begin(writer, a_run("in the file"));
  }
  const pid_t child = fork();
  REQUIRE(child >= 0);
  if (child == 0) {
    store writer;
    run_record run = a_run("in the WAL");
    bool resumed = false;
    _exit(writer.open(path) && writer.begin_run(run, false, resumed) ? 0 : 1);  // killed: no checkpoint at close
  }
  int status = 0;
  REQUIRE(waitpid(child, &status, 0) == child);
  REQUIRE(WEXITSTATUS(status) == 0);
  REQUIRE(std::filesystem::file_size(path + "-wal") > 0);
  std::filesystem::create_symlink(path, link);
  REQUIRE(chmod(path.c_str(), 0444) == 0);
  store reader;
  REQUIRE(reader.open(link, store_options::reader()));
  std::vector<run_record> runs;
  REQUIRE(reader.list_runs(runs));
  CHECK(runs.size() == 2);
  reader.close();
  chmod(path.c_str(), 0644);
}

TEST_CASE("store: a writer closing before a reader leaves its runs in the file itself, not only in the WAL", "[data]") {
  // The studio's history keeps a read-only store open; SQLite checkpoints at the last close only, and
  // a read-only connection cannot. A copy of the .sqlite alone must hold every run.
  temp_dir dir;
  const auto path = dir.file("s.sqlite");
  store reader;
  const auto ro = store_options::reader();
  {
    store writer;
    REQUIRE(writer.open(path));
    REQUIRE(reader.open(path, ro));
    begin(writer, a_run("one"));
    begin(writer, a_run("two"));
  }
  std::vector<run_record> runs;
  REQUIRE(reader.list_runs(runs));
  CHECK(runs.size() == 2);
  std::filesystem::copy_file(path, dir.file("copy.sqlite"));
  store copy;
  REQUIRE(copy.open(dir.file("copy.sqlite"), ro));
  REQUIRE(copy.list_runs(runs));
  CHECK(runs.size() == 2);
}

TEST_CASE("store: a reader shows a running run as interrupted once no process writes the file", "[data]") {
  temp_dir dir;
  const auto path = dir.file("s.sqlite");
  auto writer = std::make_unique<store>();
  REQUIRE(writer->open(path));
  const auto killed = begin(*writer, a_run("k"));
  const auto ended = begin(*writer, a_run("e"));
  REQUIRE(writer->finish_run(ended, run_status::cancelled, "cancelled by the user"));
  store reader;
  const auto ro = store_options::reader();
  REQUIRE(reader.open(path, ro));
  auto status_of = [&](std::int64_t id) {
    run_record r;
    bool found = false;
    REQUIRE(reader.find_run(id, r, found));
    REQUIRE(found);
    return std::string(run_status_name(r.status));
  };
  CHECK(status_of(killed) == "running");  // its writer is at work
  std::vector<run_record> runs;
  REQUIRE(writer->list_runs(runs));
  CHECK(run_status_name(runs.front().status) == std::string("running"));  // a writer never says interrupted
  writer.reset();  // as a kill would: the run never ended
  CHECK(status_of(killed) == "interrupted");
  CHECK(status_of(ended) == "cancelled");
  REQUIRE(reader.list_runs(runs));
  CHECK(run_status_name(runs.at(0).status) == std::string("interrupted"));
  CHECK(run_status_name(runs.at(1).status) == std::string("cancelled"));
  raw_db raw(path, SQLITE_OPEN_READONLY);
  CHECK(raw.text("SELECT status FROM runs ORDER BY id") == "running\ncancelled");  // never written
}

// Whether another process can take an exclusive flock on the file now (as a writer would).
bool exclusive_lock_free_for_another_process(const std::string& path) {
  const pid_t child = fork();
  if (child == 0) {
    const int fd = ::open(path.c_str(), O_RDONLY);
    _exit(fd >= 0 && flock(fd, LOCK_EX | LOCK_NB) == 0 ? 0 : 1);
  }
  int status = 0;
  waitpid(child, &status, 0);
  return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

TEST_CASE("store: no writer starts or stops while a reader checks for one, so a run ending meanwhile is not taken for killed", "[data]") {
  using dnafill::data::detail::store_lock;
  using namespace std::chrono_literals;
  temp_dir dir;
  const auto path = dir.file("s.sqlite");
  auto writer = std::make_unique<store>();
  REQUIRE(writer->open(path));
  begin(*writer, a_run());
  store_lock reading;
  reading.attach_reader(path);
  // A writer of the process that ends during the check lets go of the file only after it.
  std::atomic<bool> closed{false};
  std::thread ending;
  {
    const store_lock::writer_check check(reading);
    CHECK(check.writer_elsewhere());
    ending = std::thread([&] {
      writer.reset();
      closed = true;
    });
    std::this_thread::sleep_for(100ms);
    CHECK_FALSE(closed);
  }
  ending.join();
  CHECK(closed);
  // One that starts during the check takes the file only after it.
  std::atomic<bool> opened{false};
  std::thread starting;
  store second;
  dnafill::status second_open;
  {
    const store_lock::writer_check check(reading);
    CHECK_FALSE(check.writer_elsewhere());
    CHECK_FALSE(exclusive_lock_free_for_another_process(path));  // nor can another process's
    starting = std::thread([&] {
      second_open = second.open(path);
      opened = true;
    });
    std::this_thread::sleep_for(100ms);
    CHECK_FALSE(opened);
  }
  starting.join();
  CHECK(second_open);
  second.close();
  CHECK(exclusive_lock_free_for_another_process(path));
}

// The reader's list is read without the check, and only the runs it read as running are looked up
// again under it: one that another process ended in between must come back as it ended, read again.
TEST_CASE("store: a run that another process ends between a reader's list and its check is read again", "[data]") {
  using dnafill::data::detail::store_lock;
  using namespace std::chrono_literals;
  temp_dir dir;
  const auto path = dir.file("s.sqlite");
  REQUIRE(store().open(path));
  int to_child[2], from_child[2];
  REQUIRE(pipe(to_child) == 0);
  REQUIRE(pipe(from_child) == 0);
  const pid_t child = fork();
  if (child == 0) {  // another process's batch: begins a run, and ends it when told (no Catch here)
    store writer;
    run_record run = a_run();
    bool resumed = false;
    char c = 0;
    const bool ok = writer.open(path) && writer.begin_run(run, false, resumed) && write(from_child[1], "b", 1) == 1 &&
                    read(to_child[0], &c, 1) == 1 && writer.finish_run(run.id, run_status::done, "");
    writer.close();
    _exit(ok ? 0 : 1);
  }
  char c = 0;
  REQUIRE(read(from_child[0], &c, 1) == 1);  // the run is running
  store reader;
  const auto ro = store_options::reader();
  REQUIRE(reader.open(path, ro));
  store_lock other;
  other.attach_reader(path);
  std::vector<run_record> runs;
  dnafill::status listed;
  std::thread listing;
  {
    // Held by this thread, the process's check keeps the reader waiting between its list and its own.
    const store_lock::writer_check hold(other);
    listing = std::thread([&] { listed = reader.list_runs(runs); });
    std::this_thread::sleep_for(200ms);  // the list of one run is read by then
    REQUIRE(write(to_child[1], "e", 1) == 1);
    int status = -1;
    REQUIRE(waitpid(child, &status, 0) == child);
    REQUIRE((WIFEXITED(status) && WEXITSTATUS(status) == 0));
  }
  listing.join();
  REQUIRE(listed);
  REQUIRE(runs.size() == 1);
  CHECK(run_status_name(runs.front().status) == std::string("done"));  // not interrupted, not running
  CHECK_FALSE(runs.front().finished_at.empty());
  close(to_child[0]), close(to_child[1]), close(from_child[0]), close(from_child[1]);
}

TEST_CASE("store: a writer is not turned away by a reader asking for one in the same instant", "[data]") {
  temp_dir dir;
  const auto path = dir.file("s.sqlite");
  REQUIRE(store().open(path));
  // The shared lock a reader takes to ask, held here for 50 ms instead of an instant.
  const int fd = ::open(path.c_str(), O_RDONLY);
  REQUIRE(fd >= 0);
  REQUIRE(flock(fd, LOCK_SH | LOCK_NB) == 0);
  std::thread release([fd] {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    flock(fd, LOCK_UN);
  });
  store writer;
  const auto s = writer.open(path);
  release.join();
  writer.close();  // before the descriptor: closing it drops the process's POSIX locks on the file
  ::close(fd);
  CHECK(s);
}

TEST_CASE("store: a writer turned away by readers holding on is told so, not that another process writes", "[data]") {
  temp_dir dir;
  const auto path = dir.file("s.sqlite");
  REQUIRE(store().open(path));
  const int fd = ::open(path.c_str(), O_RDONLY);  // a reader's check held past the writer's quarter second
  REQUIRE(fd >= 0);
  REQUIRE(flock(fd, LOCK_SH | LOCK_NB) == 0);
  store writer;
  const auto s = writer.open(path);
  flock(fd, LOCK_UN);
  ::close(fd);
  REQUIRE_FALSE(s);
  CHECK(s.message() == path + ": other processes reading this store kept it busy for a quarter of a second (no writer): try again");
}

TEST_CASE("store: a writer waiting for another process's reader holds up no other store of its process", "[data]") {
  using dnafill::data::detail::store_lock;
  using namespace std::chrono_literals;
  temp_dir dir;
  const auto path = dir.file("s.sqlite");
  REQUIRE(store().open(path));
  const int fd = ::open(path.c_str(), O_RDONLY);  // another reader's check, held until let go below
  REQUIRE(fd >= 0);
  REQUIRE(flock(fd, LOCK_SH | LOCK_NB) == 0);
  store writer;
  dnafill::status opened;
  std::atomic<bool> returned{false};
  std::thread starting([&] {
    opened = writer.open(path);
    returned = true;
  });
  std::this_thread::sleep_for(50ms);  // it tries again for 250 ms
  {
    store_lock reading;
    reading.attach_reader(path);
    const store_lock::writer_check check(reading);  // would wait for the writer to give up
    CHECK_FALSE(returned);
  }
  flock(fd, LOCK_UN);
  starting.join();
  writer.close();
  ::close(fd);
  CHECK(opened);
}

// Whether another process would find a POSIX lock on the byte range of SQLite's SHARED lock: what a
// connection in WAL mode holds on the database file while it is open, so that no other process,
// closing last, checkpoints and deletes the WAL it reads.
bool shared_lock_seen_from_another_process(const std::string& path) {
  const pid_t child = fork();
  if (child == 0) {
    const int fd = ::open(path.c_str(), O_RDONLY);
    struct flock probe {};
    probe.l_type = F_WRLCK;
    probe.l_whence = SEEK_SET;
    probe.l_start = 0x40000002;  // SQLite's SHARED_FIRST (PENDING_BYTE + 2), 510 bytes
    probe.l_len = 510;
    _exit(fd >= 0 && fcntl(fd, F_GETLK, &probe) == 0 && probe.l_type != F_UNLCK ? 0 : 1);
  }
  int status = -1;
  return child > 0 && waitpid(child, &status, 0) == child && WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

// Closing any descriptor of a file drops every POSIX lock the process holds on it, SQLite's too. A
// reader that lost its lock let another process, closing last, take the WAL away from under it, and
// then read an empty store (the studio keeps a reader open while its jobs open and close writers).
TEST_CASE("store: a reader keeps SQLite's lock while other stores of the process open and close the file", "[data]") {
  temp_dir dir;
  const auto path = dir.file("s.sqlite");
  {
    store writer;
    REQUIRE(writer.open(path));
    begin(writer, a_run());
  }
  store reader;
  const auto ro = store_options::reader();
  REQUIRE(reader.open(path, ro));
  std::vector<run_record> runs;
  REQUIRE(reader.list_runs(runs));
  REQUIRE(shared_lock_seen_from_another_process(path));
  {
    store other_reader;
    REQUIRE(other_reader.open(path, ro));
    REQUIRE(other_reader.list_runs(runs));
  }
  CHECK(shared_lock_seen_from_another_process(path));
  {
    store writer;
    REQUIRE(writer.open(path));
  }
  CHECK(shared_lock_seen_from_another_process(path));
  reader.close();
  CHECK_FALSE(shared_lock_seen_from_another_process(path));
}

TEST_CASE("store: a reader during writes sees whole items only, never an error", "[data]") {
  temp_dir dir;
  const auto path = dir.file("s.sqlite");
  store writer;
  REQUIRE(writer.open(path));
  const auto id = begin(writer, a_run());
  constexpr int items = 120, k = 3;
  std::atomic<bool> writing{true};
  std::atomic<int> write_failures{0};
  std::thread t([&] {
    for (int r = 0; r < items; ++r)
      if (!writer.add_item(id, an_item(r, 0, k))) write_failures += 1;
    writing = false;
  });
  store reader;
  const auto ro = store_options::reader();
  REQUIRE(reader.open(path, ro));
  std::int64_t last = 0, reads = 0, partial = 0, backwards = 0, failures = 0;
  while (writing || last < items * k) {
    std::int64_t n = 0;
    const auto s = reader.for_each_design(id, [&](design_record&) {
      ++n;
      return dnafill::status();
    });
    if (!s) {
      ++failures;
      if (!writing) break;
      continue;
    }
    ++reads;
    partial += n % k != 0;
    backwards += n < last;
    last = n;
    if (!writing && n == items * k) break;
  }
  t.join();
  CHECK(write_failures == 0);
  CHECK(failures == 0);
  CHECK(partial == 0);
  CHECK(backwards == 0);
  CHECK(last == items * k);
  CHECK(reads > 1);
}

TEST_CASE("store: a lock held by another program fails the write clearly and loses nothing", "[data]") {
  temp_dir dir;
  const auto path = dir.file("s.sqlite");
  store db;
  store_options quick;
  quick.busy_timeout_ms = 100;
  REQUIRE(db.open(path, quick));
  const auto id = begin(db, a_run());
  REQUIRE(db.add_item(id, an_item(0, 0)));
  raw_db other(path);
  REQUIRE(other.exec("BEGIN EXCLUSIVE") == SQLITE_OK);
  const auto s = db.add_item(id, an_item(1, 0));
  REQUIRE_FALSE(s);
  CHECK(s.message().find("locked by another program") != std::string::npos);
  REQUIRE(other.exec("ROLLBACK") == SQLITE_OK);
  REQUIRE(db.add_item(id, an_item(1, 0)));
  CHECK(count_designs(db) == 6);
}

TEST_CASE("store: a full disk fails the item cleanly and keeps every earlier one", "[data]") {
  temp_dir dir;
  const auto path = dir.file("full.sqlite");
  std::int64_t committed = 0;
  {
    store db;
    REQUIRE(db.open(path));
    begin(db, a_run());
  }
  {
    raw_db raw(path, SQLITE_OPEN_READONLY);
    const auto pages = raw.number("PRAGMA page_count");
    store db;
    store_options full;
    full.max_pages = pages + 3;  // room for a few items only
    REQUIRE(db.open(path, full));
    dnafill::status s;
    for (int r = 0; r < 10000 && s; ++r) {
      auto item = an_item(r, 0);
      for (auto& d : item.designs) d.sequence = d.sequence + std::string(396, 'A'), d.region_end += 396;
      s = db.add_item(1, item);
      if (s) ++committed;
    }
    REQUIRE_FALSE(s);
    INFO(s.message());
    CHECK(s.message().find("full") != std::string::npos);
    REQUIRE(committed > 0);
    // The run can still be read back, and marking it failed may fail too: either way, no crash.
    (void)db.finish_run(1, run_status::failed, s.message());
  }
  store db;
  REQUIRE(db.open(path));
  CHECK(count_designs(db) == committed * 3);
  raw_db raw(path, SQLITE_OPEN_READONLY);
  CHECK(raw.text("PRAGMA integrity_check") == "ok");
  CHECK(raw.number("SELECT count(*) FROM batch_journal") == committed);
}

TEST_CASE("sinks: a resumed run replays what the store holds into a new FASTA, in order", "[data]") {
  temp_dir dir;
  store db;
  REQUIRE(db.open(dir.file("s.sqlite")));
  {
    run_sink first(db, true);
    auto run = a_run();
    REQUIRE(first.start(run));
    REQUIRE(first.put(an_item(0, 0, 2)));
    // killed here: never finished
  }
  run_sink recorder(db, true);
  fasta_sink fasta(dir.file("out.fa"));
  fan_out_sink both({&recorder, &fasta});
  auto run = a_run();
  REQUIRE(both.start(run));
  CHECK(run.id == 1);
  CHECK(recorder.resumed());
  bool done = false;
  REQUIRE(both.completed({0, 0}, done, nullptr));
  CHECK(done);
  REQUIRE(both.completed({0, 1}, done, nullptr));
  CHECK_FALSE(done);
  auto item = an_item(0, 1, 2);
  for (auto& d : item.designs) d.run_id = run.id;  // as run_job stamps them
  REQUIRE(both.put(item));
  REQUIRE(both.finish(run_status::done, ""));
  const auto text = read_file(dir.file("out.fa"));
  CHECK(text ==
        ">chr0|variant=1|region=1-4 run=1 gc=0.5000 bits_per_base=1.9100 constraints=ok\nACGT\n"
        ">chr0|variant=2|region=1-4 run=1 gc=0.5000 bits_per_base=NA constraints=ok\nACGT\n"
        ">chr0|variant=1|region=11-14 run=1 gc=0.5000 bits_per_base=1.9100 constraints=ok\nACGT\n"
        ">chr0|variant=2|region=11-14 run=1 gc=0.5000 bits_per_base=NA constraints=ok\nACGT\n");
  // The export of the run is the same file.
  fasta_sink exported(dir.file("export.fa"));
  REQUIRE(export_designs(db, 1, exported));
  CHECK(read_file(dir.file("export.fa")) == text);
  jsonl_sink lines(dir.file("export.jsonl"));
  REQUIRE(export_designs(db, std::nullopt, lines));
  const auto json = read_file(dir.file("export.jsonl"));
  CHECK(std::count(json.begin(), json.end(), '\n') == 4);
  CHECK(json.find(R"("bits_per_base":null)") != std::string::npos);
  CHECK(json.find(R"("region_start":11)") != std::string::npos);
  fasta_sink nowhere(dir.file("none.fa"));
  CHECK_FALSE(export_designs(db, 42, nowhere));
  // A run that designed nothing exports nothing, and an earlier file stays as it was.
  run_sink empty(db, false);
  auto empty_run = a_run();
  REQUIRE(empty.start(empty_run));
  REQUIRE(empty.finish(run_status::done, ""));
  std::ofstream(dir.file("kept.fa")) << ">earlier\nACGT\n";
  fasta_sink kept(dir.file("kept.fa"));
  const auto none = export_designs(db, empty_run.id, kept);
  CHECK(none.message() == dir.file("s.sqlite") + ": run " + std::to_string(empty_run.id) + " has no designs");
  CHECK(read_file(dir.file("kept.fa")) == ">earlier\nACGT\n");
}

// Not run by default: writes tests/data/store/v1.sqlite as a version-1 dnafill wrote it (two runs of
// infill and generate, one failed). Kept in git; only ever rewritten if it is lost.
TEST_CASE("store fixture: write v1.sqlite", "[.fixture]") {
  const auto path = fixtures + "/v1.sqlite";
  std::filesystem::remove(path);
  raw_db raw(path);
  REQUIRE(raw.exec("PRAGMA journal_mode = WAL") == SQLITE_OK);
  REQUIRE(raw.exec("BEGIN") == SQLITE_OK);
  REQUIRE(detail::migrate(raw.get(), path, 0, 1));
  const char* rows[] = {
      "INSERT INTO models VALUES (1, '" "4c1f5d8e0a6b2c3d9e7f1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b1c2d" "', "
      "'/work/models/small.safetensors', '{\"preset\":\"small\"}')",
      "INSERT INTO sources VALUES (1, '/work/tests/data/cli/design.fa', 1305, "
      "'9b2e5c1d7a3f8e6b0c4d2a1f9e8d7c6b5a4f3e2d1c0b9a8f7e6d5c4b3a2f1e0d')",
      "INSERT INTO runs VALUES (1, 'infill', 1, 1, '{\"mask\":\"lowercase\",\"num\":2,\"seed\":1}', 1, 'done', "
      "'2026-11-20T10:00:00.000Z', '2026-11-20T10:00:09.000Z', NULL)",
      "INSERT INTO runs VALUES (2, 'generate', 1, NULL, '{\"length\":\"8\",\"num\":1,\"seed\":5}', 5, 'failed', "
      "'2026-11-20T10:01:00.000Z', '2026-11-20T10:01:02.000Z', 'cancelled by the user')",
      "INSERT INTO designs VALUES (1, 1, 'chrA', 0, 1, 250, 300, "
      "'tcgctttcttatatcttcggcaagttagacgaaggcatgagtttctccga', 50, 0.42, 1.93, 1, '{}', '2026-11-20T10:00:05.000Z')",
      "INSERT INTO designs VALUES (2, 1, 'chrA', 0, 2, 250, 300, "
      "'acgctttcttatatcttcggcaagttagacgaaggcatgagtttctccga', 50, 0.44, 1.95, 1, '{}', '2026-11-20T10:00:05.000Z')",
      "INSERT INTO designs VALUES (3, 1, 'chrB', 1, 1, 370, 400, 'ggatggaggtcactggcgcgaccacggctg', 30, 0.63, NULL, 1, "
      "'{}', '2026-11-20T10:00:09.000Z')",
      "INSERT INTO designs VALUES (4, 1, 'chrB', 1, 2, 370, 400, 'ggatggaggtcactggcgcgaccacggcta', 30, 0.6, NULL, 1, "
      "'{}', '2026-11-20T10:00:09.000Z')",
  };
  for (const char* sql : rows) REQUIRE(raw.exec(sql) == SQLITE_OK);
  REQUIRE(raw.exec("COMMIT") == SQLITE_OK);
  REQUIRE(raw.exec("PRAGMA wal_checkpoint(TRUNCATE)") == SQLITE_OK);
}

TEST_CASE("store: SQLite failures are said in words, the statement only where SQLite's own words need it", "[data]") {
  CHECK(detail::sqlite_failure("s.sqlite", nullptr, SQLITE_FULL, "COMMIT").message() ==
        "s.sqlite: the disk or the database is full");
  CHECK(detail::sqlite_failure("s.sqlite", nullptr, SQLITE_BUSY, "BEGIN IMMEDIATE").message() ==
        "s.sqlite: the database is locked by another program (it kept the lock past the wait)");
  CHECK(detail::sqlite_failure("s.sqlite", nullptr, SQLITE_IOERR, "BEGIN IMMEDIATE").message() == "s.sqlite: disk I/O error");
  CHECK(detail::sqlite_failure("s.sqlite", nullptr, SQLITE_ERROR, "preparing SELECT x").message() ==
        "s.sqlite: SQL logic error (preparing SELECT x)");
}
