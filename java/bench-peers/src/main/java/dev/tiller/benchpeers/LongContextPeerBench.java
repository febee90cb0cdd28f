package dev.tiller.benchpeers;

import de.kherud.llama.InferenceParameters;
import de.kherud.llama.LlamaModel;
import de.kherud.llama.LlamaOutput;
import de.kherud.llama.ModelParameters;
import de.kherud.llama.args.LogFormat;
import dev.tiller.AdaptiveAttention;
import dev.tiller.CacheType;
import dev.tiller.Model;
import dev.tiller.Session;
import dev.tiller.SessionOptions;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * Decode speed at long contexts: Tiller dense and with adaptive attention at forced sparsities
 * (a pseudo-random fraction of (head, query) pairs local on the global layers), against
 * java-llama.cpp 4.2.0 at the same context, same thread count. Each engine runs in its own JVM,
 * one after the other, and fills its context once, growing it through the depths in order (each
 * depth's measurement continues the same sequence): Tiller evaluates random tokens in chunks of
 * 512; java-llama.cpp takes a text of one token per character with prompt caching, so that each
 * deeper prompt reuses the cached prefix. At each depth G tokens are decoded (greedy) per
 * configuration, then rewound. Prints tokens/s and the ratios.
 *
 * <p>Tiller's KV cache holds keys and values as --cache-type says (f16 by default, as llama.cpp's
 * default cache, which java-llama.cpp keeps; f32 is Tiller's own default).
 *
 * <p>Arguments: [--threads N (2)] [--depths 4096,16384,32768] [--gen-tokens G (16)]
 * [--local 0.5,0.8,0.9] [--cache-type f16|f32|q8_0...] MODEL.gguf...
 */
public final class LongContextPeerBench {
    private LongContextPeerBench() {}

    public static void main(String[] args) throws Exception {
        int threads = 2, gen = 16;
        int[] depths = {4096, 16384, 32768};
        double[] local = {0.5, 0.8, 0.9};
        String engine = null;
        CacheType cache = CacheType.F16;
        List<Path> models = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--threads" -> threads = Integer.parseInt(args[++i]);
                case "--gen-tokens" -> gen = Integer.parseInt(args[++i]);
                case "--depths" -> depths = Arrays.stream(args[++i].split(",")).mapToInt(Integer::parseInt).toArray();
                case "--local" -> local = Arrays.stream(args[++i].split(",")).mapToDouble(Double::parseDouble).toArray();
                case "--engine" -> engine = args[++i];
                case "--cache-type" -> cache = CacheType.parse(args[++i]);
                default -> models.add(Path.of(args[i]));
            }
        }
        if (models.isEmpty()) throw new IllegalArgumentException("usage: [--threads N] [--depths D,...] MODEL.gguf...");
        if (engine != null) {
            if (engine.equals("tiller")) tiller(models.get(0), threads, depths, gen, local, cache);
            else llama(models.get(0), threads, depths, gen);
            System.out.flush();
            Runtime.getRuntime().halt(0);  // java-llama.cpp leaves a non-daemon native thread behind
        }
        System.out.printf(Locale.ROOT, "threads %d, %d tokens decoded per configuration and depth, Tiller's KV cache %s, "
                + "java-llama.cpp's its default (f16)%n", threads, gen, cache.llamaName());
        StringBuilder head = new StringBuilder("| model | depth | Tiller dense tok/s |");
        for (double f : local) head.append(String.format(Locale.ROOT, " Tiller %.0f%% local |", 100 * f));
        head.append(" java-llama.cpp tok/s | Tiller dense / java-llama.cpp |");
        for (double f : local) head.append(String.format(Locale.ROOT, " %.0f%% / dense |", 100 * f));
        System.out.println(head);
        System.out.println("|---".repeat(4 + 2 * local.length + 1) + "|");
        for (Path m : models) {
            double[][] t = child("tiller", m, threads, depths, gen, local, cache), l = child("llama", m, threads, depths, gen, local, cache);
            for (int d = 0; d < depths.length; d++) {
                StringBuilder row = new StringBuilder(String.format(Locale.ROOT, "| %s | %d | %.2f |", m.getFileName(), depths[d], t[d][0]));
                for (int f = 0; f < local.length; f++) row.append(String.format(Locale.ROOT, " %.2f |", t[d][1 + f]));
                row.append(String.format(Locale.ROOT, " %.2f | %.2f |", l[d][0], t[d][0] / l[d][0]));
                for (int f = 0; f < local.length; f++) row.append(String.format(Locale.ROOT, " %.2f |", t[d][1 + f] / t[d][0]));
                System.out.println(row);
            }
        }
    }

    /** One engine in a child JVM: a RESULT line per depth. */
    static double[][] child(String engine, Path model, int threads, int[] depths, int gen, double[] local, CacheType cache) throws Exception {
        String javaBin = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> cmd = new ArrayList<>(List.of(javaBin, "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"),
                LongContextPeerBench.class.getName(), "--engine", engine, "--threads", Integer.toString(threads), "--gen-tokens",
                Integer.toString(gen), "--depths", join(depths), "--local", join(local), "--cache-type", cache.llamaName(), model.toString()));
        Process proc = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        double[][] r = new double[depths.length][];
        int d = 0;
        StringBuilder out = new StringBuilder();
        try (var in = new java.io.BufferedReader(new java.io.InputStreamReader(proc.getInputStream(), java.nio.charset.StandardCharsets.UTF_8))) {
            for (String line; (line = in.readLine()) != null;) {
                out.append(line).append('\n');
                if (!line.startsWith("RESULT ")) continue;
                System.err.println(engine + " depth " + depths[d] + ": " + line);  // as it comes: long runs show their progress
                r[d++] = Arrays.stream(line.substring(7).trim().split("\\s+")).mapToDouble(Double::parseDouble).toArray();
            }
        }
        if (proc.waitFor() != 0 || d != depths.length) throw new IllegalStateException(engine + " on " + model + " failed: " + out);
        return r;
    }

    static void tiller(Path path, int threads, int[] depths, int gen, double[] local, CacheType cache) {
        int max = Arrays.stream(depths).max().orElseThrow();
        try (Model m = Model.load(path); Session s = m.newSession(new SessionOptions(max + gen + 16, threads).withCacheTypes(cache, cache))) {
            SplittableRandom rnd = new SplittableRandom(1);
            int nVocab = m.info().vocabularySize();
            long t0 = System.nanoTime();
            for (int depth : depths) {
                while (s.position() < depth) {
                    int n = Math.min(512, depth - s.position());
                    s.evaluate(rnd.ints(n, 0, nVocab).toArray());
                }
                System.err.printf(Locale.ROOT, "tiller: depth %d filled after %.0f s%n", depth, (System.nanoTime() - t0) / 1e9);
                StringBuilder line = new StringBuilder("RESULT");
                List<AdaptiveAttention> configs = new ArrayList<>(List.of(AdaptiveAttention.dense()));
                for (double f : local) configs.add(AdaptiveAttention.forced(f));
                decode(s, 2);  // warm-up
                for (AdaptiveAttention c : configs) {
                    s.setAdaptiveAttention(c);
                    line.append(' ').append(String.format(Locale.ROOT, "%.4f", decode(s, gen)));
                }
                s.setAdaptiveAttention(AdaptiveAttention.dense());
                System.out.println(line);
                System.out.flush();
            }
        }
    }

    /** Decodes n tokens greedily and rewinds them; tokens per second. */
    static double decode(Session s, int n) {
        long t0 = System.nanoTime();
        for (int i = 0; i < n; i++) s.evaluate(new int[] {s.logitStats(0).argmax()});
        double rate = n / ((System.nanoTime() - t0) / 1e9);
        s.rewind(n);
        return rate;
    }

    static void llama(Path path, int threads, int[] depths, int gen) {
        LlamaModel.setLogger(LogFormat.TEXT, (level, msg) -> { });
        int max = Arrays.stream(depths).max().orElseThrow();
        ModelParameters lp = new ModelParameters().setModel(path.toString()).setThreads(threads).setThreadsBatch(threads)
                .setCtxSize(max + gen + 16).setBatchSize(512).setUbatchSize(512).setGpuLayers(0);
        try (LlamaModel lm = new LlamaModel(lp)) {
            long t0 = System.nanoTime();
            for (int depth : depths) {
                String text = "a".repeat(depth - 1);
                InferenceParameters ip = new InferenceParameters(text).setNPredict(gen).setIgnoreEos(true).setTemperature(0f)
                        .setCachePrompt(true).setSeed(1);
                long first = 0, last = 0;
                int n = 0;
                for (LlamaOutput ignored : lm.generate(ip)) {
                    last = System.nanoTime();
                    if (n++ == 0) first = last;
                }
                if (n < 2) throw new IllegalStateException("java-llama.cpp streamed " + n + " outputs");
                System.err.printf(Locale.ROOT, "java-llama.cpp: depth %d done after %.0f s%n", depth, (System.nanoTime() - t0) / 1e9);
                System.out.printf(Locale.ROOT, "RESULT %.4f%n", (n - 1) / ((last - first) / 1e9));
                System.out.flush();
            }
        }
    }

    static String join(int[] v) {
        return String.join(",", Arrays.stream(v).mapToObj(Integer::toString).toList());
    }

    static String join(double[] v) {
        return String.join(",", Arrays.stream(v).mapToObj(Double::toString).toList());
    }
}
