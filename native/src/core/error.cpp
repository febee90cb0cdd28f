#include "core/error.h"

#include <cstdarg>
#include <cstdio>

namespace tiller {

namespace {
thread_local std::string g_last_error;
}

void fail(int32_t code, const char *fmt, ...) {
    char buf[1024];
    va_list ap;
    va_start(ap, fmt);
    std::vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    throw Error(code, buf);
}

void set_last_error(const std::string &message) { g_last_error = message; }

const char *last_error() { return g_last_error.c_str(); }

}  // namespace tiller
