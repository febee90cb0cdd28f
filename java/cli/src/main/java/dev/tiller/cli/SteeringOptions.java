package dev.tiller.cli;

import dev.tiller.Session;
import dev.tiller.steer.ControlVector;
import dev.tiller.steer.Sae;
import dev.tiller.steer.SteerPositions;
import dev.tiller.steer.SteeringFiles;
import dev.tiller.steer.SteeringVector;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * Control-vector and steering flags of the commands that run a model. Steering files and SAEs are
 * read once per command (chat re-applies them every turn) and released by {@link #close()}.
 */
final class SteeringOptions implements AutoCloseable {
    @Spec(Spec.Target.MIXEE)
    CommandSpec spec;

    @Option(names = "--control-vector", paramLabel = "CV.gguf[:STRENGTH]",
            description = "llama.cpp control vector, optionally scaled (repeatable; vectors add up)")
    List<String> controlVectors = new ArrayList<>();

    @Option(names = "--control-vector-layer-range", arity = "2", paramLabel = "L",
            description = "first and last layer the control vectors apply to (default: 1 and the last layer; layer 0 is never steered)")
    int[] range;

    @Option(names = "--steer", paramLabel = "V[:LAMBDA]",
            description = "Tiller steering vector (CAA or SAS file from `tiller steer ... build`) with its strength (repeatable)")
    List<String> steer = new ArrayList<>();

    @Option(names = "--steer-positions", paramLabel = "MODE",
            description = "which tokens --steer changes: all, after-instruction (default for chat) or generated")
    String steerPositions;

    @Option(names = "--sae", paramLabel = "SAE",
            description = "the SAE of SAS vectors (default: the one the vector records, read from the vector's folder)")
    Path sae;

    /**
     * Adds the --steer vectors. promptLength is the number of prompt tokens and instructionEnd the
     * position where the instruction ends (the start of the model turn's markup).
     */
    void applySteering(Session session, int promptLength, int instructionEnd, boolean chat) {
        if (steer.isEmpty()) return;
        SteerPositions mode = steerPositions == null ? SteerPositions.defaultFor(chat) : SteerPositions.named(steerPositions);
        if (mode == null) throw new IllegalArgumentException("--steer-positions must be " + SteerPositions.NAMES + ", not '" + steerPositions + "'");
        int from = mode.from(promptLength, instructionEnd);
        for (Loaded l : loaded()) l.steer(session, from);
    }

    /** A --steer vector with its strength and, for SAS vectors, its SAE. */
    private record Loaded(SteeringVector vector, float strength, Sae sae) {
        void steer(Session session, int from) {
            session.steer(vector, strength, from, sae, vector.jumpSigma());
        }
    }

    private List<Loaded> loaded;

    private List<Loaded> loaded() {
        if (loaded != null) return loaded;
        List<Loaded> out = new ArrayList<>();
        try {
            for (String spec : steer) {
                Scaled sv = Scaled.parse("--steer", spec);
                Path file = Path.of(sv.file());
                if (FileKind.of(file) == FileKind.GGUF) {
                    throw new IllegalArgumentException(file + " is a GGUF file (a llama.cpp control vector?): give it with --control-vector");
                }
                SteeringVector v = SteeringFiles.load(file);
                Sae s = null;
                if (v.isSparse()) {
                    if (v.indices().length == 0) Cli.warn(this.spec, file + " is a SAS vector with no features: it changes nothing");
                    Path saePath = sae != null ? sae : SteeringFiles.recordedSae(file, v).orElseThrow(
                            () -> new IllegalArgumentException(file + " is a SAS vector that records no SAE: give its SAE with --sae"));
                    s = Sae.load(saePath); // Session.steer checks its layer against the vector's
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
        if (controlVectors.isEmpty()) {
            if (range != null) Cli.warn(spec, "--control-vector-layer-range has no effect without --control-vector");
            return;
        }
        int first = range == null ? 1 : range[0], last = range == null ? nLayer - 1 : range[1];
        if (first < 0 || first > last || last >= nLayer) {
            throw new IllegalArgumentException("--control-vector-layer-range " + first + " " + last + " is not a range of this model's layers 0.."
                    + (nLayer - 1));
        }
        if (first == 0) Cli.warn(spec, "layer 0 is never steered (as in llama.cpp): the control vectors apply from layer 1");
        ControlVector sum = null;
        for (String spec : controlVectors) {
            ControlVector v = parse(spec);
            sum = sum == null ? v : sum.plus(v);
        }
        session.setControlVector(sum, first, last);
    }

    /**
     * {@code file[:strength]}: the strength is what follows the last colon. A colon belongs to the
     * file name only when the whole text names an existing file.
     */
    record Scaled(String file, float strength) {
        static Scaled parse(String flag, String spec) {
            int colon = spec.lastIndexOf(':');
            if (colon <= 0 || Files.exists(Path.of(spec))) return new Scaled(spec, 1.0f);
            String s = spec.substring(colon + 1);
            try {
                float strength = Float.parseFloat(s);
                if (!Float.isFinite(strength)) throw new NumberFormatException();
                return new Scaled(spec.substring(0, colon), strength);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(flag + " " + spec + ": strength '" + s + "' is not a finite number");
            }
        }
    }

    static ControlVector parse(String spec) {
        Scaled s = Scaled.parse("--control-vector", spec);
        Path file = Path.of(s.file());
        FileKind kind = FileKind.of(file);
        if (kind == FileKind.SAFETENSORS) {
            throw new IllegalArgumentException(file + " is a safetensors file (a Tiller steering vector?): give it with --steer");
        }
        return ControlVector.load(file).scale(s.strength());
    }
}
