package dev.tiller.bench;

import dev.tiller.GeneratedToken;
import dev.tiller.Generation;
import dev.tiller.Model;
import dev.tiller.ModelTools;
import dev.tiller.SamplingParams;
import dev.tiller.Session;
import dev.tiller.SessionOptions;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * What the FFM boundary costs in decoding: the same greedy loop (evaluate one token, take the
 * arg-max, repeat) driven from Java through the public API, driven inside the runtime
 * ({@link Session#decodeGreedy}), and as a full {@link Session#generate} (sampler, detokenizer,
 * stop checks). The machine is shared and noisy, so the three alternate in short blocks (a fresh
 * context, the prompt, then {@code --tokens} timed steps), in a rotating order, over many blocks;
 * prints the median tokens per second of each and the ratios to the native loop.
 *
 * <p>Arguments: MODEL.gguf [--threads N (2)] [--blocks B (30)] [--tokens G (8)]. Run with
 * {@code scripts/bench-decode-loop}.
 */
public final class DecodeLoopBench {
    private DecodeLoopBench() {}

    public static void main(String[] args) {
        Path model = null;
        int threads = 2, blocks = 30, gen = 8;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--threads" -> threads = Integer.parseInt(args[++i]);
                case "--blocks" -> blocks = Integer.parseInt(args[++i]);
                case "--tokens" -> gen = Integer.parseInt(args[++i]);
                default -> model = Path.of(args[i]);
            }
        }
        if (model == null) throw new IllegalArgumentException("usage: MODEL.gguf [--threads N] [--blocks B] [--tokens G]");
        warmUp(threads, gen);
        try (Model m = Model.load(model); Session s = m.newSession(new SessionOptions(16 + gen + 2, threads))) {
            int[] prompt = new SplittableRandom(1).ints(16, 3, m.info().vocabularySize()).toArray();
            double[][] rates = new double[3][blocks]; // native, Java loop, generate
            for (int b = -2; b < blocks; b++) { // two warm-up blocks on this model
                for (int k = 0; k < 3; k++) {
                    int mode = (k + Math.max(b, 0)) % 3;
                    double r = switch (mode) {
                        case 0 -> nativeLoop(s, prompt, gen);
                        case 1 -> javaLoop(s, prompt, gen);
                        default -> generateLoop(s, prompt, gen);
                    };
                    if (b >= 0) rates[mode][b] = r;
                }
            }
            double nm = median(rates[0]), jm = median(rates[1]), gm = median(rates[2]);
            System.out.printf(Locale.ROOT, "%s, %d threads, median of %d blocks of %d tokens, rotating order (tok/s):%n",
                    model.getFileName(), threads, blocks, gen);
            System.out.printf(Locale.ROOT, "  native loop (decodeGreedy)        %8.2f%n", nm);
            System.out.printf(Locale.ROOT, "  Java loop (evaluate + logitStats) %8.2f  (%.4f of native, %+.2f%%)%n", jm, jm / nm,
                    100 * (jm / nm - 1));
            System.out.printf(Locale.ROOT, "  Java generate (greedy)            %8.2f  (%.4f of native, %+.2f%%)%n", gm, gm / nm,
                    100 * (gm / nm - 1));
        }
    }

    /**
     * Runs every loop some ten thousand steps on a tiny random model first, so that the JIT has
     * compiled the Java side (the downcalls included) as it would be in a long-running program.
     */
    private static void warmUp(int threads, int gen) {
        try {
            Path tiny = Files.createTempFile("tiller-decode-warmup-", ".gguf");
            try {
                ModelTools.writeRandomModel(tiny, new ModelTools.Shape("gemma3", 1, 64, 1, 1, 64, 128, 512), "F32", 1, 1);
                try (Model m = Model.load(tiny); Session s = m.newSession(new SessionOptions(16 + gen + 2, threads))) {
                    int[] prompt = new SplittableRandom(1).ints(16, 3, 512).toArray();
                    for (int i = 0; i < 1500; i++) {
                        nativeLoop(s, prompt, gen);
                        javaLoop(s, prompt, gen);
                        generateLoop(s, prompt, gen);
                    }
                }
            } finally {
                Files.deleteIfExists(tiny);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static double javaLoop(Session s, int[] prompt, int gen) {
        s.reset();
        s.evaluate(prompt);
        long t0 = System.nanoTime();
        for (int i = 0; i < gen; i++) s.evaluate(new int[] {s.logitStats(0).argmax()});
        return gen / ((System.nanoTime() - t0) / 1e9);
    }

    private static double nativeLoop(Session s, int[] prompt, int gen) {
        s.reset();
        s.evaluate(prompt);
        long t0 = System.nanoTime();
        s.decodeGreedy(gen);
        return gen / ((System.nanoTime() - t0) / 1e9);
    }

    /** Greedy generation through the full API; timed from the first token (the prompt is not counted). */
    private static double generateLoop(Session s, int[] prompt, int gen) {
        s.reset();
        try (Generation g = s.generate(prompt, SamplingParams.greedy().withMaxTokens(gen + 1))) {
            g.next(); // the prompt and the first token
            long t0 = System.nanoTime();
            int n = 0;
            while (g.hasNext()) {
                GeneratedToken t = g.next();
                if (t.id() >= 0) n++;
            }
            return n / ((System.nanoTime() - t0) / 1e9);
        }
    }

    private static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }
}
