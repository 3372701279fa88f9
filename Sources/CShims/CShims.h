#ifndef BYOK_RELAY_CSHIMS_H
#define BYOK_RELAY_CSHIMS_H
// Glue that belongs to no library. accept4 is a GNU extension that Glibc's Swift module hides unless _GNU_SOURCE is
// set; setting _GNU_SOURCE (or including <sys/socket.h> here) would give this module a second, differing copy of
// the socket declarations and hide Glibc's SOCK_* constants from Swift (DESIGN.md §11). So the libc symbol (in
// glibc since 2.10) is declared with untyped address arguments and called through one typed entry point.
extern int accept4(int descriptor, void *address, void *addressLength, int flags);

/// accept4(2) without the peer address: returns the new descriptor, or -1 with errno set.
static inline int relay_accept4(int descriptor, int flags) {
    return accept4(descriptor, (void *)0, (void *)0, flags);
}

// malloc_trim(3) lives in <malloc.h>, which Glibc's Swift module does not export; declared the same way.
extern int malloc_trim(unsigned long pad);
#endif
