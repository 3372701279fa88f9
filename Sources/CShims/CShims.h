#ifndef BYOK_RELAY_CSHIMS_H
#define BYOK_RELAY_CSHIMS_H
// Glue that belongs to no library. accept4 is a GNU extension that Glibc's Swift module hides unless _GNU_SOURCE is
// set, and setting _GNU_SOURCE here would change fd_set for this module (DESIGN.md §11). Declaring the libc symbol
// is enough: it has been in glibc since 2.10.
#include <sys/types.h>
#include <sys/select.h>
#include <sys/time.h>
#include <sys/socket.h>

extern int accept4(int sockfd, struct sockaddr *addr, socklen_t *addrlen, int flags);
#endif
