package dev.tiller.train.algo;

import dev.tiller.train.Losses;
import dev.tiller.train.Tensor;
import dev.tiller.train.data.Batch;
import dev.tiller.train.data.Dataset;

import java.util.Arrays;

/**
 * Online GroupDRO (Sagawa et al.; BalancingGroups models.py GroupDRO): group weights q, all 1 at
 * the start; per batch, for every group present, q_g *= exp(eta * mean loss of g), then q is
 * normalised and the loss is sum over present groups of q_g * mean loss of g. Hyper-parameter eta
 * (default 0.1, the reference's fixed value). The reference pairs it with group-balanced sampling,
 * which is the caller's choice of sampler.
 */
public final class GroupDro implements Algorithm<Batch> {
    private final Classifier model;
    private final double eta;
    private final double[] q;

    public GroupDro(Classifier model, Dataset train, Hparams hp) {
        if (train == null) throw new IllegalArgumentException("groupdro needs its training set (the number of groups)");
        this.model = model;
        this.eta = hp.get("eta", 0.1);
        int groups = 0;
        for (int i = 0; i < train.size(); i++) groups = Math.max(groups, train.group(i) + 1);
        q = new double[groups];
        Arrays.fill(q, 1.0);
    }

    @Override
    public Tensor loss(Batch b) {
        Tensor losses = Losses.crossEntropy(model.logits(b), b.labels(), null, null, Losses.Reduction.NONE);
        float[] l = losses.toArray();
        double[] sum = new double[q.length];
        int[] count = new int[q.length];
        for (int i = 0; i < l.length; i++) {
            sum[b.groups()[i]] += l[i];
            count[b.groups()[i]]++;
        }
        double total = 0;
        for (int g = 0; g < q.length; g++) {
            if (count[g] > 0) q[g] *= Math.exp(eta * sum[g] / count[g]);
        }
        for (double v : q) total += v;
        for (int g = 0; g < q.length; g++) q[g] /= total;
        // sum_g q_g mean_{i in g} l_i = sum_i (q_{g_i} / n_{g_i}) l_i
        float[] w = new float[l.length];
        for (int i = 0; i < l.length; i++) w[i] = (float) (q[b.groups()[i]] / count[b.groups()[i]]);
        return losses.mul(losses.graph().constant(w, w.length)).sum();
    }

    /** The group weights q, which a resumed run must continue from. */
    @Override
    public String state() {
        StringBuilder s = new StringBuilder();
        for (double v : q) s.append(s.isEmpty() ? "" : ",").append(v);
        return s.toString();
    }

    @Override
    public void restore(String state) {
        String[] f = state.split(",");
        if (f.length != q.length) throw new IllegalArgumentException("GroupDRO checkpoint: " + f.length + " group weights, this run has " + q.length + " groups");
        for (int g = 0; g < q.length; g++) {
            double v = Double.parseDouble(f[g]);
            if (!(v >= 0 && v <= 1)) throw new IllegalArgumentException("GroupDRO checkpoint: group weight " + g + " is " + f[g] + ", not in [0, 1]");
            q[g] = v;
        }
    }

    /** The current group weights (a copy). */
    public double[] weights() {
        return q.clone();
    }
}
