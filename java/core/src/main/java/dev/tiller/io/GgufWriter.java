package dev.tiller.io;

import dev.tiller.internal.GuardedHandle;
import dev.tiller.internal.Native;

import static dev.tiller.bindings.tiller_h.*;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

/**
 * Writes a GGUF file: metadata keys, then float32 tensors stored as F32, F16, BF16 or a block
 * type. Tensor dims are ggml's (ne[0] = row length): a [rows, cols] row-major matrix is
 * {@code ne = {cols, rows}}.
 */
public final class GgufWriter implements AutoCloseable {
    private final GuardedHandle handle;

    public GgufWriter() {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment out = a.allocate(ValueLayout.ADDRESS);
            Native.check(tiller_gguf_writer_new(out));
            handle = new GuardedHandle(out.get(ValueLayout.ADDRESS, 0), "GGUF writer");
        }
    }

    public GgufWriter setU32(String key, long value) {
        return call(a -> tiller_gguf_set_u32(handle(), a.allocateFrom(key), value));
    }

    public GgufWriter setF32(String key, float value) {
        return call(a -> tiller_gguf_set_f32(handle(), a.allocateFrom(key), value));
    }

    public GgufWriter setBool(String key, boolean value) {
        return call(a -> tiller_gguf_set_bool(handle(), a.allocateFrom(key), value ? 1 : 0));
    }

    public GgufWriter setString(String key, String value) {
        byte[] b = value.getBytes(StandardCharsets.UTF_8);
        return call(a -> tiller_gguf_set_string(handle(), a.allocateFrom(key), a.allocateFrom(ValueLayout.JAVA_BYTE, b), b.length));
    }

    public GgufWriter setStrings(String key, List<String> values) {
        long[] lengths = new long[values.size()];
        java.io.ByteArrayOutputStream all = new java.io.ByteArrayOutputStream();
        for (int i = 0; i < lengths.length; i++) {
            byte[] b = values.get(i).getBytes(StandardCharsets.UTF_8);
            lengths[i] = b.length;
            all.writeBytes(b);
        }
        byte[] bytes = all.toByteArray();
        return call(a -> tiller_gguf_set_strings(handle(), a.allocateFrom(key), bytes.length == 0 ? MemorySegment.NULL : a.allocateFrom(ValueLayout.JAVA_BYTE, bytes),
                lengths.length == 0 ? MemorySegment.NULL : a.allocateFrom(ValueLayout.JAVA_LONG, lengths), lengths.length));
    }

    public GgufWriter setF32s(String key, float[] values) {
        return call(a -> tiller_gguf_set_f32s(handle(), a.allocateFrom(key), values.length == 0 ? MemorySegment.NULL : a.allocateFrom(ValueLayout.JAVA_FLOAT, values), values.length));
    }

    public GgufWriter setI32s(String key, int[] values) {
        return call(a -> tiller_gguf_set_i32s(handle(), a.allocateFrom(key), values.length == 0 ? MemorySegment.NULL : a.allocateFrom(ValueLayout.JAVA_INT, values), values.length));
    }

    /** A tensor from float32 values (copied), stored as type ("F32", "F16", "BF16", "Q8_0", ...). */
    public GgufWriter addTensor(String name, float[] data, long[] ne, String type) {
        int id = typeId(type);
        return call(a -> tiller_gguf_add_tensor(handle(), a.allocateFrom(name), a.allocateFrom(ValueLayout.JAVA_FLOAT, data), a.allocateFrom(ValueLayout.JAVA_LONG, ne), ne.length, id));
    }

    /** Writes the file (to a temporary name renamed into place). */
    public void write(Path path) {
        call(a -> tiller_gguf_write(handle(), Native.cPath(a, path)));
    }

    static int typeId(String name) {
        for (int id = 0; id < 64; id++) {
            String n = Native.cString(tiller_type_name(id));
            if (name.equals(n)) return id;
        }
        throw new IllegalArgumentException("unknown tensor type " + name);
    }

    private interface Call {
        int run(Arena a);
    }

    private GgufWriter call(Call c) {
        handle.with(p -> {
            try (Arena a = Arena.ofConfined()) {
                Native.check(c.run(a));
            }
            return null;
        });
        return this;
    }

    private MemorySegment handle() {
        return handle.with(p -> p);
    }

    @Override
    public void close() {
        handle.close(() -> {}, p -> tiller_gguf_writer_free(p));
    }
}
