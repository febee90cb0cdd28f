package dev.tiller.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

import dev.tiller.train.recipes.DefaultModelEval;

import java.util.concurrent.Callable;

/** {@code tiller train eval-default}: held-out perplexity of a model file against a Kneser-Ney trigram. */
@Command(name = "eval-default", mixinStandardHelpOptions = true,
        description = "Held-out perplexity of the default model (through the runtime) and of an interpolated Kneser-Ney trigram on the same tokens.")
final class TrainEvalDefaultCommand implements Callable<Integer> {
    @Mixin
    DefaultModelFile model;

    @Mixin
    DataOptions env;

    @Override
    public Integer call() {
        DefaultModelEval.Report r = DefaultModelEval.run(env.dir("text"), model.model, env.threads());
        ObjectNode o = JsonOut.object();
        o.put("heldout_tokens", r.tokens());
        o.put("model_loss", JsonOut.fixed(r.modelLoss(), 4)).put("model_perplexity", JsonOut.fixed(r.modelPerplexity(), 2));
        o.put("kn_trigram_loss", JsonOut.fixed(r.trigramLoss(), 4)).put("kn_trigram_perplexity", JsonOut.fixed(r.trigramPerplexity(), 2));
        JsonOut.print(o);
        return 0;
    }
}
