#include "model/arch.h"

namespace tiller {

namespace {
const ArchSpec *const kRegistry[] = {&kGemma1Spec, &kGemma2Spec, &kGemma3Spec};
}

const ArchSpec *find_arch(std::string_view name) {
    for (const ArchSpec *a : kRegistry)
        if (name == a->name) return a;
    return nullptr;
}

const char *supported_arch_names() { return "gemma, gemma2, gemma3"; }

}  // namespace tiller
