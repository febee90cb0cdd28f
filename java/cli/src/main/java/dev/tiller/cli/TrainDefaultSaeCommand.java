package dev.tiller.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import dev.tiller.train.recipes.DefaultSae;
import dev.tiller.train.sae.SaeTrainer;

import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code tiller train default-sae}: the SAE shipped with the default model; its measurements as JSON. */
@Command(name = "default-sae", mixinStandardHelpOptions = true,
        description = "Harvest resid_post activations of the default model, train a ReLU SAE, save it as Gemma Scope npz and measure it.")
final class TrainDefaultSaeCommand implements Callable<Integer> {
    @Mixin
    DefaultModelFile model;

    @Option(names = "--out", paramLabel = "F.npz", description = "default: ${DEFAULT-VALUE}")
    Path out = Path.of("models/tiller-gemma2-tiny.sae-l2.npz");

    @Option(names = "--features", description = "default: ${DEFAULT-VALUE}")
    int features = 2048;

    @Option(names = "--l1", description = "L1 coefficient, default: ${DEFAULT-VALUE}")
    double l1 = 2;

    @Option(names = "--steps", description = "default: ${DEFAULT-VALUE}")
    int steps = 2500;

    @Option(names = "--batch", description = "default: ${DEFAULT-VALUE}")
    int batch = 2048;

    @Option(names = "--lr", description = "default: ${DEFAULT-VALUE}")
    double lr = 1e-3;

    @Option(names = "--harvest", paramLabel = "WINDOWS", description = "training windows of 127 tokens to harvest, default: ${DEFAULT-VALUE}")
    int harvest = 1500;

    @Option(names = "--seed", description = "default: ${DEFAULT-VALUE}")
    long seed = 1;

    @Mixin
    DataOptions env;

    @Override
    public Integer call() {
        DefaultSae.Report r = DefaultSae.run(new DefaultSae.Options(env.dir("text"), model.model, out, harvest,
                new SaeTrainer.Options(features, l1, steps, batch, lr, 250, seed, env.threads())), System.err);
        ObjectNode o = JsonOut.object();
        o.put("layer", DefaultSae.LAYER).put("features", r.features()).put("harvested_rows", r.harvestedRows());
        o.put("fvu", JsonOut.fixed(r.fvu(), 4)).put("l0", JsonOut.fixed(r.l0(), 2)).put("dead", r.dead());
        o.put("heldout_loss", JsonOut.fixed(r.cleanLoss(), 4)).put("spliced_loss", JsonOut.fixed(r.splicedLoss(), 4));
        o.put("splice_cost_nats", JsonOut.fixed(r.splicedLoss() - r.cleanLoss(), 4));
        JsonOut.print(o);
        return 0;
    }
}
