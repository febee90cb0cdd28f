package dev.tiller.cli;

import dev.tiller.ControlVector;
import dev.tiller.Session;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/** Options shared by the commands that run a model: tokens, threads, control vectors. */
final class ModelOptions {
    @Option(names = "--model", required = true, paramLabel = "M.gguf", description = "GGUF model file")
    Path model;

    @Option(names = "--tokens", required = true, split = ",", paramLabel = "ID", description = "token ids, comma-separated")
    int[] tokens;

    @Option(names = "--threads", paramLabel = "N", description = "worker threads (default: one per core)")
    int threads = 0;

    @Option(names = "--control-vector", paramLabel = "CV.gguf[:STRENGTH]",
            description = "llama.cpp control vector, optionally scaled (repeatable; vectors add up)")
    List<String> controlVectors = new ArrayList<>();

    @Option(names = "--control-vector-layer-range", arity = "2", paramLabel = "L",
            description = "first and last layer the control vectors apply to (default: 1 and the last layer)")
    int[] controlVectorRange;

    /** Loads and applies the control vectors, if any. */
    void applyControlVectors(Session session, int nLayer) {
        if (controlVectors.isEmpty()) return;
        ControlVector sum = null;
        for (String spec : controlVectors) {
            ControlVector v = parse(spec);
            sum = sum == null ? v : sum.plus(v);
        }
        int start = controlVectorRange == null ? 1 : controlVectorRange[0];
        int end = controlVectorRange == null ? nLayer : controlVectorRange[1];
        session.setControlVector(sum, start, end);
    }

    /** {@code file[:strength]}: the strength is what follows the last colon, when it is a number. */
    static ControlVector parse(String spec) {
        int colon = spec.lastIndexOf(':');
        float strength = 1.0f;
        String file = spec;
        if (colon > 0) {
            try {
                strength = Float.parseFloat(spec.substring(colon + 1));
                file = spec.substring(0, colon);
            } catch (NumberFormatException e) {
                // not a strength: the colon is part of the file name
            }
        }
        return ControlVector.load(Path.of(file)).scale(strength);
    }
}
