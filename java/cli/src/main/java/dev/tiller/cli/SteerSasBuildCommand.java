package dev.tiller.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import dev.tiller.io.AtomicFiles;
import dev.tiller.steer.Sae;
import dev.tiller.steer.SteeringBuilder;
import dev.tiller.steer.SteeringFiles;
import dev.tiller.steer.SteeringVector;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;

/** {@code tiller steer sas build}: a SAS vector (features firing more on the positive side) from contrastive pairs. */
@Command(name = "build", mixinStandardHelpOptions = true, description = "Build a SAS vector from contrastive pairs with an SAE.")
final class SteerSasBuildCommand extends SteerBuildBase {
    @Option(names = "--sae", required = true, paramLabel = "SAE", description = "Gemma Scope params.npz or SAELens folder")
    Path sae;

    @Option(names = "--tau", paramLabel = "T", description = "fraction of rows a feature must fire in (default: ${DEFAULT-VALUE})")
    double tau = 0.3;

    @Option(names = "--sigma", paramLabel = "S", description = "relu (default) or jumprelu")
    String sigma = "relu";

    @Override
    public Integer call() throws IOException {
        if (!sigma.equals("relu") && !sigma.equals("jumprelu")) throw new IllegalArgumentException("--sigma must be relu or jumprelu");
        AtomicFiles.checkWritable(out);
        try (Sae s = Sae.load(sae)) {
            if (s.layer().isPresent() && s.layer().getAsInt() != layer) {
                throw new IllegalArgumentException("the SAE " + sae + " reads layer " + s.layer().getAsInt() + " but --layer is " + layer);
            }
            readActivations();
            Map<String, String> meta = metadata();
            meta.put("sae", SteeringFiles.saePathFor(out, sae));
            meta.put("tau", Double.toString(tau));
            meta.put("sigma", sigma);
            SteeringVector v = SteeringBuilder.sas(s, layer, positive, negative, tau, meta);
            if (v.indices().length == 0) {
                throw new IllegalArgumentException("no SAE feature fires in at least a fraction " + tau + " of one side's rows more than the "
                        + "other's (are the positive and negative sides the same?): nothing to steer with; lower --tau or check the pairs");
            }
            SteeringFiles.save(v, out);
            System.err.printf("wrote %s: SAS vector at layer %d with %d features from %d pairs%n", out, layer, v.indices().length,
                    positive.length);
        }
        return 0;
    }
}
