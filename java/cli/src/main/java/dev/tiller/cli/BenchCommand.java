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
 * [--json]}: prompt processing and decode speed, median of R runs after a warm-up. Each run starts
 * from an empty context, evaluates P random tokens in one batch, then decodes G tokens one at a
 * time (greedy) after them.
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

    @Override
    public Integer call() {
        if (promptTokens < 1 || genTokens < 1 || repetitions < 1) {
            throw new IllegalArgumentException("--prompt-tokens, --gen-tokens and --repetitions must be >= 1");
        }
        try (SteeringOptions st = steering;
                Model m = Model.load(model);
                Session s = m.newSession(new SessionOptions(promptTokens + genTokens + 1, threadsOption.threads))) {
            int nVocab = m.info().vocabularySize();
            st.apply(s, m.info().layerCount());
            st.applySteering(s, promptTokens, 0, false);
            SplittableRandom rnd = new SplittableRandom(1);
            int[] prompt = new int[promptTokens];
            for (int i = 0; i < prompt.length; i++) prompt[i] = rnd.nextInt(nVocab);
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
                o.put("repetitions", repetitions).put("prefill_tok_s", JsonOut.fixed(ppMed, 2)).put("decode_tok_s", JsonOut.fixed(tgMed, 2));
                o.set("prefill_runs", JsonOut.fixedArray(pp, 2));
                o.set("decode_runs", JsonOut.fixedArray(tg, 2));
                JsonOut.print(o);
            } else {
                System.out.printf(Locale.ROOT, "%s: prompt %d tokens %.2f tok/s, decode %d tokens %.2f tok/s "
                        + "(median of %d, threads %s)%n", model.getFileName(), promptTokens, ppMed, genTokens, tgMed,
                        repetitions, threadsOption.threads > 0 ? String.valueOf(threadsOption.threads) : "all");
            }
        }
        return 0;
    }

    private double[] run(Session s, int[] prompt) {
        s.reset();
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
