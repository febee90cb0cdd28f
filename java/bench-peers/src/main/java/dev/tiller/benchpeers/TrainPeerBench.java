package dev.tiller.benchpeers;

import ai.djl.ndarray.NDManager;
import dev.tiller.train.Graph;
import dev.tiller.train.Losses;
import dev.tiller.train.Tensor;
import dev.tiller.train.nn.Mlp;
import dev.tiller.train.nn.TransformerConfig;
import dev.tiller.train.nn.TransformerLm;
import dev.tiller.train.optim.Adam;
import dev.tiller.train.optim.Optimizer;
import dev.tiller.train.optim.ParamGroup;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.function.IntConsumer;

/**
 * Training throughput, Tiller against PyTorch (through DJL) in one process, same threads,
 * interleaved rounds: the MLP 784-512-512-10 at batch 128, and a 4-layer Gemma-style LM
 * (d 256, 4 heads, GeGLU 1024, vocabulary 4096, sequence 128, batch 8). Prints the median
 * samples per second of each and the ratio Tiller / PyTorch.
 *
 * <p>Arguments: [threads (default 2)] [rounds (default 5)].
 */
public final class TrainPeerBench {
    static final int MLP_BATCH = 128, MLP_STEPS = 40, LM_BATCH = 8, LM_STEPS = 4, SEQ = 128, VOCAB = 4096;

    public static void main(String[] args) {
        int threads = args.length > 0 ? Integer.parseInt(args[0]) : 2, rounds = args.length > 1 ? Integer.parseInt(args[1]) : 5;
        DjlModels.usePytorch(threads);
        SplittableRandom rng = new SplittableRandom(3);
        float[][] mx = new float[MLP_STEPS][MLP_BATCH * 784];
        int[][] my = new int[MLP_STEPS][MLP_BATCH];
        for (int s = 0; s < MLP_STEPS; s++) {
            for (int i = 0; i < mx[s].length; i++) mx[s][i] = (float) rng.nextDouble();
            for (int i = 0; i < MLP_BATCH; i++) my[s][i] = rng.nextInt(10);
        }
        int[][] tok = new int[LM_STEPS][LM_BATCH * SEQ], tgt = new int[LM_STEPS][LM_BATCH * SEQ];
        for (int s = 0; s < LM_STEPS; s++)
            for (int i = 0; i < LM_BATCH * SEQ; i++) {
                tok[s][i] = rng.nextInt(VOCAB);
                tgt[s][i] = rng.nextInt(VOCAB);
            }

        try (Graph g = new Graph(threads); NDManager nd = NDManager.newBaseManager("PyTorch")) {
            Mlp tMlp = new Mlp(g, new int[] {784, 512, 512, 10}, new SplittableRandom(1));
            Optimizer tMlpOpt = Adam.adam(List.of(ParamGroup.of(tMlp.parameters())), 1e-3);
            TransformerLm tLm = new TransformerLm(g, new TransformerConfig(VOCAB, 256, 4, 4, 4, 64, 1024, SEQ, 10000f, 0f, 0f, true, 1e-6f),
                    new SplittableRandom(1));
            Optimizer tLmOpt = Adam.adam(List.of(ParamGroup.of(tLm.parameters())), 1e-3);
            DjlModels.Mlp dMlp = new DjlModels.Mlp(nd);
            DjlModels.Lm dLm = new DjlModels.Lm(nd, VOCAB, 256, 4, 4, 1024, SEQ);

            IntConsumer tillerMlp = s -> {
                Tensor loss = Losses.crossEntropy(tMlp.forward(g.constant(mx[s], MLP_BATCH, 784)), my[s]);
                tMlpOpt.zeroGrad();
                g.backward(loss);
                tMlpOpt.step();
                loss.item();
                g.clear();
            };
            IntConsumer tillerLm = s -> {
                Tensor logits = tLm.forward(tok[s], LM_BATCH, SEQ).reshape((long) LM_BATCH * SEQ, VOCAB);
                Tensor loss = Losses.crossEntropy(logits, tgt[s]);
                tLmOpt.zeroGrad();
                g.backward(loss);
                tLmOpt.step();
                loss.item();
                g.clear();
            };
            IntConsumer djlMlp = s -> dMlp.step(nd, mx[s], my[s], MLP_BATCH);
            IntConsumer djlLm = s -> dLm.step(nd, tok[s], tgt[s], LM_BATCH);

            // Both sides compute the same thing: first-step losses near ln(10) and ln(4096) = 8.32.
            float tl = Losses.crossEntropy(tLm.forward(tok[0], LM_BATCH, SEQ).reshape((long) LM_BATCH * SEQ, VOCAB), tgt[0]).item();
            g.clear();
            float tm = Losses.crossEntropy(tMlp.forward(g.constant(mx[0], MLP_BATCH, 784)), my[0]).item();
            g.clear();
            System.err.printf(Locale.ROOT, "first-step loss: mlp tiller %.3f pytorch %.3f; lm tiller %.3f pytorch %.3f%n", tm,
                    dMlp.step(nd, mx[0], my[0], MLP_BATCH), tl, dLm.step(nd, tok[0], tgt[0], LM_BATCH));
            double[][] rate = new double[4][rounds];
            String[] names = {"tiller mlp", "pytorch mlp", "tiller lm", "pytorch lm"};
            IntConsumer[] work = {tillerMlp, djlMlp, tillerLm, djlLm};
            int[] steps = {MLP_STEPS, MLP_STEPS, LM_STEPS, LM_STEPS}, batch = {MLP_BATCH, MLP_BATCH, LM_BATCH, LM_BATCH};
            for (int w = 0; w < 4; w++) run(work[w], 2);  // warm-up (allocators, JIT, lazy init)
            for (int r = 0; r < rounds; r++) {
                for (int w = 0; w < 4; w++) {
                    long t0 = System.nanoTime();
                    run(work[w], steps[w]);
                    rate[w][r] = (double) steps[w] * batch[w] / ((System.nanoTime() - t0) / 1e9);
                }
                final int round = r;
                System.err.printf(Locale.ROOT, "round %d: %s%n", r + 1, Arrays.toString(Arrays.stream(rate).mapToDouble(x -> x[round]).toArray()));
            }
            double[] med = new double[4];
            for (int w = 0; w < 4; w++) {
                double[] v = rate[w].clone();
                Arrays.sort(v);
                med[w] = v[v.length / 2];
                System.out.printf(Locale.ROOT, "%-12s %10.1f samples/s (median of %d rounds)%n", names[w], med[w], rounds);
            }
            System.out.printf(Locale.ROOT, "ratio tiller/pytorch: mlp %.2fx, transformer lm %.2fx (threads %d)%n", med[0] / med[1], med[2] / med[3], threads);
            System.out.printf(Locale.ROOT, "{\"threads\":%d,\"rounds\":%d,\"mlp_tiller\":%.1f,\"mlp_pytorch\":%.1f,\"mlp_ratio\":%.3f,"
                    + "\"lm_tiller\":%.1f,\"lm_pytorch\":%.1f,\"lm_ratio\":%.3f}%n", threads, rounds, med[0], med[1], med[0] / med[1], med[2], med[3], med[2] / med[3]);
        }
    }

    private static void run(IntConsumer step, int n) {
        for (int s = 0; s < n; s++) step.accept(s);
    }
}
