package dev.tiller.cli;

import dev.tiller.steer.SteeringBuilder;
import dev.tiller.steer.SteeringFiles;
import dev.tiller.steer.SteeringVector;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code tiller steer caa normalize --out-dir DIR V...}: CAA's cross-behaviour normalisation -
 * vectors of the same layer (one per behaviour) are rescaled to their mean norm.
 */
@Command(name = "normalize", mixinStandardHelpOptions = true,
        description = "Rescale CAA vectors of one layer (one per behaviour) to their mean norm, as CAA does.")
final class SteerNormalizeCommand implements Callable<Integer> {
    @Option(names = "--out-dir", required = true, paramLabel = "DIR")
    Path outDir;

    @Parameters(arity = "2..*", paramLabel = "V", description = "dense steering vectors of the same layer")
    List<Path> vectors;

    /** Whether p is the same file as one given before position upTo (another spelling, a link). */
    private boolean isSameAsEarlier(Path p, int upTo) throws IOException {
        for (int i = 0; i < upTo; i++) if (Files.exists(vectors.get(i)) && Files.isSameFile(vectors.get(i), p)) return true;
        return false;
    }

    @Override
    public Integer call() throws IOException {
        List<SteeringVector> in = new ArrayList<>();
        java.util.Set<Path> seen = new java.util.HashSet<>();
        java.util.Set<Path> names = new java.util.HashSet<>();
        for (int k = 0; k < vectors.size(); k++) {
            Path p = vectors.get(k);
            if (!seen.add(p.toAbsolutePath().normalize()) || Files.exists(p) && isSameAsEarlier(p, k)) {
                throw new IllegalArgumentException(p + " is given twice: each behaviour's vector once");
            }
            if (!names.add(p.getFileName())) {
                throw new IllegalArgumentException("two vectors are named " + p.getFileName() + ": their normalised copies would overwrite "
                        + "each other in " + outDir);
            }
            SteeringVector v = SteeringFiles.load(p);
            if (v.isSparse()) throw new IllegalArgumentException(p + " is a SAS vector; normalisation is for dense CAA vectors");
            if (!in.isEmpty() && v.layer() != in.get(0).layer()) {
                throw new IllegalArgumentException(p + " is for layer " + v.layer() + ", the others for " + in.get(0).layer());
            }
            in.add(v);
        }
        List<float[]> scaled = SteeringBuilder.equalizeNorms(in.stream().map(SteeringVector::dense).toList());
        if (Files.exists(outDir) && !Files.isDirectory(outDir)) throw new IllegalArgumentException("--out-dir " + outDir + " exists and is not a folder");
        Files.createDirectories(outDir);
        for (int i = 0; i < in.size(); i++) {
            Map<String, String> meta = new HashMap<>(in.get(i).metadata());
            meta.put("normalized", "mean norm of " + in.size() + " behaviours");
            Path out = outDir.resolve(vectors.get(i).getFileName());
            SteeringFiles.save(SteeringVector.dense(in.get(i).layer(), scaled.get(i), meta), out);
            System.err.println("wrote " + out);
        }
        return 0;
    }
}
