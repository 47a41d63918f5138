// hold_closed_standard_streams of app/standard_streams.h.
#include "app/standard_streams.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>

namespace dnafill::app {

void hold_closed_standard_streams() {
  for (int fd = 0; fd <= 2; ++fd) {
    if (fcntl(fd, F_GETFD) != -1 || errno != EBADF) continue;
    // The lower numbers are open by now, so this one is the number open() hands out.
    const int held = open("/dev/null", fd == STDIN_FILENO ? O_WRONLY : O_RDONLY);
    if (held >= 0 && held != fd) {  // not expected; made sure of all the same
      dup2(held, fd);
      close(held);
    }
  }
}

}  // namespace dnafill::app
