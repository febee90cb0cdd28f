package dev.tiller.cli;

import dev.tiller.Model;
import dev.tiller.Session;
import dev.tiller.SessionOptions;
import dev.tiller.io.AtomicFiles;

import java.nio.file.Path;
import java.util.function.UnaryOperator;

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

    /** What runs on the opened model and session, for the given tokens. */
    interface Work {
        void run(Model model, Session session, int[] tokens);
    }

    /**
     * Checks that out can be written, opens the model and a session sized for the tokens with the
     * command's steering applied to them, and runs work (tiller logits and tiller residuals).
     */
    void runSteered(SteeringOptions steering, Path out, Work work) {
        runSteered(steering, o -> o, out, work);
    }

    /** As {@link #runSteered(SteeringOptions, Path, Work)}, with the command's session options (adaptive attention, cache types). */
    void runSteered(SteeringOptions steering, UnaryOperator<SessionOptions> configure, Path out, Work work) {
        AtomicFiles.checkWritable(out);
        int[] ids = tokens();
        try (SteeringOptions st = steering; Model m = Model.load(model);
                Session session = m.newSession(configure.apply(new SessionOptions(contextLength(m), threads.threads)))) {
            st.apply(session, m.info().layerCount());
            st.applySteering(session, ids.length, 0, false);
            work.run(m, session, ids);
        }
    }
}
