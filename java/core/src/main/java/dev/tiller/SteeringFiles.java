package dev.tiller;

import java.io.IOException;
import java.io.UncheckedIOException;
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
 * Steering vectors on disk: safetensors with JSON metadata. Dense vectors hold an F32 tensor
 * {@code direction [d]}; SAS vectors {@code indices} (I32) and {@code values} (F32) of shape
 * {@code [K]}. {@code __metadata__} holds {@code format = tiller-steering-1}, {@code layer} and
 * whatever the builder recorded (model, sae, tau, sigma, positions...).
 */
public final class SteeringFiles {
    private SteeringFiles() {}

    public static final String FORMAT = "tiller-steering-1";

    public static void save(SteeringVector v, Path path) {
        Map<String, String> meta = new TreeMap<>(v.metadata());
        meta.put("format", FORMAT);
        meta.put("layer", Integer.toString(v.layer()));
        meta.put("kind", v.isSparse() ? "sas" : "dense");
        Map<String, byte[]> tensors = new LinkedHashMap<>();
        Map<String, String> dtypes = new LinkedHashMap<>();
        if (v.isSparse()) {
            tensors.put("indices", ints(v.indices()));
            dtypes.put("indices", "I32");
            tensors.put("values", floats(v.values()));
            dtypes.put("values", "F32");
        } else {
            tensors.put("direction", floats(v.dense()));
            dtypes.put("direction", "F32");
        }
        StringBuilder h = new StringBuilder("{\"__metadata__\":{");
        boolean first = true;
        for (Map.Entry<String, String> e : meta.entrySet()) {
            h.append(first ? "" : ",").append(MiniJson.quote(e.getKey())).append(':').append(MiniJson.quote(e.getValue()));
            first = false;
        }
        h.append('}');
        long offset = 0;
        for (Map.Entry<String, byte[]> e : tensors.entrySet()) {
            long n = e.getValue().length;
            h.append(',').append(MiniJson.quote(e.getKey())).append(":{\"dtype\":\"").append(dtypes.get(e.getKey()))
                    .append("\",\"shape\":[").append(n / 4).append("],\"data_offsets\":[").append(offset).append(',')
                    .append(offset + n).append("]}");
            offset += n;
        }
        h.append('}');
        byte[] header = h.toString().getBytes(StandardCharsets.UTF_8);
        int pad = (8 - header.length % 8) % 8; // keep the data 8-byte aligned, padded with spaces
        ByteBuffer out = ByteBuffer.allocate(8 + header.length + pad + (int) offset).order(ByteOrder.LITTLE_ENDIAN);
        out.putLong(header.length + pad).put(header);
        for (int i = 0; i < pad; i++) out.put((byte) ' ');
        for (byte[] t : tensors.values()) out.put(t);
        try {
            Files.write(path, out.array());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + path, e);
        }
    }

    @SuppressWarnings("unchecked")
    public static SteeringVector load(Path path) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(path);
        } catch (IOException e) {
            throw new ModelIOException(0, path + ": cannot read: " + e.getMessage());
        }
        try {
            ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
            if (bytes.length < 8) throw new IllegalArgumentException("too short");
            long n = b.getLong();
            if (n < 2 || n > bytes.length - 8) throw new IllegalArgumentException("header length " + n + " is impossible");
            Object parsed = MiniJson.parse(new String(bytes, 8, (int) n, StandardCharsets.UTF_8));
            if (!(parsed instanceof Map<?, ?> header)) throw new IllegalArgumentException("header is not an object");
            Map<String, String> meta = new TreeMap<>();
            if (header.get("__metadata__") instanceof Map<?, ?> m) {
                for (Map.Entry<?, ?> e : m.entrySet()) meta.put(String.valueOf(e.getKey()), String.valueOf(e.getValue()));
            }
            if (!FORMAT.equals(meta.get("format"))) throw new IllegalArgumentException("not a Tiller steering vector (format is " + meta.get("format") + ")");
            int layer = Integer.parseInt(meta.getOrDefault("layer", "-1"));
            long dataStart = 8 + n;
            meta.remove("format");
            meta.remove("layer");
            meta.remove("kind");
            if (header.containsKey("direction")) {
                return SteeringVector.dense(layer, readTensor(bytes, dataStart, (Map<String, Object>) header.get("direction"), "direction").floats, meta);
            }
            Data idx = readTensor(bytes, dataStart, (Map<String, Object>) header.get("indices"), "indices");
            Data val = readTensor(bytes, dataStart, (Map<String, Object>) header.get("values"), "values");
            return SteeringVector.sparse(layer, idx.ints, val.floats, meta);
        } catch (IllegalArgumentException | ClassCastException | NullPointerException e) {
            throw new ModelFormatException(0, path + ": " + e.getMessage());
        }
    }

    private record Data(float[] floats, int[] ints) {}

    private static Data readTensor(byte[] bytes, long dataStart, Map<String, Object> info, String name) {
        if (info == null) throw new IllegalArgumentException("tensor '" + name + "' is missing");
        String dtype = (String) info.get("dtype");
        List<?> offs = (List<?>) info.get("data_offsets");
        long b = ((Double) offs.get(0)).longValue(), e = ((Double) offs.get(1)).longValue();
        if (b < 0 || e < b || dataStart + e > bytes.length || (e - b) % 4 != 0) {
            throw new IllegalArgumentException("tensor '" + name + "' lies outside the file");
        }
        ByteBuffer buf = ByteBuffer.wrap(bytes, (int) (dataStart + b), (int) (e - b)).order(ByteOrder.LITTLE_ENDIAN);
        int n = (int) ((e - b) / 4);
        if ("F32".equals(dtype)) {
            float[] f = new float[n];
            buf.asFloatBuffer().get(f);
            return new Data(f, null);
        }
        if ("I32".equals(dtype)) {
            int[] v = new int[n];
            buf.asIntBuffer().get(v);
            return new Data(null, v);
        }
        throw new IllegalArgumentException("tensor '" + name + "' has dtype " + dtype);
    }

    private static byte[] floats(float[] v) {
        ByteBuffer b = ByteBuffer.allocate(v.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (float f : v) b.putFloat(f);
        return b.array();
    }

    private static byte[] ints(int[] v) {
        ByteBuffer b = ByteBuffer.allocate(v.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (int x : v) b.putInt(x);
        return b.array();
    }
}
