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
 * alternating, q/k norms) trained by Tiller on pass-key, key-value recall and span-copy samples
 * hidden in Austen and Brown prose ({@link RetrievalTask}), with a length curriculum, exported as
 * GGUF. The loss weighs the answer tokens 1 and the prose 0.1 (plain language modelling keeps the
 * heads reading text). Deterministic for a seed.
 */
public final class RetrievalModel {
    private RetrievalModel() {}

    public static final int VOCAB = 2048;
    public static final String FILE = "tiller-gemma3-retrieval.gguf";
    /** The kinds trained on, one per sample in turn; evaluation asks PASSKEY and RECALL only. */
    public static final java.util.List<RetrievalTask.Kind> TRAINED = java.util.List.of(RetrievalTask.Kind.PASSKEY, RetrievalTask.Kind.RECALL, RetrievalTask.Kind.COPY);
    /** The loss weight of prose tokens (answers weigh 1): enough language modelling to keep the heads reading text. */
    static final float PROSE_WEIGHT = 0.1f;

    /** lengths: the curriculum, equal shares of the steps at each sample length in order. */
    public record Options(Path textDir, Path out, long seed, int steps, int batch, double lr, int threads, int[] lengths) {}

    /** answerHits: per kind of {@link #TRAINED}, the smoothed share of answer tokens the model gave probability > 1/2. */
    public record Result(double trainLoss, double[] answerHits, double seconds, Path model) {}

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
        double[] recent = new double[1], answerHits = new double[TRAINED.size()];
        try (Graph g = new Graph(o.threads()); Tokenizer tok = corpus.vocab().tokenizer()) {
            RetrievalTask task = new RetrievalTask(tok, corpus.train());
            TransformerLm model = new TransformerLm(g, cfg, new SplittableRandom(o.seed()));
            Optimizer opt = new Adam(java.util.List.of(ParamGroup.of(model.parameters())),
                    LrSchedule.warmup(LrSchedule.cosine(o.lr(), o.steps(), o.lr() / 10), Math.max(1, o.steps() / 20)), 0.9, 0.95, 1e-8, 0.01, true);
            SplittableRandom data = new SplittableRandom(o.seed() ^ 0x7e7);
            long[] step = {0};
            // A batch: B samples of the curriculum's current length, the three kinds in turn.
            Trainer.Batches<Batch> batches = () -> {
                int len = o.lengths()[(int) Math.min(o.lengths().length - 1, step[0]++ * o.lengths().length / o.steps())];
                int[] in = new int[o.batch() * len], tgt = new int[o.batch() * len];
                float[] w = new float[o.batch() * len];
                for (int b = 0; b < o.batch(); b++) {
                    RetrievalTask.Sample s = task.sample(data, TRAINED.get(b % TRAINED.size()), len + 1);
                    int[] seq = concat(s.prompt(), s.answer());
                    for (int t = 0; t < len; t++) {
                        in[b * len + t] = seq[t];
                        tgt[b * len + t] = seq[t + 1];
                        w[b * len + t] = t + 1 >= s.prompt().length ? 1f : PROSE_WEIGHT;
                    }
                }
                return new Batch(in, tgt, w, len);
            };
            Algorithm<Batch> loss = new Algorithm<>() {
                Tensor perToken;

                @Override
                public Tensor loss(Batch b) {
                    perToken = Losses.crossEntropy(model.forward(b.in(), o.batch(), b.len()).reshape((long) o.batch() * b.len(), VOCAB),
                            b.tgt(), null, null, Losses.Reduction.NONE);
                    return perToken.mul(g.constant(b.w(), b.w().length)).mean();
                }

                // Per kind, the share of answer tokens given probability > 1/2: the prose dominates the loss and hides whether retrieval is forming.
                @Override
                public void afterStep(Batch b, long index) {
                    float[] l = perToken.toArray();
                    double[] hit = new double[TRAINED.size()], n = new double[TRAINED.size()];
                    for (int i = 0; i < l.length; i++)
                        if (b.w()[i] == 1f) {
                            int kind = i / b.len() % TRAINED.size();
                            n[kind]++;
                            if (l[i] < Math.log(2)) hit[kind]++;
                        }
                    for (int k = 0; k < TRAINED.size(); k++)
                        if (n[k] > 0) answerHits[k] = index == 0 ? hit[k] / n[k] : 0.95 * answerHits[k] + 0.05 * hit[k] / n[k];
                }
            };
            new Trainer<Batch>(opt, o.steps()).clipGradNorm(1.0)
                    .onStep(st -> recent[0] = st.index() == 0 ? st.loss() : 0.95 * recent[0] + 0.05 * st.loss())
                    .progress("step", log, 10, st -> String.format(Locale.ROOT, "loss %.3f, answer tokens right:", recent[0])
                            + java.util.stream.IntStream.range(0, TRAINED.size()).mapToObj(k -> String.format(Locale.ROOT, " %s %.2f",
                                    TRAINED.get(k).name().toLowerCase(Locale.ROOT), answerHits[k])).collect(java.util.stream.Collectors.joining(",")))
                    .run(loss, batches);
            GemmaExport.write(model, corpus.vocab(), "tiller-gemma3-retrieval",
                    Map.of("general.license", "Apache-2.0 (weights trained by Tiller on public-domain text)"), true, out);
        }
        return new Result(recent[0], answerHits, (System.nanoTime() - t0) / 1e9, out);
    }

    record Batch(int[] in, int[] tgt, float[] w, int len) {}

    static int[] concat(int[] a, int[] b) {
        int[] r = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, r, a.length, b.length);
        return r;
    }
}
