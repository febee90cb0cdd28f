package dev.tiller;

import dev.tiller.internal.Native;

import static dev.tiller.bindings.tiller_h.*;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Every key of a model's GGUF metadata. Values are {@link Long}, {@link Double}, {@link Boolean},
 * {@link String} or a {@link List} of those, read from the mapped file on request.
 */
public final class Metadata {
    private final Model model;
    private final Map<String, Long> index = new LinkedHashMap<>();

    Metadata(Model model) {
        this.model = model;
        model.withHandle(h -> {
            try (Arena a = Arena.ofConfined()) {
                MemorySegment count = a.allocate(ValueLayout.JAVA_LONG);
                Native.check(tiller_meta_count(h, count));
                MemorySegment key = a.allocate(ValueLayout.ADDRESS);
                for (long i = 0, n = count.get(ValueLayout.JAVA_LONG, 0); i < n; i++) {
                    Native.check(tiller_meta_info(h, i, key, MemorySegment.NULL, MemorySegment.NULL, MemorySegment.NULL));
                    index.put(Native.cString(Native.readPointer(key)), i);
                }
            }
            return null;
        });
    }

    /** Keys in file order. */
    public List<String> keys() {
        return Collections.unmodifiableList(new ArrayList<>(index.keySet()));
    }

    public boolean contains(String key) {
        return index.containsKey(key);
    }

    /** The value of a key, or empty when the file does not have it. */
    public Optional<Object> get(String key) {
        Long i = index.get(key);
        if (i == null) return Optional.empty();
        return Optional.of(read(i, Long.MAX_VALUE));
    }

    /** Like {@link #get}, but an array value holds at most its first {@code maxElements} elements (see {@link #length}). */
    public Optional<Object> head(String key, int maxElements) {
        Long i = index.get(key);
        if (i == null) return Optional.empty();
        return Optional.of(read(i, Math.max(0, maxElements)));
    }

    public Optional<String> getString(String key) {
        return get(key).map(v -> v instanceof String s ? s : null);
    }

    public Optional<Long> getLong(String key) {
        return get(key).map(v -> v instanceof Long l ? l : v instanceof Boolean b ? (b ? 1L : 0L) : null);
    }

    public Optional<Double> getDouble(String key) {
        return get(key).map(v -> v instanceof Number n ? n.doubleValue() : null);
    }

    /** The number of elements of an array value (1 for scalars), or -1 when the key is absent. */
    public long length(String key) {
        Long i = index.get(key);
        if (i == null) return -1;
        return model.withHandle(h -> {
            try (Arena a = Arena.ofConfined()) {
                MemorySegment type = a.allocate(ValueLayout.JAVA_INT), count = a.allocate(ValueLayout.JAVA_LONG);
                Native.check(tiller_meta_info(h, i, MemorySegment.NULL, type, MemorySegment.NULL, count));
                return count.get(ValueLayout.JAVA_LONG, 0);
            }
        });
    }

    private Object read(long i, long max) {
        return model.withHandle(h -> {
            try (Arena a = Arena.ofConfined()) {
                MemorySegment type = a.allocate(ValueLayout.JAVA_INT), atype = a.allocate(ValueLayout.JAVA_INT);
                MemorySegment count = a.allocate(ValueLayout.JAVA_LONG);
                Native.check(tiller_meta_info(h, i, MemorySegment.NULL, type, atype, count));
                int t = type.get(ValueLayout.JAVA_INT, 0);
                if (t != TILLER_META_ARRAY()) return element(h, a, i, t, 0);
                int et = atype.get(ValueLayout.JAVA_INT, 0);
                long n = Math.min(max, count.get(ValueLayout.JAVA_LONG, 0));
                List<Object> out = new ArrayList<>((int) Math.min(n, Integer.MAX_VALUE));
                for (long k = 0; k < n; k++) out.add(element(h, a, i, et, k));
                return Collections.unmodifiableList(out);
            }
        });
    }

    private static Object element(MemorySegment h, Arena a, long i, int type, long k) {
        if (type == TILLER_META_STRING()) {
            MemorySegment data = a.allocate(ValueLayout.ADDRESS), len = a.allocate(ValueLayout.JAVA_LONG);
            Native.check(tiller_meta_string(h, i, k, data, len));
            return Native.utf8(Native.readPointer(data), len.get(ValueLayout.JAVA_LONG, 0));
        }
        if (type == TILLER_META_FLOAT32() || type == TILLER_META_FLOAT64()) {
            MemorySegment v = a.allocate(ValueLayout.JAVA_DOUBLE);
            Native.check(tiller_meta_float(h, i, k, v));
            return v.get(ValueLayout.JAVA_DOUBLE, 0);
        }
        MemorySegment v = a.allocate(ValueLayout.JAVA_LONG);
        Native.check(tiller_meta_int(h, i, k, v));
        long x = v.get(ValueLayout.JAVA_LONG, 0);
        return type == TILLER_META_BOOL() ? (Object) (x != 0) : (Object) x;
    }
}
