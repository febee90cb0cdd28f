package dev.tiller.benchpeers;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.training.GradientCollector;
import dev.tiller.train.Graph;
import dev.tiller.train.Tensor;
import dev.tiller.train.data.Batch;
import dev.tiller.train.data.Dataset;
import dev.tiller.train.nn.Mlp;
import dev.tiller.train.optim.Adam;
import dev.tiller.train.optim.Optimizer;
import dev.tiller.train.optim.ParamGroup;
import dev.tiller.train.robust.XrmTwins;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * XRM's twin step, Tiller against PyTorch (through DJL) in one process, same threads, interleaved
 * rounds: two 392-390-390-2 MLPs on a Colored-Fashion-MNIST-shaped batch of 64, held-in logits by
 * a per-row mask, class-balanced cross-entropy, one Adam over both twins, and the held-out logits
 * read back for the label flips (the flips themselves, host code, run on both sides alike).
 * Prints the median samples per second of each and the ratio. Arguments: [threads (2)] [rounds (5)].
 */
public final class XrmPeerBench {
    static final int D = 392, H = 390, K = 2, BATCH = 64, STEPS = 40, N = STEPS * BATCH;

    public static void main(String[] args) {
        int threads = args.length > 0 ? Integer.parseInt(args[0]) : 2, rounds = args.length > 1 ? Integer.parseInt(args[1]) : 5;
        DjlModels.usePytorch(threads);
        SplittableRandom rng = new SplittableRandom(3);
        float[] x = new float[N * D];
        int[] y = new int[N];
        float[] assign = new float[N];
        for (int i = 0; i < x.length; i++) x[i] = rng.nextDouble() < 0.2 ? (float) rng.nextDouble() : 0f;  // sparse, image-like
        for (int i = 0; i < N; i++) {
            y[i] = rng.nextInt(K);
            assign[i] = rng.nextInt(2);
        }
        Dataset data = new Dataset(x, D, y, null, K);
        List<Batch> batches = new ArrayList<>();
        for (int s = 0; s < STEPS; s++) {
            int[] idx = new int[BATCH];
            for (int i = 0; i < BATCH; i++) idx[i] = s * BATCH + i;
            batches.add(data.batch(idx));
        }
        try (Graph g = new Graph(threads); NDManager nd = NDManager.newBaseManager("PyTorch")) {
            Mlp a = new Mlp(g, new int[] {D, H, H, K}, new SplittableRandom(1), true), b = new Mlp(g, new int[] {D, H, H, K}, new SplittableRandom(2), true);
            List<Tensor> params = new ArrayList<>(a.parameters());
            params.addAll(b.parameters());
            Optimizer opt = Adam.adam(List.of(ParamGroup.of(params)), 1e-3);
            XrmTwins twins = new XrmTwins(g, a::forward, b::forward, assign, K, data, new SplittableRandom(4));
            DjlTwins peer = new DjlTwins(nd);
            Runnable tiller = () -> {
                for (int s = 0; s < STEPS; s++) {
                    Batch bt = batches.get(s);
                    Tensor loss = twins.loss(bt);
                    opt.zeroGrad();
                    g.backward(loss);
                    opt.step();
                    loss.item();
                    twins.afterStep(bt, s);
                    g.clear();
                }
            };
            Runnable pytorch = () -> {
                for (int s = 0; s < STEPS; s++) peer.step(nd, batches.get(s), assign);
            };
            tiller.run();  // warm-up
            pytorch.run();
            double[][] rate = new double[2][rounds];
            for (int r = 0; r < rounds; r++) {
                Runnable[] work = {tiller, pytorch};
                for (int w = 0; w < 2; w++) {
                    long t0 = System.nanoTime();
                    work[w].run();
                    rate[w][r] = (double) N / ((System.nanoTime() - t0) / 1e9);
                }
                System.err.printf(Locale.ROOT, "round %d: tiller %.1f, pytorch %.1f samples/s%n", r + 1, rate[0][r], rate[1][r]);
            }
            double[] med = new double[2];
            for (int w = 0; w < 2; w++) {
                double[] v = rate[w].clone();
                Arrays.sort(v);
                med[w] = v[v.length / 2];
            }
            System.out.printf(Locale.ROOT, "xrm twin step: tiller %.1f, pytorch %.1f samples/s (median of %d rounds), ratio %.2fx (threads %d)%n", med[0], med[1],
                    rounds, med[0] / med[1], threads);
            System.out.printf(Locale.ROOT, "{\"threads\":%d,\"rounds\":%d,\"xrm_tiller\":%.1f,\"xrm_pytorch\":%.1f,\"xrm_ratio\":%.3f}%n", threads, rounds, med[0], med[1],
                    med[0] / med[1]);
        }
    }

    /** The same twin step written with DJL's NDArray API on PyTorch. */
    static final class DjlTwins {
        final DjlModels.Params p;
        final NDArray[] w = new NDArray[12];
        final SplittableRandom flips = new SplittableRandom(4);
        final int[] dynamic = new int[N];  // this side's dynamic labels (the batches stay as built)

        DjlTwins(NDManager m) {
            p = new DjlModels.Params(m);
            int[] sizes = {D, H, H, K};
            for (int t = 0; t < 2; t++) {
                for (int l = 0; l < 3; l++) {
                    double bound = Math.sqrt(6.0 / (sizes[l] + sizes[l + 1]));
                    float[] v = new float[sizes[l] * sizes[l + 1]];
                    for (int i = 0; i < v.length; i++) v[i] = (float) ((p.rng.nextDouble() * 2 - 1) * bound);
                    w[t * 6 + 2 * l] = p.add(v, sizes[l], sizes[l + 1]);
                    w[t * 6 + 2 * l + 1] = p.add(new float[sizes[l + 1]], sizes[l + 1]);
                }
            }
        }

        NDArray mlp(NDArray x, int t) {
            NDArray h = Activation.relu(x.matMul(w[t * 6]).add(w[t * 6 + 1]));
            h = Activation.relu(h.matMul(w[t * 6 + 2]).add(w[t * 6 + 3]));
            return h.matMul(w[t * 6 + 4]).add(w[t * 6 + 5]);
        }

        void step(NDManager m, Batch bt, float[] assign) {
            int n = bt.size();
            float[] in = new float[n], wt = new float[n], onehot = new float[n * K];
            int[] count = new int[K];
            for (int i = 0; i < n; i++) {
                in[i] = assign[bt.indices()[i]];
                count[bt.labels()[i]]++;
            }
            for (int i = 0; i < n; i++) {
                wt[i] = 1f / count[bt.labels()[i]];
                onehot[i * K + bt.labels()[i]] = 1f;
            }
            try (NDManager s = m.newSubManager(); GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                NDArray x = s.create(bt.features(), new Shape(n, D));
                NDArray mIn = s.create(in, new Shape(n, 1)), mOut = mIn.neg().add(1f);
                NDArray la = mlp(x, 0), lb = mlp(x, 1);
                NDArray heldIn = la.mul(mIn).add(lb.mul(mOut)), heldOut = la.mul(mOut).add(lb.mul(mIn));
                NDArray ce = heldIn.logSoftmax(1).mul(s.create(onehot, new Shape(n, K))).sum(new int[] {1}).neg();
                NDArray loss = ce.mul(s.create(wt, new Shape(n))).sum();
                gc.backward(loss);
                loss.getFloat();
                p.step();
                float[] z = heldOut.toFloatArray();
                for (int i = 0; i < n; i++) {
                    double mx = Math.max(z[i * K], z[i * K + 1]), sum = Math.exp(z[i * K] - mx) + Math.exp(z[i * K + 1] - mx);
                    if (flips.nextDouble() < (1 / sum - 0.5) * 2) dynamic[bt.indices()[i]] = z[i * K + 1] > z[i * K] ? 1 : 0;
                }
            }
        }
    }
}
