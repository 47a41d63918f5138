// The standard descriptors of a program started with one of them closed (`dnafill ... >&-`, a daemon,
// a cron job).
#pragma once

namespace dnafill::app {

// Holds each of descriptors 0, 1 and 2 that is closed with /dev/null opened the other way round: the
// input write-only, the outputs read-only. A closed number is the first an open() hands out, so the
// store (or a FASTA output) would take it, and what is printed would land in that file, over its
// header. Held so, reading or writing it still fails with EBADF, as on a closed descriptor, and says
// so. Call first in main(), before anything opens a file.
void hold_closed_standard_streams();

}  // namespace dnafill::app
