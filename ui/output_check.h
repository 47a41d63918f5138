// What the studio's FASTA outputs (an export, the batch dialog's FASTA) must not overwrite: the store,
// the files SQLite keeps beside it, the open file, the model, a batch's input and BED, and the index
// files beside an input; and whether they can be written at all. The command line refuses the same through app/common.h's check_paths.
#pragma once

#include <QString>

#include <string>
#include <vector>

namespace dnafill::ui {

// A file of the session an output must not land on, and what it is ("the store of runs and designs").
struct KeptFile {
  std::string path;
  QString what;
};

// The store and the files SQLite keeps beside it (-wal, -shm, -journal; data::store::companion_files).
std::vector<KeptFile> storeFiles(const std::string& storePath);

// Adds to `kept` an input (none when `path` is empty) and the index files a region read makes or
// reads beside it (bio::index_files).
void keepInput(std::vector<KeptFile>& kept, const std::string& path, const QString& what);

// Why the FASTA `out` cannot be written (bio::check_creatable: a folder, a missing folder, ...), or why
// writing it (and, for .gz, its index files) would destroy one of `kept` ("PATH is the store of runs
// and designs: ..."), or a file of another kind there (bio::replaceable); "" when it can be written.
QString overwrites(const std::string& out, const std::vector<KeptFile>& kept);

}  // namespace dnafill::ui
