package dev.tiller.cli;

import dev.tiller.Progress;
import dev.tiller.io.AtomicFiles;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.Callable;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code tiller logits --model M.gguf --tokens 2,17,... --out F.f32 [--incremental]
 * [--control-vector CV.gguf[:STRENGTH]]... [--adaptive-attention TAU ...] [--threads N]}: float32 little-endian
 * {@code [n_tokens, n_vocab]}, the logits of every position. Long inputs are evaluated in chunks
 * of 512 tokens with progress on stderr; the file appears only when complete.
 */
@Command(name = "logits", mixinStandardHelpOptions = true,
        description = "Write the logits of every position as float32 little-endian [n_tokens, n_vocab].")
final class LogitsCommand implements Callable<Integer> {
    static final int CHUNK = 512;

    @Mixin
    ModelOptions opts;

    @Mixin
    SteeringOptions steering;

    @Option(names = "--out", required = true, paramLabel = "F.f32", description = "output file")
    Path out;

    @Mixin
    AdaptiveAttentionOptions adaptive;

    @Mixin
    CacheTypeOptions cache;

    @Option(names = "--incremental", description = "feed the tokens one at a time through the KV cache instead of one batch")
    boolean incremental;

    @Override
    public Integer call() {
        opts.runSteered(steering, o -> cache.apply(o.withAdaptiveAttention(adaptive.config())), out, (model, session, tokens) -> {
            Progress progress = new Progress("logits of token", tokens.length, System.err, 2, 1);
            AtomicFiles.write(out, os -> {
                F32Writer w = new F32Writer(os);
                int step = incremental ? 1 : CHUNK;
                for (int done = 0; done < tokens.length; done += step) {
                    int[] chunk = Arrays.copyOfRange(tokens, done, Math.min(tokens.length, done + step));
                    w.write(session.evaluateAll(chunk).segment());
                    progress.progress(done + chunk.length, tokens.length);
                }
            });
        });
        return 0;
    }
}
