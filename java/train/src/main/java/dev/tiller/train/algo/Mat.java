package dev.tiller.train.algo;

import dev.tiller.train.Losses;
import dev.tiller.train.Tensor;
import dev.tiller.train.data.Batch;
import dev.tiller.train.data.Dataset;

/**
 * Memorization-aware training ("The Pitfalls of Memorization"; Pitfalls-of-Memorization algos.py
 * MAT, spec train-mat.md): plain cross-entropy on the logits shifted by log(p_ho(. | x) + 1e-6),
 * a constant per example. p_ho is the held-out model's prediction calibrated by p(y | y-hat):
 * p(y-hat | x) = softmax(f_ho(x) / tau), P[y-hat, c] = sum over examples of class c of
 * p(y-hat | x) / n, p(c | y-hat) = P[y-hat, c] / sum_c' P[y-hat, c'], and
 * p_ho(c | x) = sum over y-hat of p(y-hat | x) p(c | y-hat). The held-out logits f_ho come from
 * the training set's store "ho" (K per example; XRM's, from ENVS.csv). Hyper-parameters: tau
 * (default 0.1, the interpretable experiment's) and estimate: full (p(y | y-hat) once over the
 * training set, as the paper's Algorithm 1) or batch (per mini-batch, as the repository's code).
 * Prediction uses the plain logits.
 */
public final class Mat implements Algorithm<Batch> {
    public static final String HELD_OUT = "ho";

    private final Classifier model;
    private final float[] heldOut;
    private final int k;
    private final double tau;
    private final float[] fullShift;  // [n, K] for estimate=full, else null

    public Mat(Classifier model, Dataset train, Hparams hp) {
        if (train == null) throw new IllegalArgumentException("mat needs its training set (the held-out logits)");
        this.model = model;
        this.k = train.classes();
        this.tau = hp.get("tau", 0.1);
        if (!(tau > 0) || Double.isInfinite(tau)) throw new IllegalArgumentException("mat: tau must be > 0, not " + tau);
        boolean full = hp.choice("estimate", "full", "batch").equals("full");
        if (!train.hasStore(HELD_OUT)) {
            throw new IllegalArgumentException("mat needs held-out logits for every training example (store '" + HELD_OUT + "'; tiller robust train fills it from ENVS.csv's ho_* columns)");
        }
        this.heldOut = train.store(HELD_OUT, k);
        for (int i = 0; i < heldOut.length; i++) {
            if (!Float.isFinite(heldOut[i])) throw new IllegalArgumentException("mat: held-out logit " + i % k + " of training example " + i / k + " is " + heldOut[i]);
        }
        int[] labels = new int[train.size()];
        for (int i = 0; i < labels.length; i++) labels[i] = train.label(i);
        this.fullShift = full ? shift(heldOut, labels, k, tau) : null;
    }

    @Override
    public Tensor loss(Batch b) {
        int m = b.size();
        float[] off = new float[m * k];
        if (fullShift != null) {
            for (int i = 0; i < m; i++) System.arraycopy(fullShift, b.indices()[i] * k, off, i * k, k);
        } else {
            float[] ho = new float[m * k];
            for (int i = 0; i < m; i++) System.arraycopy(heldOut, b.indices()[i] * k, ho, i * k, k);
            off = shift(ho, b.labels(), k, tau);
        }
        Tensor logits = model.logits(b);
        return Losses.crossEntropy(logits, b.labels(), null, logits.graph().constant(off, m, k), Losses.Reduction.MEAN);
    }

    /**
     * log(p_ho(c | x_i) + 1e-6) for rows of held-out logits ho [n, K] with labels y; a class with no
     * example among the rows gets p(c | y-hat) = 0 (the reference's code drops its column instead,
     * which misnames the later columns when K > 2).
     */
    public static float[] shift(float[] ho, int[] y, int k, double tau) {
        int n = y.length;
        double[] p = new double[n * k];  // p(y-hat | x_i)
        for (int i = 0; i < n; i++) {
            double mx = Double.NEGATIVE_INFINITY, sum = 0;
            for (int c = 0; c < k; c++) mx = Math.max(mx, ho[i * k + c] / tau);
            for (int c = 0; c < k; c++) sum += p[i * k + c] = Math.exp(ho[i * k + c] / tau - mx);
            for (int c = 0; c < k; c++) p[i * k + c] /= sum;
        }
        double[] joint = new double[k * k];  // [y-hat, c]
        for (int i = 0; i < n; i++)
            for (int h = 0; h < k; h++) joint[h * k + y[i]] += p[i * k + h] / n;
        for (int h = 0; h < k; h++) {
            double row = 0;
            for (int c = 0; c < k; c++) row += joint[h * k + c];
            if (row > 0)  // 0 only when no example gives y-hat = h any mass (a tiny tau): the row is never used
                for (int c = 0; c < k; c++) joint[h * k + c] /= row;
        }
        float[] s = new float[n * k];
        for (int i = 0; i < n; i++)
            for (int c = 0; c < k; c++) {
                double v = 0;
                for (int h = 0; h < k; h++) v += p[i * k + h] * joint[h * k + c];
                s[i * k + c] = (float) Math.log(v + 1e-6);
            }
        return s;
    }
}
