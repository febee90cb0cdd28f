package dev.tiller.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import dev.tiller.Model;
import dev.tiller.Session;
import dev.tiller.SessionOptions;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;

/**
 * {@code tiller bench --model M.gguf --prompt-tokens P --gen-tokens G --threads N [--repetitions R]
 * [--depth D] [--adaptive-attention TAU ...] [-ctk T] [-ctv T] [--json]}: prompt processing and decode speed, median of R
 * runs after a warm-up. Each run starts from an empty context (or from D random tokens evaluated
 * once), evaluates P random tokens in one batch, then decodes G tokens one at a time (greedy)
 * after them.
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Prompt-processing and decode tokens per second (median of the repetitions, after a warm-up).")
final class BenchCommand implements Callable<Integer> {
    @Option(names = {"-m", "--model"}, required = true, paramLabel = "M.gguf")
    Path model;

    @Option(names = "--prompt-tokens", paramLabel = "P", description = "default: ${DEFAULT-VALUE}")
    int promptTokens = 128;

    @Option(names = "--gen-tokens", paramLabel = "G", description = "default: ${DEFAULT-VALUE}")
    int genTokens = 32;

    @Mixin
    ThreadsOption threadsOption;

    @Option(names = "--repetitions", paramLabel = "R", description = "default: ${DEFAULT-VALUE}")
    int repetitions = 5;

    @Option(names = "--json", description = "print one JSON object (keys prefill_tok_s, decode_tok_s, ...)")
    boolean json;

    @Mixin
    SteeringOptions steering;

    @Mixin
    AdaptiveAttentionOptions adaptive;

    @Mixin
    CacheTypeOptions cache;

    @Option(names = "--depth", paramLabel = "D",
            description = "tokens already in the context before each run, evaluated once (llama-bench's -d): decode speed at "
                    + "long contexts; default: ${DEFAULT-VALUE}")
    int depth = 0;

    @Override
    public Integer call() {
        if (promptTokens < 1 || genTokens < 1 || repetitions < 1 || depth < 0) {
            throw new IllegalArgumentException("--prompt-tokens, --gen-tokens and --repetitions must be >= 1, --depth >= 0");
        }
        try (SteeringOptions st = steering;
                Model m = Model.load(model);
                Session s = m.newSession(cache.apply(new SessionOptions(depth + promptTokens + genTokens + 1, threadsOption.threads, adaptive.config())))) {
            int nVocab = m.info().vocabularySize();
            if (depth > 0 && m.info().slidingWindow() > 0 && promptTokens + genTokens > 256)
                throw new IllegalArgumentException("with --depth on a sliding-window model, --prompt-tokens + --gen-tokens must be <= 256 "
                        + "(each run rewinds to the depth, and sliding layers keep 256 positions beyond their window)");
            st.apply(s, m.info().layerCount());
            st.applySteering(s, depth + promptTokens, 0, false);
            SplittableRandom rnd = new SplittableRandom(1);
            int[] prompt = new int[promptTokens];
            for (int i = 0; i < prompt.length; i++) prompt[i] = rnd.nextInt(nVocab);
            if (depth > 0) fillDepth(s, rnd, nVocab);
            run(s, prompt); // warm-up
            double[] pp = new double[repetitions], tg = new double[repetitions];
            for (int r = 0; r < repetitions; r++) {
                double[] res = run(s, prompt);
                pp[r] = res[0];
                tg[r] = res[1];
            }
            double ppMed = median(pp), tgMed = median(tg);
            if (json) {
                ObjectNode o = JsonOut.object();
                o.put("model", model.toString()).put("threads", threadsOption.threads).put("prompt_tokens", promptTokens).put("gen_tokens", genTokens);
                o.put("depth", depth).put("adaptive_attention", adaptive.config().describe());
                o.put("cache_type_k", cache.keyType().llamaName()).put("cache_type_v", cache.valueType().llamaName());
                o.put("repetitions", repetitions).put("prefill_tok_s", JsonOut.fixed(ppMed, 2)).put("decode_tok_s", JsonOut.fixed(tgMed, 2));
                o.set("prefill_runs", JsonOut.fixedArray(pp, 2));
                o.set("decode_runs", JsonOut.fixedArray(tg, 2));
                JsonOut.print(o);
            } else {
                System.out.printf(Locale.ROOT, "%s: %sprompt %d tokens %.2f tok/s, decode %d tokens %.2f tok/s "
                        + "(median of %d, threads %s)%n", model.getFileName(), depth > 0 ? "depth " + depth + ", " : "", promptTokens,
                        ppMed, genTokens, tgMed, repetitions, threadsOption.threads > 0 ? String.valueOf(threadsOption.threads) : "all");
            }
        }
        return 0;
    }

    /** The depth's random tokens, evaluated once with progress on stderr. */
    private void fillDepth(Session s, SplittableRandom rnd, int nVocab) {
        int[] fill = new int[depth];
        for (int i = 0; i < depth; i++) fill[i] = rnd.nextInt(nVocab);
        dev.tiller.Progress progress = new dev.tiller.Progress("depth token", depth, System.err, 2, 1);
        for (int done = 0; done < depth; done += Session.PROGRESS_CHUNK) {
            int n = Math.min(Session.PROGRESS_CHUNK, depth - done);
            s.evaluate(Arrays.copyOfRange(fill, done, done + n));
            progress.progress(done + n, depth);
        }
    }

    private double[] run(Session s, int[] prompt) {
        if (depth > 0) s.rewind(s.position() - depth);
        else s.reset();
        long t0 = System.nanoTime();
        s.evaluate(prompt);
        long t1 = System.nanoTime();
        for (int i = 0; i < genTokens; i++) s.evaluate(new int[] {s.logitStats(0).argmax()});
        long t2 = System.nanoTime();
        return new double[] {prompt.length / ((t1 - t0) / 1e9), genTokens / ((t2 - t1) / 1e9)};
    }

    private static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }
}
