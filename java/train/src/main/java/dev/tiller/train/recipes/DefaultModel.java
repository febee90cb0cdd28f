package dev.tiller.train.recipes;

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
import dev.tiller.train.text.BpeTrainer;
import dev.tiller.train.text.EnglishCorpus;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The recipe of Tiller's default model: a BPE vocabulary and a small Gemma 2 trained on Jane
 * Austen and the Brown corpus (every 20th paragraph held out), exported as GGUF. Deterministic
 * for a seed: the same data order, initialisation and arithmetic whatever the thread count.
 */
public final class DefaultModel {
    private DefaultModel() {}

    public static final int VOCAB = 4096, SEQ = 128, HELD_OUT_EVERY = 20;

    /** checkpoint, when not null, is saved every checkpointEvery steps and resumed from when it exists. */
    public record Options(Path textDir, Path out, long seed, int steps, int batch, double lr, int threads, Path checkpoint, int checkpointEvery) {
        public Options(Path textDir, Path out, long seed, int steps, int batch, double lr, int threads) {
            this(textDir, out, seed, steps, batch, lr, threads, null, 0);
        }
    }

    public record Result(double trainLoss, double heldOutLoss, double seconds, long trainTokens, List<float[]> curve) {}

    /** The shape: 4 layers, d 256, 4 heads of 64, GeGLU 768, Gemma 2's soft-caps. */
    public static TransformerConfig config() {
        return new TransformerConfig(VOCAB, 256, 4, 4, 4, 64, 768, SEQ, 10000f, 50f, 30f, true, 1e-6f);
    }

    /** Paragraphs split into training and held-out sets (every 20th paragraph, by position). */
    public record Split(List<EnglishCorpus.Paragraph> train, List<EnglishCorpus.Paragraph> heldOut) {}

    public static Split split(Path textDir) {
        List<EnglishCorpus.Paragraph> all = EnglishCorpus.read(textDir), train = new ArrayList<>(), held = new ArrayList<>();
        for (int i = 0; i < all.size(); i++) (i % HELD_OUT_EVERY == HELD_OUT_EVERY - 1 ? held : train).add(all.get(i));
        return new Split(train, held);
    }

    /** Paragraph tokens, each followed by the newline token, as one stream. */
    public static int[] stream(Tokenizer tok, List<EnglishCorpus.Paragraph> paragraphs) {
        List<int[]> parts = new ArrayList<>();
        int n = 0;
        for (EnglishCorpus.Paragraph p : paragraphs) {
            int[] ids = tok.encode(p.text(), false, false);
            parts.add(ids);
            n += ids.length + 1;
        }
        int[] out = new int[n];
        int at = 0;
        for (int[] ids : parts) {
            System.arraycopy(ids, 0, out, at, ids.length);
            at += ids.length;
            out[at++] = BpeTrainer.NEWLINE;
        }
        return out;
    }

    /** Windows of BOS + SEQ - 1 tokens (inputs) and the next tokens (targets). */
    static void window(int[] stream, int start, int[] in, int[] tgt, int at) {
        in[at] = BpeTrainer.BOS;
        for (int t = 1; t < SEQ; t++) in[at + t] = stream[start + t - 1];
        for (int t = 0; t < SEQ; t++) tgt[at + t] = stream[start + t];
    }

    public static Result run(Options o, PrintStream log) {
        return run(o, log, o.steps());
    }

    /**
     * Runs the first stopAfter steps of the schedule of o.steps() steps (a reproducibility check);
     * the model is exported only when the run completes.
     */
    public static Result run(Options o, PrintStream log, int stopAfter) {
        try {
            Files.createDirectories(o.out());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        long t0 = System.nanoTime();
        Split split = split(o.textDir());
        BpeTrainer.Vocabulary vocab = BpeTrainer.train(split.train().stream().map(EnglishCorpus.Paragraph::text).toList(), VOCAB, 8);
        int[] train, held;
        // The corpus is tokenized by the runtime's tokenizer.
        try (Tokenizer tok = vocab.tokenizer()) {
            train = stream(tok, split.train());
            held = stream(tok, split.heldOut());
        }
        if (log != null) log.printf(Locale.ROOT, "data: %d training and %d held-out paragraphs, %d and %d tokens; vocabulary %d (%.0f s)%n",
                split.train().size(), split.heldOut().size(), train.length, held.length, vocab.size(), (System.nanoTime() - t0) / 1e9);

        TransformerConfig cfg = config();
        List<float[]> curve = new ArrayList<>();
        try (Graph g = new Graph(o.threads())) {
            TransformerLm model = new TransformerLm(g, cfg, new SplittableRandom(o.seed()));
            long warm = Math.max(1, o.steps() / 20);
            Optimizer opt = new Adam(List.of(ParamGroup.of(model.parameters())),
                    LrSchedule.warmup(LrSchedule.cosine(o.lr(), o.steps(), o.lr() / 10), warm), 0.9, 0.95, 1e-8, 0.01, true);
            SplittableRandom data = new SplittableRandom(o.seed() ^ 0x5eed);
            // Random windows of the training stream; resuming replays the draws of the done steps.
            Trainer.Batches<int[][]> windows = () -> {
                int[] in = new int[o.batch() * SEQ], tgt = new int[o.batch() * SEQ];
                for (int b = 0; b < o.batch(); b++) window(train, data.nextInt(train.length - SEQ), in, tgt, b * SEQ);
                return new int[][] {in, tgt};
            };
            Algorithm<int[][]> nextToken = w -> Losses.crossEntropy(model.forward(w[0], o.batch(), SEQ).reshape((long) o.batch() * SEQ, cfg.vocab()), w[1]);
            double[] recent = new double[1];
            Trainer<int[][]> trainer = new Trainer<int[][]>(opt, stopAfter).clipGradNorm(1.0)
                    .onStep(st -> {
                        long s = st.index();
                        float l = st.loss();
                        recent[0] = s == 0 ? l : 0.98 * recent[0] + 0.02 * l;
                        if (s < 20 || s % 50 == 0) curve.add(new float[] {s, l});
                    })
                    .progress("step", log, 10, st -> String.format(Locale.ROOT, "loss %.3f", recent[0]));
            if (o.checkpoint() != null) trainer.checkpoint(o.checkpoint(), o.checkpointEvery(), model.namedParameters());
            trainer.run(nextToken, windows);
            if (stopAfter < o.steps()) return new Result(recent[0], Double.NaN, (System.nanoTime() - t0) / 1e9, (long) stopAfter * o.batch() * SEQ, curve);
            double heldLoss = heldOutLoss(g, model, held);
            if (log != null) log.printf(Locale.ROOT, "held-out loss %.4f (perplexity %.2f)%n", heldLoss, Math.exp(heldLoss));
            GemmaExport.write(model, vocab, "tiller-gemma2-tiny", Map.of("general.license", "Apache-2.0 (weights trained by Tiller on public-domain text)"),
                    true, o.out().resolve("tiller-gemma2-tiny.gguf"));
            return new Result(recent[0], heldLoss, (System.nanoTime() - t0) / 1e9, (long) o.steps() * o.batch() * SEQ, curve);
        }
    }

    /** Mean next-token loss over consecutive held-out windows (BOS + 127 tokens each). */
    public static double heldOutLoss(Graph g, TransformerLm model, int[] held) {
        return g.noGrad(() -> {
            int batch = 8;
            double sum = 0;
            long n = 0;
            int[] in = new int[batch * SEQ], tgt = new int[batch * SEQ];
            for (int start = 0; start + batch * SEQ < held.length; start += batch * SEQ) {
                for (int b = 0; b < batch; b++) window(held, start + b * SEQ, in, tgt, b * SEQ);
                Tensor loss = Losses.crossEntropy(model.forward(in, batch, SEQ).reshape((long) batch * SEQ, VOCAB), tgt);
                sum += loss.item() * batch * SEQ;
                n += (long) batch * SEQ;
                g.clear();
            }
            return sum / n;
        });
    }
}
