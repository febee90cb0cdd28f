package dev.tiller.steer;

import dev.tiller.InvalidArgumentException;
import dev.tiller.internal.Native;

import static dev.tiller.bindings.tiller_h.*;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Objects;

/**
 * A llama.cpp control vector: one direction per layer (layers 1..N), added to the residual stream
 * after the block. Files are GGUFs with {@code general.architecture = controlvector} and F32
 * tensors {@code direction.N}. Vectors compose like llama.cpp's {@code --control-vector-scaled}:
 * {@code a.scale(s1).plus(b.scale(s2))}.
 */
public final class ControlVector {
    private final int nEmbd;
    private final float[][] directions; // index = layer; null where absent

    private ControlVector(int nEmbd, float[][] directions) {
        this.nEmbd = nEmbd;
        this.directions = directions;
    }

    /** Reads a control-vector GGUF. */
    public static ControlVector load(Path path) {
        Objects.requireNonNull(path, "path");
        try (Arena a = Arena.ofConfined()) {
            MemorySegment out = a.allocate(ValueLayout.ADDRESS);
            Native.check(tiller_cvec_load(Native.cPath(a, path), out));
            MemorySegment h = Native.readPointer(out);
            try {
                MemorySegment embd = a.allocate(ValueLayout.JAVA_INT), max = a.allocate(ValueLayout.JAVA_INT);
                Native.check(tiller_cvec_info(h, embd, max));
                int n = embd.get(ValueLayout.JAVA_INT, 0), maxLayer = max.get(ValueLayout.JAVA_INT, 0);
                float[][] dirs = new float[maxLayer + 1][];
                MemorySegment data = a.allocate(ValueLayout.ADDRESS);
                for (int il = 1; il <= maxLayer; il++) {
                    Native.check(tiller_cvec_direction(h, il, data));
                    MemorySegment p = Native.readPointer(data);
                    if (!p.equals(MemorySegment.NULL)) {
                        dirs[il] = p.reinterpret((long) n * Float.BYTES).toArray(ValueLayout.JAVA_FLOAT);
                    }
                }
                return new ControlVector(n, dirs);
            } finally {
                Native.check(tiller_cvec_free(h));
            }
        }
    }

    /** A vector from per-layer directions ({@code directions[il]}, null for none; index 0 must be null). */
    public static ControlVector of(int nEmbd, float[][] directions) {
        if (nEmbd <= 0) throw new InvalidArgumentException(0, "n_embd must be positive");
        float[][] copy = new float[directions.length][];
        for (int il = 0; il < directions.length; il++) {
            if (directions[il] == null) continue;
            if (il == 0) throw new InvalidArgumentException(0, "layer 0 cannot be steered (llama.cpp semantics)");
            if (directions[il].length != nEmbd) {
                throw new InvalidArgumentException(0, "direction of layer " + il + " has " + directions[il].length
                        + " values, expected " + nEmbd);
            }
            for (int i = 0; i < nEmbd; i++) {
                float v = directions[il][i];
                if (!Float.isFinite(v)) {
                    throw new InvalidArgumentException(0, "direction of layer " + il + " holds " + v + " at index " + i);
                }
            }
            copy[il] = directions[il].clone();
        }
        return new ControlVector(nEmbd, copy);
    }

    public int embeddingLength() {
        return nEmbd;
    }

    /** The highest layer with a direction. */
    public int maxLayer() {
        for (int il = directions.length - 1; il > 0; il--) if (directions[il] != null) return il;
        return 0;
    }

    /** The direction of a layer (a copy), or null when the vector has none there. */
    public float[] direction(int layer) {
        return layer >= 0 && layer < directions.length && directions[layer] != null ? directions[layer].clone() : null;
    }

    public ControlVector scale(float strength) {
        if (!Float.isFinite(strength)) throw new InvalidArgumentException(0, "strength must be finite, got " + strength);
        float[][] out = new float[directions.length][];
        for (int il = 0; il < directions.length; il++) {
            if (directions[il] == null) continue;
            out[il] = directions[il].clone();
            for (int j = 0; j < nEmbd; j++) out[il][j] *= strength;
        }
        return new ControlVector(nEmbd, out);
    }

    public ControlVector plus(ControlVector other) {
        if (other.nEmbd != nEmbd) {
            throw new InvalidArgumentException(0, "control vectors have different sizes: " + nEmbd + " and " + other.nEmbd);
        }
        float[][] out = new float[Math.max(directions.length, other.directions.length)][];
        for (int il = 0; il < out.length; il++) {
            float[] a = il < directions.length ? directions[il] : null;
            float[] b = il < other.directions.length ? other.directions[il] : null;
            if (a == null && b == null) continue;
            out[il] = new float[nEmbd];
            for (int j = 0; j < nEmbd; j++) out[il][j] = (a == null ? 0 : a[j]) + (b == null ? 0 : b[j]);
        }
        return new ControlVector(nEmbd, out);
    }

    /** Writes the vector in llama.cpp's control-vector format (loadable by llama.cpp's --control-vector). */
    public void save(Path path, String modelHint) {
        Objects.requireNonNull(path, "path");
        float[] flat = flatten();
        if (flat.length == 0) throw new InvalidArgumentException(0, "the control vector has no layers");
        try (Arena a = Arena.ofConfined()) {
            Native.check(tiller_cvec_save(Native.cPath(a, path), a.allocateFrom(ValueLayout.JAVA_FLOAT, flat), flat.length, nEmbd,
                    a.allocateFrom(modelHint == null ? "" : modelHint)));
        }
    }

    /** n_embd floats per layer from layer 1 to maxLayer(), zeros where absent (llama.cpp's buffer layout). */
    public float[] flatten() {
        int max = maxLayer();
        float[] flat = new float[max * nEmbd];
        for (int il = 1; il <= max; il++) {
            if (directions[il] != null) System.arraycopy(directions[il], 0, flat, (il - 1) * nEmbd, nEmbd);
        }
        return flat;
    }

    @Override
    public String toString() {
        return "ControlVector[n_embd=" + nEmbd + ", layers=" + Arrays.stream(directions).filter(Objects::nonNull).count() + "]";
    }
}
