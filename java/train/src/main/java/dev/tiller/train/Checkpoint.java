package dev.tiller.train;

import dev.tiller.ModelFormatException;
import dev.tiller.io.Safetensors;
import dev.tiller.train.optim.Optimizer;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * Model and optimizer state in one safetensors file: each parameter under its name, its optimizer
 * buffers under "name#state0" / "name#state1", the optimizer's step count and the caller's
 * metadata (epoch, data position, seed) in the header. Restoring all of it lets a killed run
 * continue exactly where it stopped.
 */
public final class Checkpoint {
    private Checkpoint() {}

    private static final String FORMAT = "tiller-checkpoint-1";

    public static void save(Path path, Map<String, Tensor> params, Optimizer optimizer, Map<String, String> metadata) {
        Map<String, Safetensors.Entry> tensors = new LinkedHashMap<>();
        for (Map.Entry<String, Tensor> e : params.entrySet()) {
            Tensor t = e.getValue();
            tensors.put(e.getKey(), Safetensors.Entry.f32(t.toArray(), t.shape()));
            if (optimizer != null) {
                for (int s = 0; s < 2; s++) {
                    tensors.put(e.getKey() + "#state" + s, Safetensors.Entry.f32(t.optimizerState(s).toArray(ValueLayout.JAVA_FLOAT), t.shape()));
                }
            }
        }
        Map<String, String> meta = new TreeMap<>(metadata);
        meta.put("format", FORMAT);
        if (optimizer != null) meta.put("optimizer_steps", Long.toString(optimizer.steps()));
        Safetensors.write(path, meta, tensors);
    }

    /** Restores parameters (and the optimizer, when given) in place; returns the metadata. */
    public static Map<String, String> load(Path path, Map<String, Tensor> params, Optimizer optimizer) {
        Safetensors.Contents c = Safetensors.read(path);
        if (!FORMAT.equals(c.metadata().get("format"))) throw new ModelFormatException(0, path + ": not a Tiller checkpoint");
        for (Map.Entry<String, Tensor> e : params.entrySet()) {
            Tensor t = e.getValue();
            copy(path, c, e.getKey(), t, t.data());
            if (optimizer != null) {
                for (int s = 0; s < 2; s++) copy(path, c, e.getKey() + "#state" + s, t, t.optimizerState(s));
            }
        }
        if (optimizer != null) optimizer.setSteps(Long.parseLong(c.metadata().getOrDefault("optimizer_steps", "0")));
        Map<String, String> meta = new TreeMap<>(c.metadata());
        meta.remove("format");
        meta.remove("optimizer_steps");
        return meta;
    }

    private static void copy(Path path, Safetensors.Contents c, String name, Tensor t, MemorySegment dst) {
        Safetensors.Entry e = c.tensors().get(name);
        if (e == null) throw new ModelFormatException(0, path + ": tensor '" + name + "' is missing");
        if (!Arrays.equals(e.shape(), t.shape())) {
            throw new ModelFormatException(0, path + ": tensor '" + name + "' has shape " + Arrays.toString(e.shape()) + ", the model " + Arrays.toString(t.shape()));
        }
        float[] v = e.floats();
        MemorySegment.copy(v, 0, dst, ValueLayout.JAVA_FLOAT, 0, v.length);
    }
}
