#ifndef BYOK_RELAY_COPENSSL_H
#define BYOK_RELAY_COPENSSL_H
#include <sys/types.h>
#include <sys/select.h>
#include <sys/time.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/kdf.h>
#include <openssl/core_names.h>
#include <openssl/params.h>
#include <openssl/rand.h>
#include <openssl/err.h>
#endif
