#ifndef BYOK_RELAY_CHIREDIS_H
#define BYOK_RELAY_CHIREDIS_H
#include <sys/types.h>
#include <sys/select.h>
#include <sys/time.h>
#include <event2/event.h>
#include <hiredis/hiredis.h>
#include <hiredis/async.h>
// Header-only adapter: it needs libevent's headers and event_core in this same module (DESIGN.md §11).
#include <hiredis/adapters/libevent.h>
#endif
