package dev.tiller.cli;

import dev.tiller.CacheType;
import dev.tiller.SessionOptions;

import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code -ctk/--cache-type-k T -ctv/--cache-type-v T}: how the KV cache stores keys and values,
 * with llama.cpp's flags and type names (f32, f16, bf16, q8_0, q4_0, q4_1, q5_0, q5_1). Tiller's
 * default stays f32, exact; llama.cpp's is f16, which halves what long-context decoding reads.
 */
final class CacheTypeOptions {
    @Spec(Spec.Target.MIXEE)
    CommandSpec spec;

    @Option(names = {"-ctk", "--cache-type-k"}, paramLabel = "TYPE",
            description = "KV cache type for keys: f32, f16, bf16, q8_0, q4_0, q4_1, q5_0, q5_1 (default: ${DEFAULT-VALUE})")
    String keys = "f32";

    @Option(names = {"-ctv", "--cache-type-v"}, paramLabel = "TYPE",
            description = "KV cache type for values, as --cache-type-k (default: ${DEFAULT-VALUE})")
    String values = "f32";

    CacheType keyType() {
        return parse("--cache-type-k", keys);
    }

    CacheType valueType() {
        return parse("--cache-type-v", values);
    }

    SessionOptions apply(SessionOptions o) {
        return o.withCacheTypes(keyType(), valueType());
    }

    private CacheType parse(String flag, String name) {
        try {
            return CacheType.parse(name);
        } catch (IllegalArgumentException e) {
            throw Cli.usage(spec, flag + ": " + e.getMessage());
        }
    }
}
