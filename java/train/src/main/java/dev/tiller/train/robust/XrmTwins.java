package dev.tiller.train.robust;

import dev.tiller.train.Graph;
import dev.tiller.train.Logits;
import dev.tiller.train.Losses;
import dev.tiller.train.Tensor;
import dev.tiller.train.algo.Algorithm;
import dev.tiller.train.data.Batch;
import dev.tiller.train.data.Dataset;

import java.util.SplittableRandom;
import java.util.function.UnaryOperator;

/**
 * XRM's twin step as an Algorithm (algorithms.py XRM.update): both networks on the batch, held-in
 * logits (twin a for rows assigned to it, twin b for the others) under class-balanced
 * cross-entropy against the dynamic labels (the sum over the batch's classes of their mean loss;
 * or the plain mean, as the twins of the MAT toy);
 * after the update, each row's label becomes the held-out twin's prediction with probability
 * (p_max - 1/K) K / (K - 1), from the logits of the same forward pass.
 */
public final class XrmTwins implements Algorithm<Batch> {
    private final Graph g;
    private final UnaryOperator<Tensor> a, b;
    private final float[] assign;
    private final int k;
    private final Dataset train;
    private final SplittableRandom flips;
    private final boolean balanced;
    private Tensor heldOut;

    /** a, b: the twins' forward passes. assign[i] = 1: training example i is held in for twin a (and out for b); labels of train change as rows flip. */
    public XrmTwins(Graph g, UnaryOperator<Tensor> a, UnaryOperator<Tensor> b, float[] assign, int classes, Dataset train, SplittableRandom flips) {
        this(g, a, b, assign, classes, train, flips, true);
    }

    /** balanced false: plain mean cross-entropy over the batch (the MAT toy's twins) instead of XRM's class-balanced sum. */
    public XrmTwins(Graph g, UnaryOperator<Tensor> a, UnaryOperator<Tensor> b, float[] assign, int classes, Dataset train, SplittableRandom flips,
            boolean balanced) {
        this.balanced = balanced;
        this.g = g;
        this.a = a;
        this.b = b;
        this.assign = assign;
        this.k = classes;
        this.train = train;
        this.flips = flips;
    }

    @Override
    public Tensor loss(Batch batch) {
        int m = batch.size();
        float[] in = new float[m], out = new float[m], w = new float[m];
        int[] count = new int[k];
        for (int i = 0; i < m; i++) {
            in[i] = assign[batch.indices()[i]];
            out[i] = 1 - in[i];
            count[batch.labels()[i]]++;
        }
        for (int i = 0; i < m; i++) w[i] = balanced ? 1f / count[batch.labels()[i]] : 1f / m;
        Tensor x = g.constant(batch.features(), m, batch.dim());
        Tensor la = a.apply(x), lb = b.apply(x);
        Tensor mIn = g.constant(in, m, 1), mOut = g.constant(out, m, 1);
        Tensor heldIn = la.mul(mIn).add(lb.mul(mOut));
        heldOut = la.mul(mOut).add(lb.mul(mIn));
        return Losses.crossEntropy(heldIn, batch.labels(), g.constant(w, m), null, Losses.Reduction.SUM);
    }

    /** The flipped labels live in the data set and the flips draw from one random stream, which cannot be saved. */
    @Override
    public String state() {
        throw new UnsupportedOperationException("XRM's twin step cannot be checkpointed: its label flips draw from a random stream that is not saved");
    }

    @Override
    public void afterStep(Batch batch, long step) {
        float[] z = heldOut.toArray();
        for (int i = 0; i < batch.size(); i++) {
            int best = Logits.argmax(z, i, k);
            double mx = z[i * k + best], sum = 0;
            for (int c = 0; c < k; c++) sum += Math.exp(z[i * k + c] - mx);
            double pFlip = (1 / sum - 1.0 / k) * k / (k - 1);  // p_max = exp(max - max) / sum
            if (flips.nextDouble() < pFlip) train.setLabel(batch.indices()[i], best);
        }
    }
}
