#ifndef BYOK_RELAY_CCURL_H
#define BYOK_RELAY_CCURL_H
#include <sys/types.h>
#include <sys/select.h>
#include <sys/time.h>
#include <curl/curl.h>

// curl_easy_setopt and curl_multi_setopt are variadic; Swift needs one typed entry point per argument kind.
static inline CURLcode relay_curl_easy_setopt_long(CURL *easy, CURLoption option, long value) {
    return curl_easy_setopt(easy, option, value);
}
static inline CURLcode relay_curl_easy_setopt_pointer(CURL *easy, CURLoption option, void *value) {
    return curl_easy_setopt(easy, option, value);
}
static inline CURLcode relay_curl_easy_setopt_string(CURL *easy, CURLoption option, const char *value) {
    return curl_easy_setopt(easy, option, value);
}
static inline CURLMcode relay_curl_multi_setopt_long(CURLM *multi, CURLMoption option, long value) {
    return curl_multi_setopt(multi, option, value);
}
static inline CURLMcode relay_curl_multi_setopt_pointer(CURLM *multi, CURLMoption option, void *value) {
    return curl_multi_setopt(multi, option, value);
}
#endif
