package dev.tiller.cli;

import dev.tiller.train.recipes.GenreSteering;

import java.nio.file.Path;
import java.util.concurrent.Callable;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code tiller train genre-vectors}: the SAS vectors and genre classifier shipped with the default model. */
@Command(name = "genre-vectors", mixinStandardHelpOptions = true,
        description = "Build SAS vectors steering the default model to Brown's news or romance genre, and the demo's genre classifier.")
final class TrainGenreVectorsCommand implements Callable<Integer> {
    @Mixin
    DefaultModelFile model;

    @Option(names = "--sae", paramLabel = "F.npz", description = "default: ${DEFAULT-VALUE}")
    Path sae = Path.of("models/tiller-gemma2-tiny.sae-l2.npz");

    @Option(names = "--out", paramLabel = "DIR", description = "default: ${DEFAULT-VALUE}")
    Path out = Path.of("models");

    @Option(names = "--paragraphs", description = "training paragraphs per genre, default: ${DEFAULT-VALUE}")
    int paragraphs = 300;

    @Option(names = "--tau", description = "SAS firing-fraction threshold, default: ${DEFAULT-VALUE}")
    double tau = 0.1;

    @Mixin
    DataOptions env;

    @Override
    public Integer call() {
        GenreSteering.run(new GenreSteering.Options(env.dir("text"), model.model, sae, out, paragraphs, tau, env.threads()), System.err);
        return 0;
    }
}
