package dev.tiller.benchpeers;

import ai.djl.ndarray.NDManager;
import dev.tiller.train.Graph;
import dev.tiller.train.Losses;
import dev.tiller.train.Tensor;
import dev.tiller.train.dynamics.GrokModel;
import dev.tiller.train.dynamics.ModularArithmetic;
import dev.tiller.train.optim.Adam;
import dev.tiller.train.optim.LrSchedule;
import dev.tiller.train.optim.Optimizer;
import dev.tiller.train.optim.ParamGroup;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * The grokking paper's full-batch training step at its size: modular addition mod 97, training
 * fraction 0.5 (4704 pairs as [a, op, b, =]), a 2-layer transformer of width 128 with 4 heads,
 * tied embeddings, a GeGLU feed-forward of 512 and the loss on the answer token, one Adam step
 * (betas 0.9, 0.98) per step; Tiller (the `tiller grok train` model) against the same network written
 * for PyTorch through DJL, same thread count, in the same run. Arguments: [threads (2)] [rounds (5)].
 */
public final class GrokPeerBench {
    static final int P = 97, STEPS = 2;

    private GrokPeerBench() {}

    public static void main(String[] args) {
        int threads = args.length > 0 ? Integer.parseInt(args[0]) : 2, rounds = args.length > 1 ? Integer.parseInt(args[1]) : 5;
        DjlModels.usePytorch(threads);
        ModularArithmetic.Pairs train = ModularArithmetic.of(ModularArithmetic.Op.ADD, P, 0.5, 0).train();
        int n = train.size();
        int[] tokens = new int[4 * n];
        for (int i = 0; i < n; i++) {
            tokens[4 * i] = train.a()[i];
            tokens[4 * i + 1] = P;
            tokens[4 * i + 2] = train.b()[i];
            tokens[4 * i + 3] = P + 1;
        }
        try (Graph g = new Graph(threads); NDManager nd = NDManager.newBaseManager("PyTorch")) {
            GrokModel tiller = GrokModel.create(GrokModel.Kind.TRANSFORMER, g, P, new SplittableRandom(1));
            Optimizer opt = new Adam(List.of(ParamGroup.of(tiller.module().parameters())), LrSchedule.constant(1e-3), 0.9, 0.98, 1e-8, 0, false);
            DjlModels.Lm djl = new DjlModels.Lm(nd, P + 2, 128, 2, 4, 512, 4, false);
            Runnable tillerStep = () -> {
                Tensor loss = Losses.crossEntropy(tiller.logits(train.a(), train.b()), train.answer());
                opt.zeroGrad();
                g.backward(loss);
                opt.step();
                loss.item();
                g.clear();
            };
            Runnable djlStep = () -> djl.stepAnswer(nd, tokens, train.answer(), n);
            float tl = Losses.crossEntropy(tiller.logits(train.a(), train.b()), train.answer()).item();
            g.clear();
            // The same network computes the same loss (tied embeddings scaled by sqrt(d) start far above ln(p + 2)).
            System.err.printf(Locale.ROOT, "%d training pairs; first-step loss: tiller %.3f, pytorch %.3f%n", n, tl, djl.stepAnswer(nd, tokens, train.answer(), n));
            tillerStep.run();  // warm-up
            djlStep.run();
            double[][] sec = new double[2][rounds];
            Runnable[] work = {tillerStep, djlStep};
            for (int r = 0; r < rounds; r++) {
                for (int w = 0; w < 2; w++) {
                    long t0 = System.nanoTime();
                    for (int s = 0; s < STEPS; s++) work[w].run();
                    sec[w][r] = (System.nanoTime() - t0) / 1e9 / STEPS;
                }
                System.err.printf(Locale.ROOT, "round %d: tiller %.3f s/step, pytorch %.3f s/step%n", r + 1, sec[0][r], sec[1][r]);
            }
            double t = median(sec[0]), d = median(sec[1]);
            System.out.printf(Locale.ROOT, "full-batch step, add mod %d, %d pairs: tiller %.3f s, pytorch %.3f s (medians of %d rounds of %d steps, threads %d): "
                    + "tiller %.2fx%n", P, n, t, d, rounds, STEPS, threads, d / t);
            System.out.printf(Locale.ROOT, "{\"threads\":%d,\"rounds\":%d,\"pairs\":%d,\"tiller_s_per_step\":%.4f,\"pytorch_s_per_step\":%.4f,\"ratio\":%.3f}%n",
                    threads, rounds, n, t, d, d / t);
        }
    }

    private static double median(double[] v) {
        double[] c = v.clone();
        Arrays.sort(c);
        return c[c.length / 2];
    }
}
