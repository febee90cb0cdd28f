// Typed runtime errors and the thread-local last-error message behind tiller_last_error().
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>

#include "tiller.h"

namespace tiller {

class Error : public std::runtime_error {
public:
    Error(int32_t code, const std::string &message) : std::runtime_error(message), code_(code) {}
    int32_t code() const { return code_; }

private:
    int32_t code_;
};

[[noreturn]] void fail(int32_t code, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

void set_last_error(const std::string &message);
const char *last_error();

// Runs fn, turning every exception into a status so that nothing crosses the C boundary.
template <typename Fn>
int32_t guarded(Fn &&fn) noexcept {
    try {
        fn();
        set_last_error("");
        return TILLER_OK;
    } catch (const Error &e) {
        set_last_error(e.what());
        return e.code();
    } catch (const std::bad_alloc &) {
        set_last_error("out of memory");
        return TILLER_ERR_OUT_OF_MEMORY;
    } catch (const std::exception &e) {
        set_last_error(std::string("internal error: ") + e.what());
        return TILLER_ERR_INTERNAL;
    } catch (...) {
        set_last_error("internal error: unknown exception");
        return TILLER_ERR_INTERNAL;
    }
}

#define TILLER_REQUIRE_ARG(cond, ...) \
    do {                               \
        if (!(cond)) ::tiller::fail(TILLER_ERR_INVALID_ARGUMENT, __VA_ARGS__); \
    } while (0)

}  // namespace tiller
