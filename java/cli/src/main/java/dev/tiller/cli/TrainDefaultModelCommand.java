package dev.tiller.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import dev.tiller.train.recipes.DefaultModel;

import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code tiller train default-model}: the recipe of the shipped small Gemma 2 (models/README.md); its record as JSON. */
@Command(name = "default-model", mixinStandardHelpOptions = true,
        description = "Train the default model (BPE vocabulary + small Gemma 2 on Austen and Brown) and write it as GGUF.")
final class TrainDefaultModelCommand implements Callable<Integer> {
    @Option(names = "--out", paramLabel = "DIR", description = "output folder, default: ${DEFAULT-VALUE}")
    Path out = Path.of("models");

    @Option(names = "--steps", paramLabel = "N", description = "default: ${DEFAULT-VALUE}")
    int steps = 1200;

    @Option(names = "--batch", paramLabel = "B", description = "windows of 128 tokens per step, default: ${DEFAULT-VALUE}")
    int batch = 16;

    @Option(names = "--lr", paramLabel = "LR", description = "peak AdamW learning rate, default: ${DEFAULT-VALUE}")
    double lr = 3e-3;

    @Option(names = "--seed", paramLabel = "S", description = "default: ${DEFAULT-VALUE}")
    long seed = 1;

    @Mixin
    CheckpointOptions checkpoint;

    @Mixin
    DataOptions env;

    @Override
    public Integer call() {
        DefaultModel.Result r = DefaultModel.run(new DefaultModel.Options(env.dir("text"), out, seed, steps, batch, lr, env.threads(),
                checkpoint.file, checkpoint.every()), System.err);
        ObjectNode o = JsonOut.object();
        o.put("steps", steps).put("batch", batch).put("seed", seed).put("lr", lr).put("train_tokens", r.trainTokens());
        o.put("train_loss", JsonOut.fixed(r.trainLoss(), 4)).put("heldout_loss", JsonOut.fixed(r.heldOutLoss(), 4)).put("seconds", JsonOut.fixed(r.seconds(), 1));
        ArrayNode curve = o.putArray("curve");
        for (float[] p : r.curve()) curve.addArray().add((int) p[0]).add(JsonOut.fixed(p[1], 6));
        JsonOut.print(o);
        return 0;
    }
}
