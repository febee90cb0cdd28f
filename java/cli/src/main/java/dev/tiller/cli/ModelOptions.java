package dev.tiller.cli;

import dev.tiller.Model;
import java.nio.file.Path;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** Options of the commands that evaluate given token ids: model, tokens, threads. */
final class ModelOptions {
    @Spec(Spec.Target.MIXEE)
    CommandSpec spec;

    @Option(names = {"-m", "--model"}, required = true, paramLabel = "M.gguf", description = "GGUF model file")
    Path model;

    @Mixin
    TokensOption tokens;

    @Mixin
    ThreadsOption threads;

    int[] tokens() {
        return tokens.tokens;
    }

    /** A context for exactly the tokens, with a warning when that is longer than the model was trained for. */
    int contextLength(Model m) {
        int n = tokens.tokens.length;
        Cli.warnPastTraining(spec, "the input of " + n + " tokens", n, m);
        return n;
    }
}
