package dev.tiller.cli;

import dev.tiller.Model;
import java.nio.file.Path;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** Options of the commands that load a model and generate: model file, context, threads. */
final class RunOptions {
    @Spec(Spec.Target.MIXEE)
    CommandSpec spec;

    @Option(names = {"-m", "--model"}, required = true, paramLabel = "M.gguf", description = "GGUF model file")
    Path model;

    Integer context;

    @Option(names = {"-c", "--ctx-size", "--ctx", "--context"}, paramLabel = "N",
            description = "context length in tokens (default: the model's training context, at most 8192)")
    void setContext(int n) {
        if (n < 1) throw Cli.usage(spec, "--ctx-size must be >= 1, got " + n);
        context = n;
    }

    @Mixin
    ThreadsOption threads;

    int threads() {
        return threads.threads;
    }

    int contextLength(Model m) {
        int trained = m.info().contextLength();
        if (context == null) return trained > 0 ? Math.min(trained, 8192) : 8192;
        Cli.warnPastTraining(spec, "--ctx-size " + context, context, m);
        return context;
    }
}
