package dev.tiller.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import dev.tiller.train.retrieval.RetrievalModel;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code tiller train retrieval-model}: the small Gemma 3 on which long-context heads matter (docs/heads.md). */
@Command(name = "retrieval-model", mixinStandardHelpOptions = true,
        description = "Train a small Gemma 3 on pass-key, key-value recall and span copies hidden in Austen and Brown prose; write it as GGUF.")
final class TrainRetrievalModelCommand implements Callable<Integer> {
    @Option(names = "--out", paramLabel = "DIR", description = "output folder, default: ${DEFAULT-VALUE}")
    Path out = Path.of("models");

    @Option(names = "--steps", paramLabel = "N", description = "default: ${DEFAULT-VALUE}")
    int steps = 6000;

    @Option(names = "--batch", paramLabel = "B", description = "samples per step, default: ${DEFAULT-VALUE}")
    int batch = 8;

    @Option(names = "--lengths", split = ",", paramLabel = "L,L...",
            description = "the length curriculum in tokens, equal shares of the steps in order; default: ${DEFAULT-VALUE}")
    List<Integer> lengths = List.of(256, 256, 512, 1024);

    @Option(names = "--lr", paramLabel = "LR", description = "peak AdamW learning rate, default: ${DEFAULT-VALUE}")
    double lr = 3e-3;

    @Option(names = "--seed", paramLabel = "S", description = "default: ${DEFAULT-VALUE}")
    long seed = 1;

    @Mixin
    DataOptions env;

    @Override
    public Integer call() {
        if (steps < 1 || batch < 1 || lengths.isEmpty() || lengths.stream().anyMatch(l -> l < 96))
            throw new IllegalArgumentException("--steps and --batch must be >= 1, --lengths at least 96 tokens each");
        RetrievalModel.Result r = RetrievalModel.run(new RetrievalModel.Options(env.dir("text"), out, seed, steps, batch, lr, env.threads(),
                lengths.stream().mapToInt(Integer::intValue).toArray()), System.err);
        ObjectNode o = JsonOut.object();
        o.put("model", r.model().toString()).put("steps", steps).put("batch", batch).put("seed", seed).put("lr", lr);
        lengths.forEach(o.putArray("lengths")::add);
        o.put("train_loss", JsonOut.fixed(r.trainLoss(), 4)).put("seconds", JsonOut.fixed(r.seconds(), 1));
        ObjectNode hits = o.putObject("answer_tokens_right");
        for (int k = 0; k < r.answerHits().length; k++)
            hits.put(RetrievalModel.TRAINED.get(k).name().toLowerCase(java.util.Locale.ROOT), JsonOut.fixed(r.answerHits()[k], 3));
        JsonOut.print(o);
        return 0;
    }
}
