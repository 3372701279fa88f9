#ifndef BYOK_RELAY_CLIBEVENT_H
#define BYOK_RELAY_CLIBEVENT_H
// glibc's select/time headers first: libevent's event-config.h defines _GNU_SOURCE, which would otherwise rename
// fd_set's member and clash with Glibc/Foundation (DESIGN.md §11).
#include <sys/types.h>
#include <sys/select.h>
#include <sys/time.h>
#include <event2/event.h>
#include <event2/thread.h>

/// evsignal_new is a macro; Swift sees this typed entry point instead.
static inline struct event *relay_evsignal_new(struct event_base *base, int signal, event_callback_fn callback,
                                               void *argument) {
    return event_new(base, signal, EV_SIGNAL | EV_PERSIST, callback, argument);
}
#endif
