package dev.tiller;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * How a session's KV cache stores keys or values: llama.cpp's {@code --cache-type-k/v} types.
 * {@link #F32} keeps them exact (Tiller's default); {@link #F16} halves the bytes that long-context
 * decoding reads, which is llama.cpp's default; the block types need a head size that is a
 * multiple of 32. A batch attends to its own keys and values rounded as the cache stores them,
 * so results do not depend on how a text is split into evaluations.
 */
public enum CacheType {
    F32(0), F16(1), BF16(30), Q8_0(8), Q4_0(2), Q4_1(3), Q5_0(6), Q5_1(7);

    private final int ggmlType;

    CacheType(int ggmlType) {
        this.ggmlType = ggmlType;
    }

    /** The ggml type id the runtime takes. */
    public int ggmlType() {
        return ggmlType;
    }

    /** The name as llama.cpp spells it: f32, f16, bf16, q8_0, ... */
    public String llamaName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses llama.cpp's spelling (any case). */
    public static CacheType parse(String name) {
        for (CacheType t : values())
            if (t.llamaName().equalsIgnoreCase(name.strip())) return t;
        throw new IllegalArgumentException("unknown KV cache type '" + name + "': expected one of "
                + Arrays.stream(values()).map(CacheType::llamaName).collect(Collectors.joining(", ")));
    }

    static CacheType ofGgml(int id) {
        for (CacheType t : values())
            if (t.ggmlType == id) return t;
        throw new IllegalStateException("the runtime reports KV cache type " + id + ", unknown to these bindings");
    }
}
