package dev.tiller.cli;

import dev.tiller.steer.ControlVector;
import dev.tiller.steer.Sae;
import dev.tiller.steer.SteeringFiles;
import dev.tiller.steer.SteeringVector;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;

import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * {@code tiller inspect FILE}: what a steering file holds - a Tiller steering vector (CAA or SAS:
 * layer, width or features, norm, the recorded SAE), a llama.cpp control vector (width, layers,
 * norms) or an SAE (Gemma Scope npz, SAELens folder: format, widths, architecture, layer).
 */
@Command(name = "inspect", mixinStandardHelpOptions = true,
        description = "Describe a steering vector, a llama.cpp control vector or an SAE (GGUF models: tiller info).")
final class InspectCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "FILE", description = "a .safetensors steering vector, a control-vector .gguf, an SAE .npz or SAELens folder")
    Path file;

    @Override
    public Integer call() {
        PrintStream out = Utf8Out.stdout();
        switch (FileKind.of(file)) {
            case MISSING -> throw new IllegalArgumentException(file + ": no such file or folder");
            case GGUF -> controlVector(out);
            case SAFETENSORS -> {
                if (Path.of("sae_weights.safetensors").equals(file.getFileName())) sae(out, file.toAbsolutePath().getParent());
                else steeringVector(out);
            }
            case NPZ, SAELENS_FOLDER -> sae(out, file);
            case FOLDER -> throw new IllegalArgumentException(file + " is a folder without cfg.json (not a SAELens SAE)");
            case OTHER -> throw new IllegalArgumentException(file + " is neither GGUF, safetensors nor npz");
        }
        return 0;
    }

    private void steeringVector(PrintStream out) {
        SteeringVector v = SteeringFiles.load(file);
        out.printf("file            %s%n", file);
        out.printf("format          Tiller steering vector (%s, safetensors)%n", SteeringFiles.FORMAT);
        out.printf("kind            %s%n", v.isSparse() ? "SAS (sparse, in an SAE's feature space)" : "dense (CAA)");
        out.printf("layer           %d (resid_post)%n", v.layer());
        if (v.isSparse()) {
            int[] idx = v.indices();
            float[] val = v.values();
            out.printf("features used   %d%s%n", idx.length, idx.length == 0 ? " (it changes nothing)" : "");
            StringBuilder sb = new StringBuilder();
            for (int i = 0; i < Math.min(idx.length, 12); i++) sb.append(i > 0 ? ", " : "").append(idx[i]).append(String.format(Locale.ROOT, ":%.3g", val[i]));
            if (idx.length > 0) out.printf("                %s%s%n", sb, idx.length > 12 ? ", ..." : "");
            Optional<String> recorded = Optional.ofNullable(v.metadata().get("sae"));
            out.printf("recorded SAE    %s%n", recorded.map(r -> {
                try {
                    return r + " -> " + SteeringFiles.recordedSae(file, v).orElseThrow();
                } catch (RuntimeException e) {
                    return r + " (missing: " + e.getMessage() + ")";
                }
            }).orElse("none (give it with --sae)"));
        } else {
            float[] d = v.dense();
            out.printf("width           %d%n", d.length);
            out.printf("norm            %.6g%n", norm(d));
        }
        for (Map.Entry<String, String> e : v.metadata().entrySet()) {
            if (!e.getKey().equals("sae")) out.printf("  %s = %s%n", e.getKey(), e.getValue());
        }
    }

    private void controlVector(PrintStream out) {
        ControlVector cv;
        try {
            cv = ControlVector.load(file);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(e.getMessage() + " (a GGUF model is described by `tiller info --model`)");
        }
        out.printf("file            %s%n", file);
        out.printf("format          llama.cpp control vector (GGUF, direction.N tensors)%n");
        out.printf("width           %d%n", cv.embeddingLength());
        StringBuilder layers = new StringBuilder();
        int n = 0;
        for (int il = 1; il <= cv.maxLayer(); il++) {
            float[] d = cv.direction(il);
            if (d == null) continue;
            n++;
            layers.append(String.format(Locale.ROOT, "%n  layer %3d  norm %.6g", il, norm(d)));
        }
        out.printf("layers          %d with a direction%s%n", n, layers);
    }

    private static void sae(PrintStream out, Path where) {
        try (Sae s = Sae.load(where)) {
            out.printf("file            %s%n", where);
            out.printf("format          %s%n", FileKind.of(where) == FileKind.NPZ ? "SAE, Gemma Scope npz" : "SAE, SAELens folder (cfg.json + sae_weights.safetensors)");
            out.printf("architecture    %s%n", s.architecture());
            out.printf("d_model         %d%n", s.dModel());
            out.printf("d_sae           %d%n", s.dSae());
            out.printf("layer           %s%n", s.layer().isPresent() ? s.layer().getAsInt() + " (resid_post)" : "not recorded");
        }
    }

    private static double norm(float[] v) {
        return Math.sqrt(Arrays.stream(toDouble(v)).map(x -> x * x).sum());
    }

    private static double[] toDouble(float[] v) {
        double[] d = new double[v.length];
        for (int i = 0; i < v.length; i++) d[i] = v[i];
        return d;
    }
}
