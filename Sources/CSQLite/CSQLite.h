#ifndef BYOK_RELAY_CSQLITE_H
#define BYOK_RELAY_CSQLITE_H
#include <sys/types.h>
#include <sys/select.h>
#include <sys/time.h>
#include <sqlite3.h>
#endif
