#ifndef BYOK_RELAY_CPOSTGRES_H
#define BYOK_RELAY_CPOSTGRES_H
#include <sys/types.h>
#include <sys/select.h>
#include <sys/time.h>
#include <libpq-fe.h>
#endif
