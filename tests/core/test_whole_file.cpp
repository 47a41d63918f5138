// Tests of core/whole_file.h: a file replaced whole, a second writer turned away while the first
// writes, a temporary file a killed run left taken over, failures that leave the old file as it was.
#include <catch2/catch.hpp>

#include <sys/file.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "bio/output_file.h"
#include "core/whole_file.h"
#include "test_util.h"

namespace fs = std::filesystem;
using dnafill::core::replace_whole;
using dnafill::core::write_all;
using dnafill::test::read_file;
using dnafill::test::temp_dir;
using dnafill::test::write_file;

namespace {

// A writer of `text`, as the checkpoint's and the state's writers are.
auto writing(const std::string& text) {
  return [text](int fd) { return write_all(fd, text.data(), text.size()); };
}

}  // namespace

TEST_CASE("a file is replaced whole and no temporary file stays", "[whole_file]") {
  temp_dir dir;
  const std::string path = dir.file("m.safetensors");
  write_file(path, "the old contents, longer than the new");
  REQUIRE(replace_whole(path, "the model", writing("new")).ok());
  CHECK(read_file(path) == "new");
  CHECK(dir.listing() == std::vector<std::string>{"m.safetensors"});
}

TEST_CASE("a link stays a link, and the file it names is replaced", "[whole_file]") {
  temp_dir dir;
  const std::string real = dir.file("real"), link = dir.file("link");
  write_file(real, "old");
  fs::create_symlink(real, link);
  REQUIRE(replace_whole(link, "the model", writing("new")).ok());
  CHECK(fs::is_symlink(link));
  CHECK(read_file(real) == "new");
  CHECK(dir.listing() == (std::vector<std::string>{"link", "real"}));
}

TEST_CASE("a temporary file a killed run left is taken over, whatever it held", "[whole_file]") {
  temp_dir dir;
  const std::string path = dir.file("m");
  write_file(path + ".tmp", std::string(4096, 'x'));  // longer than the new contents: it must be emptied first
  REQUIRE(replace_whole(path, "the model", writing("new")).ok());
  CHECK(read_file(path) == "new");
  CHECK(dir.listing() == std::vector<std::string>{"m"});
}

TEST_CASE("a second writer of one file is refused while the first writes", "[whole_file]") {
  temp_dir dir;
  const std::string path = dir.file("m");
  write_file(path, "old");
  dnafill::status second;
  // The second write starts while the first is half done: flock locks are per open file, so a
  // second open in one process stands for a second program.
  auto first = replace_whole(path, "the model", [&](int fd) {
    const int error = write_all(fd, "fir", 3);
    second = replace_whole(path, "the model", writing("second"));
    return error == 0 ? write_all(fd, "st", 2) : error;
  });
  REQUIRE(first.ok());
  CHECK(second.message() == path + ": cannot write the model: another program is writing it now (" + path +
                                ".tmp is locked); let it finish, or write elsewhere");
  CHECK(read_file(path) == "first");
  CHECK(dir.listing() == std::vector<std::string>{"m"});
}

TEST_CASE("failures leave the old file and no temporary file", "[whole_file]") {
  temp_dir dir;
  const std::string path = dir.file("m");
  write_file(path, "old");

  SECTION("the writer fails (a full disk)") {
    auto s = replace_whole(path, "the training state", [](int) { return ENOSPC; });
    CHECK(s.message() == path + ": cannot write the training state: No space left on device");
  }
  SECTION("the folder cannot be written") {
    const std::string missing = dir.file("no/such/folder/m");
    auto s = replace_whole(missing, "the model", writing("new"));
    CHECK(s.message() == missing + ": cannot write the model: " + missing + ".tmp: No such file or directory");
  }
  SECTION("a non-empty folder stands where the file would go") {
    fs::remove(path);
    fs::create_directories(path + "/inside");
    auto s = replace_whole(path, "the model", writing("new"));
    CHECK(s.message().rfind(path + ": cannot write the model: " + path + ".tmp was written but not renamed over it: ", 0) == 0);
    CHECK(dir.listing() == std::vector<std::string>{"m"});
    return;
  }
  CHECK(read_file(path) == "old");
  CHECK(dir.listing() == std::vector<std::string>{"m"});
}

TEST_CASE("a second Ctrl-C while the file is written removes its temporary file, and the old file stays", "[whole_file]") {
  temp_dir dir;
  const std::string path = dir.file("m");
  write_file(path, "old");
  bool seen_then = false;
  auto s = replace_whole(path, "the model", [&](int fd) {
    seen_then = fs::exists(path + ".tmp");
    dnafill::bio::remove_temporary_files_now();  // what app/interrupt.cpp's handler calls
    return write_all(fd, "new", 3);
  });
  CHECK(seen_then);
  CHECK(s.message().rfind(path + ": cannot write the model: " + path + ".tmp was written but not renamed over it: ", 0) == 0);
  CHECK(read_file(path) == "old");
  CHECK(dir.listing() == std::vector<std::string>{"m"});

  // Once written, its name is no longer this writer's to remove: the next writer's temporary file stays.
  REQUIRE(replace_whole(path, "the model", writing("new")));
  write_file(path + ".tmp", "the next writer's");
  dnafill::bio::remove_temporary_files_now();
  CHECK(read_file(path) == "new");
  CHECK(fs::exists(path + ".tmp"));
}

TEST_CASE("a temporary name that is not a plain file of one name is refused, and what it names kept", "[whole_file]") {
  temp_dir dir;
  const std::string path = dir.file("m"), temp = path + ".tmp", other = dir.file("genome.fa");
  write_file(path, "old");
  write_file(other, ">chr1\nACGT\n");
  std::string expected;
  SECTION("a symbolic link to another file") {
    fs::create_symlink(other, temp);
    expected = "is a symbolic link";
  }
  SECTION("a second name of another file (a hard link)") {
    fs::create_hard_link(other, temp);
    expected = "has another name (a hard link)";
  }
  SECTION("a FIFO: refused at once, not waited on") {
    REQUIRE(::mkfifo(temp.c_str(), 0644) == 0);
    expected = "is not a regular file (a FIFO or a device)";
  }
  SECTION("a folder") {
    fs::create_directory(temp);
    expected = "";  // the open says it: "Is a directory"
  }
  const std::string said = expected.empty() ? "" : temp + ", the temporary name of this write, " + expected +
                                                        ": not a file of dnafill's to empty; remove it";
  if (!said.empty()) CHECK(dnafill::core::check_temporary_name(path).message() == said);
  const auto s = replace_whole(path, "the model", writing("new"));
  REQUIRE_FALSE(s.ok());
  if (!said.empty()) CHECK(s.message() == path + ": cannot write the model: " + said);
  CHECK(read_file(path) == "old");
  CHECK(read_file(other) == ">chr1\nACGT\n");
}

TEST_CASE("the new file keeps the old one's permissions", "[whole_file]") {
  temp_dir dir;
  const std::string path = dir.file("m");
  write_file(path, "old");
  fs::permissions(path, fs::perms::owner_read | fs::perms::owner_write);
  REQUIRE(replace_whole(path, "the model", writing("new")).ok());
  CHECK(fs::status(path).permissions() == (fs::perms::owner_read | fs::perms::owner_write));
}

TEST_CASE("writers racing on one file never leave it torn", "[whole_file]") {
  // Three processes replace one file 500 times each while this one reads it: every read is one
  // writer's whole contents, and a writer turned away is told so. A writer that locked a temporary
  // file already renamed into place (opened before the rename, locked after it) would empty the file
  // in place: the lock is taken on the name as it is after the lock, which this catches.
  temp_dir dir;
  const std::string path = dir.file("m");
  write_file(path, std::string(8192, 'a'));
  std::vector<pid_t> writers;
  for (char letter : {'b', 'c', 'd'}) {
    const pid_t pid = ::fork();
    REQUIRE(pid >= 0);
    if (pid == 0) {
      int bad = 0;
      for (int i = 0; i < 500; ++i) {
        const auto s = replace_whole(path, "the model", writing(std::string(8192, letter)));
        if (!s.ok() && s.message().find("is locked") == std::string::npos) ++bad;
      }
      ::_exit(bad == 0 ? 0 : 1);
    }
    writers.push_back(pid);
  }
  int torn = 0, reads = 0;
  for (bool running = true; running; ++reads) {
    const std::string got = read_file(path);
    if (got.size() != 8192 || got.find_first_not_of(got[0]) != std::string::npos) ++torn;
    running = false;
    for (pid_t pid : writers) running = running || ::waitpid(pid, nullptr, WNOHANG) == 0;
  }
  int failed_writers = 0;
  for (pid_t pid : writers) {
    int status = 0;
    if (::waitpid(pid, &status, 0) == pid && !(WIFEXITED(status) && WEXITSTATUS(status) == 0)) ++failed_writers;
  }
  INFO(reads << " reads");
  CHECK(torn == 0);
  CHECK(failed_writers == 0);
  CHECK(dir.listing() == std::vector<std::string>{"m"});
}
