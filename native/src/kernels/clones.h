// Compiler multi-versioning for the float loops: GCC emits x86-64-v4 (AVX-512), v3 (AVX2) and
// baseline versions and picks one per CPU at load time (never SIGILL on an older CPU).
#pragma once

#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__) && !defined(TILLER_NO_DISPATCH)
#define TILLER_CLONES __attribute__((target_clones("arch=x86-64-v4", "arch=x86-64-v3", "default")))
#else
#define TILLER_CLONES
#endif
