package dev.tiller.steer;

import dev.tiller.ModelFormatException;
import dev.tiller.ModelIOException;
import dev.tiller.io.Safetensors;

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

    /**
     * The SAE a SAS vector file records (metadata key {@code sae}), a relative path being read from
     * the vector file's folder; empty when it records none. Refused, naming the vector and
     * suggesting --sae, when the recorded file is not there.
     */
    public static java.util.Optional<Path> recordedSae(Path vectorFile, SteeringVector v) {
        String recorded = v.metadata().get("sae");
        if (recorded == null || recorded.isEmpty()) return java.util.Optional.empty();
        Path p = Path.of(recorded);
        Path resolved = p.isAbsolute() ? p : vectorFile.toAbsolutePath().getParent().resolve(p).normalize();
        if (!java.nio.file.Files.exists(resolved)) {
            throw new ModelIOException(0, "the SAE '" + recorded + "' that " + vectorFile + " records is not at " + resolved
                    + (p.isAbsolute() ? "" : " (a relative path in a vector is read from the vector's folder)") + "; give the SAE with --sae");
        }
        return java.util.Optional.of(resolved);
    }

    /**
     * The path to record for an SAE in a vector written to {@code vectorFile}: relative when the SAE
     * lies in the vector's folder or below it (so that the folder can move as a whole, as models/
     * does), else absolute.
     */
    public static String saePathFor(Path vectorFile, Path sae) {
        Path folder = vectorFile.toAbsolutePath().normalize().getParent(), s = sae.toAbsolutePath().normalize();
        return s.startsWith(folder) ? folder.relativize(s).toString() : s.toString();
    }

    private static Safetensors.Entry tensor(Safetensors.Contents c, String name) {
        Safetensors.Entry e = c.tensors().get(name);
        if (e == null) throw new IllegalArgumentException("tensor '" + name + "' is missing");
        return e;
    }
}
