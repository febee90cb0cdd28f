package dev.tiller;

import java.nio.file.Path;
import java.util.LinkedHashMap;
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
        Map<String, Safetensors.Entry> tensors = new LinkedHashMap<>();
        if (v.isSparse()) {
            tensors.put("indices", Safetensors.Entry.i32(v.indices()));
            tensors.put("values", Safetensors.Entry.f32(v.values()));
        } else {
            tensors.put("direction", Safetensors.Entry.f32(v.dense()));
        }
        Safetensors.write(path, meta, tensors);
    }

    public static SteeringVector load(Path path) {
        Safetensors.Contents c = Safetensors.read(path);
        Map<String, String> meta = new TreeMap<>(c.metadata());
        try {
            if (!FORMAT.equals(meta.get("format"))) throw new IllegalArgumentException("not a Tiller steering vector (format is " + meta.get("format") + ")");
            int layer = Integer.parseInt(meta.getOrDefault("layer", "-1"));
            meta.remove("format");
            meta.remove("layer");
            meta.remove("kind");
            if (c.tensors().containsKey("direction")) return SteeringVector.dense(layer, tensor(c, "direction").floats(), meta);
            return SteeringVector.sparse(layer, tensor(c, "indices").ints(), tensor(c, "values").floats(), meta);
        } catch (IllegalArgumentException e) {
            throw new ModelFormatException(0, path + ": " + e.getMessage());
        }
    }

    private static Safetensors.Entry tensor(Safetensors.Contents c, String name) {
        Safetensors.Entry e = c.tensors().get(name);
        if (e == null) throw new IllegalArgumentException("tensor '" + name + "' is missing");
        return e;
    }
}
