package dev.tiller.cli;

import dev.tiller.ControlVector;
import dev.tiller.Sae;
import dev.tiller.Session;
import dev.tiller.SteeringFiles;
import dev.tiller.SteeringVector;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/**
 * Control-vector and steering flags of the commands that run a model. Steering files and SAEs are
 * read once per command (chat re-applies them every turn) and released by {@link #close()}.
 */
final class SteeringOptions implements AutoCloseable {
    @Option(names = "--control-vector", paramLabel = "CV.gguf[:STRENGTH]",
            description = "llama.cpp control vector, optionally scaled (repeatable; vectors add up)")
    List<String> controlVectors = new ArrayList<>();

    @Option(names = "--control-vector-layer-range", arity = "2", paramLabel = "L",
            description = "first and last layer the control vectors apply to (default: 1 and the last layer)")
    int[] range;

    @Option(names = "--steer", paramLabel = "V[:LAMBDA]",
            description = "Tiller steering vector (CAA or SAS file from `tiller steer ... build`) with its strength (repeatable)")
    List<String> steer = new ArrayList<>();

    @Option(names = "--steer-positions", paramLabel = "MODE",
            description = "which tokens --steer changes: all, after-instruction (default for chat) or generated")
    String steerPositions;

    @Option(names = "--sae", paramLabel = "SAE", description = "the SAE of SAS vectors (default: the path recorded in the vector)")
    Path sae;

    /**
     * Adds the --steer vectors. promptLength is the number of prompt tokens and instructionEnd the
     * position where the instruction ends (the start of the model turn's markup).
     */
    void applySteering(Session session, int promptLength, int instructionEnd, boolean chat) {
        if (steer.isEmpty()) return;
        String mode = steerPositions != null ? steerPositions : chat ? "after-instruction" : "all";
        int from = switch (mode) {
            case "all" -> 0;
            case "after-instruction" -> instructionEnd;
            case "generated" -> promptLength;
            default -> throw new IllegalArgumentException("--steer-positions must be all, after-instruction or generated, not '" + mode + "'");
        };
        for (Loaded l : loaded()) l.steer(session, from);
    }

    /** A --steer vector with its strength and, for SAS vectors, its SAE. */
    private record Loaded(SteeringVector vector, float strength, Sae sae) {
        void steer(Session session, int from) {
            session.steer(vector, strength, from, sae, "jumprelu".equals(vector.metadata().get("sigma")));
        }
    }

    private List<Loaded> loaded;

    private List<Loaded> loaded() {
        if (loaded != null) return loaded;
        List<Loaded> out = new ArrayList<>();
        try {
            for (String spec : steer) {
                Scaled sv = Scaled.parse(spec);
                SteeringVector v = SteeringFiles.load(Path.of(sv.file()));
                Sae s = null;
                if (v.isSparse()) {
                    Path saePath = sae != null ? sae : v.metadata().containsKey("sae") ? Path.of(v.metadata().get("sae")) : null;
                    if (saePath == null) throw new IllegalArgumentException(sv.file() + " is a SAS vector: give its SAE with --sae");
                    s = Sae.load(saePath);
                }
                out.add(new Loaded(v, sv.strength(), s));
            }
        } catch (RuntimeException e) {
            out.forEach(l -> { if (l.sae() != null) l.sae().close(); });
            throw e;
        }
        loaded = out;
        return loaded;
    }

    /** Releases the SAEs read for --steer (sessions steering with them keep their own reference). */
    @Override
    public void close() {
        if (loaded == null) return;
        for (Loaded l : loaded) if (l.sae() != null) l.sae().close();
        loaded = null;
    }

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
    record Scaled(String file, float strength) {
        static Scaled parse(String spec) {
            int colon = spec.lastIndexOf(':');
            if (colon > 0) {
                try {
                    return new Scaled(spec.substring(0, colon), Float.parseFloat(spec.substring(colon + 1)));
                } catch (NumberFormatException e) {
                    // not a strength: the colon belongs to the file name
                }
            }
            return new Scaled(spec, 1.0f);
        }
    }

    static ControlVector parse(String spec) {
        Scaled s = Scaled.parse(spec);
        return ControlVector.load(Path.of(s.file())).scale(s.strength());
    }
}
