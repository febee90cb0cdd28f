package dev.tiller.testing;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Writes GGUF v3 bytes for tests, recording where each section starts so that tests can cut or
 * corrupt a file at exact places. Tensors are F32 unless raw bytes of another type are given.
 */
public final class GgufBuilder {
    private record Kv(String key, int type, Object value, int arrayType) {}

    public record Tensor(String name, long[] ne, int type, byte[] data) {}

    private final List<Kv> kvs = new ArrayList<>();
    private final List<Tensor> tensors = new ArrayList<>();
    private int alignment = 32;
    private int version = 3;
    private boolean reverseData;

    public GgufBuilder() {}

    /** Offsets of the section boundaries of the last build(): after the header, after each KV, each tensor info, data start, end. */
    public final List<Long> boundaries = new ArrayList<>();
    /** Offset of each tensor info record in the last build(). */
    public final List<Long> tensorInfoOffsets = new ArrayList<>();
    /** Offset of each KV record in the last build(). */
    public final List<Long> kvOffsets = new ArrayList<>();
    public long dataStart;

    public GgufBuilder u32(String k, long v) { kvs.add(new Kv(k, 4, v, -1)); return this; }
    public GgufBuilder f32(String k, double v) { kvs.add(new Kv(k, 6, v, -1)); return this; }
    public GgufBuilder bool(String k, boolean v) { kvs.add(new Kv(k, 7, v, -1)); return this; }
    public GgufBuilder str(String k, String v) { kvs.add(new Kv(k, 8, v, -1)); return this; }
    public GgufBuilder strings(String k, List<String> v) { kvs.add(new Kv(k, 9, v, 8)); return this; }
    public GgufBuilder floats(String k, float[] v) { kvs.add(new Kv(k, 9, v, 6)); return this; }
    public GgufBuilder ints(String k, int[] v) { kvs.add(new Kv(k, 9, v, 5)); return this; }
    public GgufBuilder alignment(int a) { alignment = a; return u32("general.alignment", a); }
    public GgufBuilder version(int v) { version = v; return this; }
    /** Lays the tensor data out in reverse order of the tensor infos (GGUF allows any order). */
    public GgufBuilder reverseData() { reverseData = true; return this; }

    public GgufBuilder tensor(String name, long[] ne, float[] values) {
        ByteBuffer b = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : values) b.putFloat(v);
        tensors.add(new Tensor(name, ne, 0, b.array()));
        return this;
    }

    public GgufBuilder rawTensor(String name, long[] ne, int type, byte[] data) {
        tensors.add(new Tensor(name, ne, type, data));
        return this;
    }

    public GgufBuilder removeTensor(String name) {
        tensors.removeIf(t -> t.name().equals(name));
        return this;
    }

    public GgufBuilder replaceTensor(String name, long[] ne, float[] values) {
        removeTensor(name);
        return tensor(name, ne, values);
    }

    public GgufBuilder removeKey(String key) {
        kvs.removeIf(k -> k.key().equals(key));
        return this;
    }

    public byte[] build() {
        boundaries.clear();
        tensorInfoOffsets.clear();
        kvOffsets.clear();
        Out o = new Out();
        o.bytes("GGUF".getBytes(StandardCharsets.US_ASCII));
        o.i32(version);
        o.i64(tensors.size());
        o.i64(kvs.size());
        boundaries.add((long) o.size());
        for (Kv kv : kvs) {
            kvOffsets.add((long) o.size());
            o.str(kv.key());
            o.i32(kv.type());
            if (kv.type() == 9) {
                o.i32(kv.arrayType());
                switch (kv.value()) {
                    case List<?> l -> { o.i64(l.size()); for (Object s : l) o.str((String) s); }
                    case float[] f -> { o.i64(f.length); for (float x : f) o.f32(x); }
                    case int[] n -> { o.i64(n.length); for (int x : n) o.i32(x); }
                    default -> throw new IllegalArgumentException();
                }
            } else {
                scalar(o, kv.type(), kv.value());
            }
            boundaries.add((long) o.size());
        }
        List<Tensor> dataOrder = new ArrayList<>(tensors);
        if (reverseData) java.util.Collections.reverse(dataOrder);
        java.util.Map<Tensor, Long> offsets = new java.util.IdentityHashMap<>();
        long offset = 0;
        for (Tensor t : dataOrder) {
            offsets.put(t, offset);
            offset += pad(t.data().length);
        }
        for (Tensor t : tensors) {
            tensorInfoOffsets.add((long) o.size());
            o.str(t.name());
            o.i32(t.ne().length);
            for (long d : t.ne()) o.i64(d);
            o.i32(t.type());
            o.i64(offsets.get(t));
            boundaries.add((long) o.size());
        }
        while (o.size() % alignment != 0) o.u8(0);
        dataStart = o.size();
        boundaries.add(dataStart);
        for (Tensor t : dataOrder) {
            o.bytes(t.data());
            while ((o.size() - dataStart) % alignment != 0) o.u8(0);
        }
        boundaries.add((long) o.size());
        return o.toByteArray();
    }

    private long pad(long n) {
        return (n + alignment - 1) / alignment * alignment;
    }

    private static void scalar(Out o, int type, Object v) {
        switch (type) {
            case 4 -> o.i32((int) (long) (Long) v);
            case 6 -> o.f32((float) (double) (Double) v);
            case 7 -> o.u8((Boolean) v ? 1 : 0);
            case 8 -> o.str((String) v);
            default -> throw new IllegalArgumentException("type " + type);
        }
    }

    /** A small random-weight model of the given architecture with real Gemma tensor names and keys. */
    public static GgufBuilder tinyModel(String arch, long seed) {
        return tinyModel(arch, seed, seed);
    }

    /** {@link #tinyModel(String, long)} with the query and key projections drawn from their own seed. */
    public static GgufBuilder tinyModel(String arch, long seed, long qkSeed) {
        final int embd = 32, nLayer = 2, nHead = 2, nKv = 1, hd = 16, ff = 64, vocab = 64;
        Random r = new Random(seed), qk = new Random(qkSeed);
        GgufBuilder b = new GgufBuilder();
        b.str("general.architecture", arch).str("general.name", "tiny-test-" + arch)
                .u32(arch + ".context_length", 128).u32(arch + ".embedding_length", embd)
                .u32(arch + ".block_count", nLayer).u32(arch + ".feed_forward_length", ff)
                .u32(arch + ".attention.head_count", nHead).u32(arch + ".attention.head_count_kv", nKv)
                .u32(arch + ".attention.key_length", hd).u32(arch + ".attention.value_length", hd)
                .f32(arch + ".attention.layer_norm_rms_epsilon", 1e-6);
        if (!arch.equals("gemma")) b.u32(arch + ".attention.sliding_window", 8);
        List<String> tokens = new ArrayList<>();
        for (int i = 0; i < vocab; i++) tokens.add("t" + i);
        b.str("tokenizer.ggml.model", "llama").strings("tokenizer.ggml.tokens", tokens);
        b.tensor("token_embd.weight", new long[] {embd, vocab}, rand(r, embd * vocab, 0.5f));
        b.tensor("output_norm.weight", new long[] {embd}, ones(r, embd));
        for (int il = 0; il < nLayer; il++) {
            String p = "blk." + il + ".";
            b.tensor(p + "attn_norm.weight", new long[] {embd}, ones(r, embd));
            float[] q = rand(r, embd * hd * nHead, 0.2f), k = rand(r, embd * hd * nKv, 0.2f);
            if (qkSeed != seed) {
                q = rand(qk, q.length, 0.2f);
                k = rand(qk, k.length, 0.2f);
            }
            b.tensor(p + "attn_q.weight", new long[] {embd, hd * nHead}, q);
            b.tensor(p + "attn_k.weight", new long[] {embd, hd * nKv}, k);
            b.tensor(p + "attn_v.weight", new long[] {embd, hd * nKv}, rand(r, embd * hd * nKv, 0.2f));
            b.tensor(p + "attn_output.weight", new long[] {hd * nHead, embd}, rand(r, embd * hd * nHead, 0.2f));
            b.tensor(p + "ffn_norm.weight", new long[] {embd}, ones(r, embd));
            b.tensor(p + "ffn_gate.weight", new long[] {embd, ff}, rand(r, embd * ff, 0.2f));
            b.tensor(p + "ffn_up.weight", new long[] {embd, ff}, rand(r, embd * ff, 0.2f));
            b.tensor(p + "ffn_down.weight", new long[] {ff, embd}, rand(r, embd * ff, 0.2f));
            if (!arch.equals("gemma")) {
                b.tensor(p + "post_attention_norm.weight", new long[] {embd}, ones(r, embd));
                b.tensor(p + "post_ffw_norm.weight", new long[] {embd}, ones(r, embd));
            }
            if (arch.equals("gemma3")) {
                b.tensor(p + "attn_q_norm.weight", new long[] {hd}, ones(r, hd));
                b.tensor(p + "attn_k_norm.weight", new long[] {hd}, ones(r, hd));
            }
        }
        return b;
    }

    private static float[] rand(Random r, int n, float scale) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) v[i] = (float) r.nextGaussian() * scale;
        return v;
    }

    private static float[] ones(Random r, int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) v[i] = 1.0f + (float) r.nextGaussian() * 0.1f;
        return v;
    }

    private static final class Out extends ByteArrayOutputStream {
        void u8(int v) { write(v); }
        void i32(int v) { ByteBuffer b = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(v); write(b.array(), 0, 4); }
        void i64(long v) { ByteBuffer b = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(v); write(b.array(), 0, 8); }
        void f32(float v) { i32(Float.floatToRawIntBits(v)); }
        void bytes(byte[] b) { write(b, 0, b.length); }
        void str(String s) { byte[] b = s.getBytes(StandardCharsets.UTF_8); i64(b.length); bytes(b); }
    }
}
