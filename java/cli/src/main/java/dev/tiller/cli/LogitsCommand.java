package dev.tiller.cli;

import dev.tiller.Model;
import dev.tiller.Session;
import dev.tiller.SessionOptions;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code tiller logits --model M.gguf --tokens 2,17,... --out F.f32 [--incremental]
 * [--control-vector CV.gguf[:STRENGTH]]... [--threads N]}: float32 little-endian
 * {@code [n_tokens, n_vocab]}, the logits of every position.
 */
@Command(name = "logits", mixinStandardHelpOptions = true,
        description = "Write the logits of every position as float32 little-endian [n_tokens, n_vocab].")
final class LogitsCommand implements Callable<Integer> {
    @Mixin
    ModelOptions opts;

    @Mixin
    SteeringOptions steering;

    @Option(names = "--out", required = true, paramLabel = "F.f32", description = "output file")
    Path out;

    @Option(names = "--incremental", description = "feed the tokens one at a time through the KV cache instead of one batch")
    boolean incremental;

    @Override
    public Integer call() throws IOException {
        try (SteeringOptions st = steering;
                Model model = Model.load(opts.model);
                Session session = model.newSession(SessionOptions.defaults()
                        .withContextLength(Math.max(opts.tokens.length, 1)).withThreads(opts.threads));
                F32Writer w = new F32Writer(out)) {
            st.apply(session, model.info().layerCount());
            st.applySteering(session, opts.tokens.length, 0, false);
            if (incremental) {
                for (int t : opts.tokens) w.write(session.evaluate(new int[] {t}).segment());
            } else {
                MemorySegment all = session.evaluateAll(opts.tokens).segment();
                w.write(all);
            }
        }
        return 0;
    }
}
