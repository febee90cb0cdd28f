package dev.tiller.cli;

import dev.tiller.ControlVector;
import dev.tiller.Session;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/** Control-vector flags for the generating commands. */
final class SteeringOptions {
    @Option(names = "--control-vector", paramLabel = "CV.gguf[:STRENGTH]",
            description = "llama.cpp control vector, optionally scaled (repeatable; vectors add up)")
    List<String> controlVectors = new ArrayList<>();

    @Option(names = "--control-vector-layer-range", arity = "2", paramLabel = "L",
            description = "first and last layer the control vectors apply to (default: 1 and the last layer)")
    int[] range;

    void apply(Session session, int nLayer) {
        if (controlVectors.isEmpty()) return;
        ControlVector sum = null;
        for (String spec : controlVectors) {
            ControlVector v = parse(spec);
            sum = sum == null ? v : sum.plus(v);
        }
        session.setControlVector(sum, range == null ? 1 : range[0], range == null ? nLayer : range[1]);
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
                // not a strength: the colon belongs to the file name
            }
        }
        return ControlVector.load(Path.of(file)).scale(strength);
    }
}
