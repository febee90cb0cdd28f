package dev.tiller.benchpeers;

import de.kherud.llama.InferenceParameters;
import de.kherud.llama.LlamaModel;
import de.kherud.llama.LlamaOutput;
import de.kherud.llama.ModelParameters;
import de.kherud.llama.args.LogFormat;
import dev.tiller.Model;
import dev.tiller.Session;
import dev.tiller.SessionOptions;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * Inference speed, Tiller against java-llama.cpp 4.2.0 (llama.cpp through JNI) on the same GGUF,
 * same thread count, interleaved rounds in one run. Each round runs each engine in its own JVM,
 * one after the other (in one process their idle worker threads would compete for the cores, which
 * measures neither): the model is loaded, one warm-up, then a fresh context, a prompt of P tokens
 * in one batch and G tokens decoded one at a time (greedy). Prints the median prompt and decode
 * tokens per second of each and the ratios Tiller / java-llama.cpp.
 *
 * <p>java-llama.cpp takes a prompt as text and streams its output: its prompt is P - 1 characters
 * that its tokenizer maps to one token each (checked with its own encode), plus BOS; its prompt
 * time is the time to the first streamed token minus one decode step, its decode rate the later
 * tokens over the time after the first.
 *
 * <p>Arguments: [--threads N (2)] [--rounds R (5)] [--prompt-tokens P (128)] [--gen-tokens G (16)]
 * MODEL.gguf...
 */
public final class InferencePeerBench {
    private InferencePeerBench() {}

    public static void main(String[] args) throws Exception {
        int threads = 2, rounds = 5, p = 128, gen = 16;
        String engine = null;
        java.util.List<Path> models = new java.util.ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--threads" -> threads = Integer.parseInt(args[++i]);
                case "--rounds" -> rounds = Integer.parseInt(args[++i]);
                case "--prompt-tokens" -> p = Integer.parseInt(args[++i]);
                case "--gen-tokens" -> gen = Integer.parseInt(args[++i]);
                case "--engine" -> engine = args[++i];
                default -> models.add(Path.of(args[i]));
            }
        }
        if (models.isEmpty()) throw new IllegalArgumentException("usage: [--threads N] [--rounds R] MODEL.gguf...");
        if (engine != null) { // one measured round in this JVM: "prompt_tok_s decode_tok_s"
            double[] r = engine.equals("tiller") ? tillerRound(models.get(0), threads, p, gen)
                    : llamaRound(models.get(0), threads, p, gen);
            System.out.printf(Locale.ROOT, "RESULT %.4f %.4f%n", r[0], r[1]);
            System.out.flush();
            // java-llama.cpp leaves a non-daemon native thread behind that keeps the JVM alive.
            Runtime.getRuntime().halt(0);
        }
        System.out.printf(Locale.ROOT, "threads %d, prompt %d tokens, %d generated, median of %d interleaved rounds%n",
                threads, p, gen, rounds);
        System.out.println("| model | Tiller prompt / decode tok/s | java-llama.cpp prompt / decode tok/s | ratio prompt / decode |");
        System.out.println("|---|---|---|---|");
        for (Path m : models) {
            double[] tp = new double[rounds], td = new double[rounds], lpp = new double[rounds], ld = new double[rounds];
            for (int r = 0; r < rounds; r++) {
                double[] t = child("tiller", m, threads, p, gen), l = child("llama", m, threads, p, gen);
                tp[r] = t[0];
                td[r] = t[1];
                lpp[r] = l[0];
                ld[r] = l[1];
            }
            System.out.printf(Locale.ROOT, "| %s | %.1f / %.2f | %.1f / %.2f | %.2f / %.2f |%n", m.getFileName(),
                    median(tp), median(td), median(lpp), median(ld), median(tp) / median(lpp), median(td) / median(ld));
            System.out.printf(Locale.ROOT, "  rounds: Tiller prompt %s decode %s; java-llama.cpp prompt %s decode %s%n",
                    runs(tp), runs(td), runs(lpp), runs(ld));
        }
    }

    /** Runs one round of an engine in a child JVM with this JVM's class path. */
    static double[] child(String engine, Path model, int threads, int p, int gen) throws Exception {
        String javaBin = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process proc = new ProcessBuilder(javaBin, "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"),
                InferencePeerBench.class.getName(), "--engine", engine, "--threads", Integer.toString(threads), "--prompt-tokens",
                Integer.toString(p), "--gen-tokens", Integer.toString(gen), model.toString())
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        String out = new String(proc.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        if (proc.waitFor() != 0 || !out.contains("RESULT ")) {
            throw new IllegalStateException(engine + " on " + model + " failed (exit " + proc.exitValue() + "): " + out);
        }
        String[] f = out.substring(out.indexOf("RESULT ") + 7).trim().split("\\s+");
        return new double[] {Double.parseDouble(f[0]), Double.parseDouble(f[1])};
    }

    static double[] tillerRound(Path path, int threads, int p, int gen) {
        try (Model tm = Model.load(path); Session ts = tm.newSession(new SessionOptions(p + gen + 1, threads))) {
            int nVocab = tm.info().vocabularySize();
            int[] prompt = new SplittableRandom(1).ints(p, 0, nVocab).toArray();
            tiller(ts, prompt, gen); // warm-up
            return tiller(ts, prompt, gen);
        }
    }

    static double[] llamaRound(Path path, int threads, int p, int gen) {
        LlamaModel.setLogger(LogFormat.TEXT, (level, msg) -> { });
        ModelParameters lp = new ModelParameters().setModel(path.toString()).setThreads(threads).setThreadsBatch(threads)
                .setCtxSize(p + gen + 16).setBatchSize(512).setUbatchSize(512).setGpuLayers(0);
        try (LlamaModel lm = new LlamaModel(lp)) {
            String text = "a".repeat(p - 1);
            int encoded = lm.encode(text).length;
            if (encoded != p - 1) {
                throw new IllegalStateException("java-llama.cpp encodes the prompt text to " + encoded + " tokens, not " + (p - 1));
            }
            llama(lm, text, p, gen); // warm-up
            return llama(lm, text, p, gen);
        }
    }

    static double[] tiller(Session s, int[] prompt, int gen) {
        s.reset();
        long t0 = System.nanoTime();
        s.evaluate(prompt);
        long t1 = System.nanoTime();
        for (int i = 0; i < gen; i++) s.evaluate(new int[] {s.logitStats(0).argmax()});
        long t2 = System.nanoTime();
        return new double[] {prompt.length / ((t1 - t0) / 1e9), gen / ((t2 - t1) / 1e9)};
    }

    static double[] llama(LlamaModel m, String text, int p, int gen) {
        InferenceParameters ip = new InferenceParameters(text).setNPredict(gen).setIgnoreEos(true).setTemperature(0f)
                .setCachePrompt(false).setSeed(1);
        long t0 = System.nanoTime(), first = 0, last = 0;
        int n = 0;
        for (LlamaOutput ignored : m.generate(ip)) {
            last = System.nanoTime();
            if (n++ == 0) first = last;
        }
        if (n < 2) throw new IllegalStateException("java-llama.cpp streamed " + n + " outputs, expected " + gen);
        double step = (last - first) / 1e9 / (n - 1);
        return new double[] {p / ((first - t0) / 1e9 - step), 1 / step};
    }

    static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }

    static String runs(double[] v) {
        StringBuilder sb = new StringBuilder("[");
        for (int i = 0; i < v.length; i++) sb.append(i > 0 ? ", " : "").append(String.format(Locale.ROOT, "%.1f", v[i]));
        return sb.append(']').toString();
    }
}
