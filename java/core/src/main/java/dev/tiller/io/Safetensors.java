package dev.tiller.io;

import dev.tiller.ModelFormatException;
import dev.tiller.ModelIOException;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * safetensors files of F32 and I32 tensors with string metadata: steering vectors, training
 * checkpoints. Writes go to a temporary file moved into place, so a killed writer never leaves a
 * half-written file under the real name.
 */
public final class Safetensors {
    private Safetensors() {}

    /** One tensor: dtype "F32" or "I32", shape, little-endian bytes. */
    public record Entry(String dtype, long[] shape, byte[] data) {
        public static Entry f32(float[] v, long... shape) {
            ByteBuffer b = ByteBuffer.allocate(v.length * 4).order(ByteOrder.LITTLE_ENDIAN);
            b.asFloatBuffer().put(v);
            return new Entry("F32", shape.length == 0 ? new long[] {v.length} : shape, b.array());
        }

        public static Entry i32(int[] v, long... shape) {
            ByteBuffer b = ByteBuffer.allocate(v.length * 4).order(ByteOrder.LITTLE_ENDIAN);
            b.asIntBuffer().put(v);
            return new Entry("I32", shape.length == 0 ? new long[] {v.length} : shape, b.array());
        }

        public float[] floats() {
            if (!"F32".equals(dtype)) throw new IllegalArgumentException("tensor is " + dtype + ", not F32");
            float[] f = new float[data.length / 4];
            ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(f);
            return f;
        }

        public int[] ints() {
            if (!"I32".equals(dtype)) throw new IllegalArgumentException("tensor is " + dtype + ", not I32");
            int[] v = new int[data.length / 4];
            ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN).asIntBuffer().get(v);
            return v;
        }
    }

    public record Contents(Map<String, String> metadata, Map<String, Entry> tensors) {}

    public static void write(Path path, Map<String, String> metadata, Map<String, Entry> tensors) {
        StringBuilder h = new StringBuilder("{\"__metadata__\":{");
        boolean first = true;
        for (Map.Entry<String, String> e : new TreeMap<>(metadata).entrySet()) {
            h.append(first ? "" : ",").append(MiniJson.quote(e.getKey())).append(':').append(MiniJson.quote(e.getValue()));
            first = false;
        }
        h.append('}');
        long offset = 0;
        for (Map.Entry<String, Entry> e : tensors.entrySet()) {
            long n = e.getValue().data().length;
            h.append(',').append(MiniJson.quote(e.getKey())).append(":{\"dtype\":\"").append(e.getValue().dtype()).append("\",\"shape\":[");
            long[] shape = e.getValue().shape();
            for (int i = 0; i < shape.length; i++) h.append(i == 0 ? "" : ",").append(shape[i]);
            h.append("],\"data_offsets\":[").append(offset).append(',').append(offset + n).append("]}");
            offset += n;
        }
        h.append('}');
        byte[] header = h.toString().getBytes(StandardCharsets.UTF_8);
        int pad = (8 - header.length % 8) % 8;  // data 8-byte aligned, header padded with spaces
        AtomicFiles.write(path, out -> {
            ByteBuffer len = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(header.length + pad);
            out.write(len.array());
            out.write(header);
            for (int i = 0; i < pad; i++) out.write(' ');
            for (Entry e : tensors.values()) out.write(e.data());
        });
    }

    /** Reads every tensor; a malformed file is a {@link ModelFormatException} naming it. */
    public static Contents read(Path path) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(path);
        } catch (IOException e) {
            throw new ModelIOException(0, path + ": cannot read: " + e.getMessage());
        }
        try {
            if (bytes.length < 8) throw new IllegalArgumentException("too short");
            long n = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).getLong();
            if (n < 2 || n > bytes.length - 8) throw new IllegalArgumentException("header length " + n + " is impossible");
            if (!(MiniJson.parse(new String(bytes, 8, (int) n, StandardCharsets.UTF_8)) instanceof Map<?, ?> header)) {
                throw new IllegalArgumentException("header is not an object");
            }
            Map<String, String> meta = new TreeMap<>();
            Map<String, Entry> tensors = new LinkedHashMap<>();
            long dataStart = 8 + n;
            for (Map.Entry<?, ?> e : header.entrySet()) {
                String name = String.valueOf(e.getKey());
                if (name.equals("__metadata__")) {
                    if (e.getValue() instanceof Map<?, ?> m) {
                        for (Map.Entry<?, ?> kv : m.entrySet()) meta.put(String.valueOf(kv.getKey()), String.valueOf(kv.getValue()));
                    }
                    continue;
                }
                tensors.put(name, entry(bytes, dataStart, (Map<?, ?>) e.getValue(), name));
            }
            return new Contents(meta, tensors);
        } catch (IllegalArgumentException | ClassCastException | NullPointerException | IndexOutOfBoundsException e) {
            throw new ModelFormatException(0, path + ": " + e.getMessage());
        }
    }

    private static Entry entry(byte[] bytes, long dataStart, Map<?, ?> info, String name) {
        String dtype = (String) info.get("dtype");
        if (!"F32".equals(dtype) && !"I32".equals(dtype)) throw new IllegalArgumentException("tensor '" + name + "' has dtype " + dtype + " (F32, I32)");
        List<?> dims = (List<?>) info.get("shape");
        long[] shape = new long[dims.size()];
        long count = 1;
        for (int i = 0; i < shape.length; i++) {
            shape[i] = ((Double) dims.get(i)).longValue();
            if (shape[i] < 0 || shape[i] > Integer.MAX_VALUE) throw new IllegalArgumentException("tensor '" + name + "' has a bad shape");
            count *= shape[i];
        }
        List<?> offs = (List<?>) info.get("data_offsets");
        long b = ((Double) offs.get(0)).longValue(), e = ((Double) offs.get(1)).longValue();
        if (b < 0 || e < b || dataStart + e > bytes.length || e - b != count * 4) {
            throw new IllegalArgumentException("tensor '" + name + "' does not match its shape or lies outside the file");
        }
        byte[] data = new byte[(int) (e - b)];
        System.arraycopy(bytes, (int) (dataStart + b), data, 0, data.length);
        return new Entry(dtype, shape, data);
    }
}
