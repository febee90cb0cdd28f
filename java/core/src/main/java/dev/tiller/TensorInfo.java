package dev.tiller;

import java.lang.foreign.MemorySegment;

/**
 * A tensor of the model file. {@code data} is a read-only view of the mapped file (no copy), valid
 * while the model is open; {@code shape} is in ggml order (shape[0] is the row length).
 */
public record TensorInfo(String name, String type, long[] shape, MemorySegment data) {
    public long elementCount() {
        long n = 1;
        for (long d : shape) n *= d;
        return n;
    }
}
