package dev.tiller.steer;

import dev.tiller.InvalidArgumentException;
import dev.tiller.internal.GuardedHandle;
import dev.tiller.internal.Handles;
import dev.tiller.internal.Native;
import dev.tiller.io.MiniJson;

import static dev.tiller.bindings.tiller_h.*;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;
import java.util.OptionalInt;

/**
 * A sparse autoencoder on the residual stream, computed natively: a Gemma Scope {@code params.npz}
 * or a SAELens folder ({@code cfg.json} + {@code sae_weights.safetensors}); JumpReLU, ReLU or
 * TopK. Thread-safe; sessions steering with it keep it alive after {@link #close()}.
 */
public final class Sae implements AutoCloseable {
    private final Path path;
    private final GuardedHandle handle;
    private final int dModel, dSae;
    private final String architecture;
    private final OptionalInt layer;

    static {
        Handles.register(Sae.class, s -> s.handle);
    }

    private Sae(Path path, MemorySegment handle) {
        this.path = path;
        this.handle = new GuardedHandle(handle, "SAE " + path);
        try (Arena a = Arena.ofConfined()) {
            MemorySegment d = a.allocate(ValueLayout.JAVA_LONG), m = a.allocate(ValueLayout.JAVA_LONG), arch = a.allocate(ValueLayout.JAVA_INT);
            Native.check(tiller_sae_info(handle, d, m, arch));
            dModel = (int) d.get(ValueLayout.JAVA_LONG, 0);
            dSae = (int) m.get(ValueLayout.JAVA_LONG, 0);
            architecture = switch (arch.get(ValueLayout.JAVA_INT, 0)) {
                case 0 -> "jumprelu";
                case 1 -> "relu";
                default -> "topk";
            };
        }
        layer = layerOf(path);
    }

    /**
     * The layer whose resid_post the SAE reads, when its files say: SAELens's cfg.json
     * ({@code hook_layer}, or {@code hook_name} "blocks.L....", at the top or under "metadata"), a Gemma Scope path
     * ({@code layer_L/width_.../params.npz}), or for other npz files a JSON file of the same name
     * beside it with a {@code "layer"} key (as Tiller's SAE recipe writes).
     */
    static OptionalInt layerOf(Path path) {
        Path p = path.toAbsolutePath().normalize();
        Path cfg = Files.isDirectory(p) ? p.resolve("cfg.json") : p.getFileName().toString().endsWith(".safetensors")
                || p.getFileName().toString().equals("cfg.json") ? p.resolveSibling("cfg.json") : null;
        if (cfg != null) {
            java.util.Map<?, ?> c = jsonObject(cfg);
            if (key(c, "hook_layer") instanceof Number n) return OptionalInt.of(n.intValue());
            if (key(c, "hook_name") instanceof String name) {
                java.util.regex.Matcher m = java.util.regex.Pattern.compile("^blocks\\.(\\d+)\\.").matcher(name);
                if (m.find()) return OptionalInt.of(Integer.parseInt(m.group(1)));
            }
            return OptionalInt.empty();
        }
        java.util.regex.Matcher scope = java.util.regex.Pattern.compile("(?:^|/)layer_(\\d+)/width_[^/]+/").matcher(p.toString());
        if (scope.find()) return OptionalInt.of(Integer.parseInt(scope.group(1)));
        String name = p.getFileName().toString();
        if (name.endsWith(".npz")) {
            if (key(jsonObject(p.resolveSibling(name.substring(0, name.length() - 4) + ".json")), "layer") instanceof Number n) {
                return OptionalInt.of(n.intValue());
            }
        }
        return OptionalInt.empty();
    }

    /** A JSON object file, or null when there is none that can be read (it then says nothing about the layer). */
    private static java.util.Map<?, ?> jsonObject(Path file) {
        if (!Files.isRegularFile(file)) return null;
        try {
            return MiniJson.parse(Files.readString(file)) instanceof java.util.Map<?, ?> m ? m : null;
        } catch (java.io.IOException | RuntimeException e) {
            return null;
        }
    }

    /** A key of a JSON object, at the top or (as newer SAELens writes it) under "metadata". */
    private static Object key(java.util.Map<?, ?> m, String key) {
        if (m == null) return null;
        if (m.get(key) != null) return m.get(key);
        return m.get("metadata") instanceof java.util.Map<?, ?> meta ? meta.get(key) : null;
    }

    /** Loads a Gemma Scope .npz file or a SAELens folder. */
    public static Sae load(Path path) {
        Objects.requireNonNull(path, "path");
        try (Arena a = Arena.ofConfined()) {
            MemorySegment out = a.allocate(ValueLayout.ADDRESS);
            Native.check(tiller_sae_load(Native.cPath(a, path), out));
            return new Sae(path, Native.readPointer(out));
        }
    }

    public Path path() { return path; }
    public int dModel() { return dModel; }
    public int dSae() { return dSae; }
    public String architecture() { return architecture; }
    /** The layer the SAE was trained at, when its files record it (see {@link #layerOf}). */
    public OptionalInt layer() { return layer; }

    /** Feature activations of each row: x [n][d_model] -> f [n][d_sae]. */
    public float[][] encode(float[][] x) {
        return run(x, dModel, dSae, true);
    }

    /** Reconstructions: f [n][d_sae] -> x [n][d_model]. */
    public float[][] decode(float[][] f) {
        return run(f, dSae, dModel, false);
    }

    private float[][] run(float[][] in, int inDim, int outDim, boolean encode) {
        Objects.requireNonNull(in, "input");
        for (float[] row : in) {
            if (row.length != inDim) throw new InvalidArgumentException(0, "rows must have " + inDim + " values, got " + row.length);
        }
        return handle.with(h -> {
            try (Arena a = Arena.ofConfined()) {
                MemorySegment src = a.allocate(ValueLayout.JAVA_FLOAT, Math.max(1L, (long) in.length * inDim));
                for (int i = 0; i < in.length; i++) MemorySegment.copy(in[i], 0, src, ValueLayout.JAVA_FLOAT, (long) i * inDim * 4, inDim);
                MemorySegment dst = a.allocate(ValueLayout.JAVA_FLOAT, Math.max(1L, (long) in.length * outDim));
                Native.check(encode ? tiller_sae_encode(h, src, in.length, dst) : tiller_sae_decode(h, src, in.length, dst));
                float[][] out = new float[in.length][outDim];
                for (int i = 0; i < in.length; i++) MemorySegment.copy(dst, ValueLayout.JAVA_FLOAT, (long) i * outDim * 4, out[i], 0, outDim);
                return out;
            }
        });
    }

    @Override
    public void close() {
        handle.close(() -> {}, h -> Native.check(tiller_sae_free(h)));
    }
}
