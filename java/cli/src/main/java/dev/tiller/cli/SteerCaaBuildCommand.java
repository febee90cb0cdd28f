package dev.tiller.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import dev.tiller.io.AtomicFiles;
import dev.tiller.steer.ControlVector;
import dev.tiller.steer.SteeringBuilder;
import dev.tiller.steer.SteeringFiles;
import dev.tiller.steer.SteeringVector;

import java.io.IOException;
import java.nio.file.Path;

/** {@code tiller steer caa build}: a CAA vector (mean activation difference) from contrastive pairs. */
@Command(name = "build", mixinStandardHelpOptions = true, description = "Build a CAA vector (mean difference) from contrastive pairs.")
final class SteerCaaBuildCommand extends SteerBuildBase {
    @Option(names = "--cvec-out", paramLabel = "CV.gguf", description = "also write it as a llama.cpp control vector (this layer only)")
    Path cvecOut;

    @Override
    public Integer call() throws IOException {
        AtomicFiles.checkWritable(out);
        if (cvecOut != null) AtomicFiles.checkWritable(cvecOut);
        if (cvecOut != null && layer == 0) throw new IllegalArgumentException("llama.cpp control vectors cannot steer layer 0 (--cvec-out)");
        readActivations();
        float[] v = SteeringBuilder.caa(positive, negative);
        boolean zero = true;
        for (float x : v) zero &= x == 0f;
        if (zero) {
            throw new IllegalArgumentException("the positive and negative activations are identical: the CAA vector would be zero "
                    + "(are the two sides of each pair the same?)");
        }
        SteeringFiles.save(SteeringVector.dense(layer, v, metadata()), out);
        if (cvecOut != null) {
            float[][] dirs = new float[layer + 1][];
            dirs[layer] = v;
            ControlVector.of(v.length, dirs).save(cvecOut, metadata().get("model"));
        }
        System.err.printf("wrote %s: CAA vector at layer %d from %d pairs%n", out, layer, positive.length);
        return 0;
    }
}
