package dev.tiller.train.retrieval;

import dev.tiller.Tokenizer;
import dev.tiller.train.Graph;
import dev.tiller.train.Losses;
import dev.tiller.train.Tensor;
import dev.tiller.train.Trainer;
import dev.tiller.train.algo.Algorithm;
import dev.tiller.train.nn.GemmaExport;
import dev.tiller.train.nn.TransformerConfig;
import dev.tiller.train.nn.TransformerLm;
import dev.tiller.train.optim.Adam;
import dev.tiller.train.optim.LrSchedule;
import dev.tiller.train.optim.Optimizer;
import dev.tiller.train.optim.ParamGroup;
import dev.tiller.train.recipes.DefaultModel;
import dev.tiller.train.text.BpeTrainer;
import dev.tiller.train.text.EnglishCorpus;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The recipe of the retrieval model: a small Gemma 3 (sliding-window and global layers
 * alternating, q/k norms) trained by Tiller on pass-key and key-value recall samples hidden in
 * Austen and Brown prose ({@link RetrievalTask}), with a length curriculum, exported as GGUF. The
 * loss weighs the answer tokens 1 and the prose 0.1 (plain language modelling keeps the heads
 * reading text). Deterministic for a seed.
 */
public final class RetrievalModel {
    private RetrievalModel() {}

    public static final int VOCAB = 2048;
    public static final String FILE = "tiller-gemma3-retrieval.gguf";

    /** lengths: the curriculum, equal shares of the steps at each sample length in order. */
    public record Options(Path textDir, Path out, long seed, int steps, int batch, double lr, int threads, int[] lengths) {}

    public record Result(double trainLoss, double seconds, Path model) {}

    /** 4 layers (sliding window 128 on layers 0 and 2, global 1 and 3), d 128, 4 heads of 32 over 2 KV heads. */
    public static TransformerConfig config(int context) {
        return new TransformerConfig(VOCAB, 128, 4, 4, 2, 32, 384, context, 10000f, 0f, 0f, true, 1e-6f,
                new TransformerConfig.Gemma3(128, 2, 10000f));
    }

    /** The vocabulary (BPE on the training paragraphs) and the prose streams, training and held out. */
    public record Corpus(BpeTrainer.Vocabulary vocab, int[] train, int[] heldOut) {}

    public static Corpus corpus(Path textDir) {
        DefaultModel.Split split = DefaultModel.split(textDir);
        BpeTrainer.Vocabulary vocab = BpeTrainer.train(split.train().stream().map(EnglishCorpus.Paragraph::text).toList(), VOCAB, 8);
        try (Tokenizer tok = vocab.tokenizer()) {
            return new Corpus(vocab, DefaultModel.stream(tok, split.train()), DefaultModel.stream(tok, split.heldOut()));
        }
    }

    public static Result run(Options o, PrintStream log) {
        long t0 = System.nanoTime();
        try {
            Files.createDirectories(o.out());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Corpus corpus = corpus(o.textDir());
        int maxLen = Arrays.stream(o.lengths()).max().orElseThrow();
        TransformerConfig cfg = config(maxLen);
        Path out = o.out().resolve(FILE);
        double[] recent = new double[1];
        try (Graph g = new Graph(o.threads()); Tokenizer tok = corpus.vocab().tokenizer()) {
            RetrievalTask task = new RetrievalTask(tok, corpus.train());
            TransformerLm model = new TransformerLm(g, cfg, new SplittableRandom(o.seed()));
            Optimizer opt = new Adam(java.util.List.of(ParamGroup.of(model.parameters())),
                    LrSchedule.warmup(LrSchedule.cosine(o.lr(), o.steps(), o.lr() / 10), Math.max(1, o.steps() / 20)), 0.9, 0.95, 1e-8, 0.01, true);
            SplittableRandom data = new SplittableRandom(o.seed() ^ 0x7e7);
            long[] step = {0};
            // A batch: B samples of the curriculum's current length, kinds alternating.
            Trainer.Batches<Batch> batches = () -> {
                int len = o.lengths()[(int) Math.min(o.lengths().length - 1, step[0]++ * o.lengths().length / o.steps())];
                int[] in = new int[o.batch() * len], tgt = new int[o.batch() * len];
                float[] w = new float[o.batch() * len];
                for (int b = 0; b < o.batch(); b++) {
                    RetrievalTask.Sample s = task.sample(data, b % 2 == 0 ? RetrievalTask.Kind.PASSKEY : RetrievalTask.Kind.RECALL, len + 1);
                    int[] seq = concat(s.prompt(), s.answer());
                    for (int t = 0; t < len; t++) {
                        in[b * len + t] = seq[t];
                        tgt[b * len + t] = seq[t + 1];
                        w[b * len + t] = t + 1 >= s.prompt().length ? 1f : 0.1f;
                    }
                }
                return new Batch(in, tgt, w, len);
            };
            Algorithm<Batch> loss = b -> Losses.crossEntropy(model.forward(b.in(), o.batch(), b.len()).reshape((long) o.batch() * b.len(), VOCAB),
                    b.tgt(), g.constant(b.w(), b.w().length), null, Losses.Reduction.MEAN);
            new Trainer<Batch>(opt, o.steps()).clipGradNorm(1.0)
                    .onStep(st -> recent[0] = st.index() == 0 ? st.loss() : 0.95 * recent[0] + 0.05 * st.loss())
                    .progress("step", log, 10, st -> String.format(Locale.ROOT, "loss %.3f", recent[0]))
                    .run(loss, batches);
            GemmaExport.write(model, corpus.vocab(), "tiller-gemma3-retrieval",
                    Map.of("general.license", "Apache-2.0 (weights trained by Tiller on public-domain text)"), true, out);
        }
        return new Result(recent[0], (System.nanoTime() - t0) / 1e9, out);
    }

    record Batch(int[] in, int[] tgt, float[] w, int len) {}

    static int[] concat(int[] a, int[] b) {
        int[] r = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, r, a.length, b.length);
        return r;
    }
}
