package dev.tiller.train.robust;

import dev.tiller.train.Graph;
import dev.tiller.train.Tensor;
import dev.tiller.train.nn.Init;
import dev.tiller.train.nn.Linear;
import dev.tiller.train.nn.Mlp;
import dev.tiller.train.nn.Module;
import dev.tiller.train.nn.SmallCnn;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The additive energy classifier of "Compositional Risk Minimization" (compositional-risk-minimization
 * networks.py AdditiveEnergyModel, algorithms.py CRM; spec train-crm.md). Attributes z = (y, a1, a2 ...)
 * with cards[i] values each; a group is one combination, numbered in mixed radix with y first.
 * Features phi(x) are the input (a linear probe), the ReLU output of an MLP trunk or the small
 * CNN's pooled maps; one bias-free
 * linear head per attribute gives E(x, z) = sum_i [W_i phi(x)]_{z_i}; a learnable bias B-hat, one
 * per group, starts at 0. Training logits over groups are -E - B-hat + log p_train(z), absent
 * groups at log 1e-8. Class scores for prediction are log sum over the non-class attributes of
 * exp(-E - B + log q), with B = B-hat or the post-hoc B* and q uniform or the training prior.
 */
final class CrmModel extends Module {
    static final double ABSENT_PRIOR = 1e-8;

    final int[] cards;
    final int groups;
    private final java.util.function.UnaryOperator<Tensor> features;  // phi
    private final List<Linear> heads = new ArrayList<>();
    private final Tensor bias;
    private final Tensor[] select;  // [cards[i], groups]: 1 where group g has value v of attribute i
    private float[] inferenceBias;  // null: B-hat
    private float[] inferencePrior = null;  // log q; null: uniform

    /** trunk: "linear" (phi = x), "mlp" (hidden widths, ReLU after each) or "cnn" (features that form C x H x H images). */
    CrmModel(Graph g, int dim, int[] cards, String trunk, int[] hidden, SplittableRandom rng) {
        super(g);
        this.cards = cards.clone();
        int n = 1;
        for (int c : cards) n *= c;
        this.groups = n;
        int features;
        switch (trunk) {
            case "linear" -> {
                this.features = x -> x;
                features = dim;
            }
            case "mlp" -> {
                int[] sizes = new int[hidden.length + 1];
                sizes[0] = dim;
                System.arraycopy(hidden, 0, sizes, 1, hidden.length);
                Mlp m = child("trunk", new Mlp(g, sizes, rng));
                this.features = hidden.length == 0 ? x -> x : x -> m.forward(x).relu();
                features = hidden.length == 0 ? dim : hidden[hidden.length - 1];
            }
            case "cnn" -> {
                int[] image = RobustModel.image(dim);
                SmallCnn m = child("trunk", new SmallCnn(g, image[0], image[1], image[1], 0, rng));
                this.features = x -> m.features(x.reshape(x.dim(0), image[0], image[1], image[1]));
                features = m.featureSize();
            }
            default -> throw new IllegalArgumentException("crm: --model " + trunk + " is not an additive energy model's trunk (linear, mlp or cnn)");
        }
        select = new Tensor[cards.length];
        for (int i = 0; i < cards.length; i++) {
            heads.add(child("head" + i, new Linear(g, features, cards[i], false, Init.torchLinear(rng, features, cards[i]))));
            float[] m = new float[cards[i] * groups];
            for (int grp = 0; grp < groups; grp++) m[value(grp, i) * groups + grp] = 1f;
            select[i] = g.persistent(m, false, cards[i], groups);
        }
        bias = param("bias", new float[groups], groups);
    }

    /** The value of attribute i (0: the class) in group grp. */
    int value(int grp, int i) {
        for (int j = cards.length - 1; j > i; j--) grp /= cards[j];
        return grp % cards[i];
    }

    /** The group of a combination of attribute values (z[0] the class). */
    int group(int[] z) {
        int grp = 0;
        for (int i = 0; i < cards.length; i++) grp = grp * cards[i] + z[i];
        return grp;
    }

    /** E(x, z) for every group: [rows, groups]. */
    Tensor energy(Tensor x) {
        Tensor h = features.apply(x);
        Tensor e = null;
        for (int i = 0; i < heads.size(); i++) {
            Tensor part = heads.get(i).forward(h).matmul(select[i]);
            e = e == null ? part : e.add(part);
        }
        return e;
    }

    /** -E - B-hat + log p_train: the training logits over groups. */
    Tensor trainingLogits(Tensor x, float[] logPrior) {
        return energy(x).scale(-1f).sub(bias).add(graph.constant(logPrior, groups));
    }

    float[] learnedBias() {
        return bias.toArray();
    }

    /** Prediction with B = bias (null: B-hat) and log q = logPrior (null: uniform). */
    void inferWith(float[] bias, float[] logPrior) {
        this.inferenceBias = bias;
        this.inferencePrior = logPrior;
    }

    /** Class scores log sum_{z: z_0 = y} exp(-E(x, z) - B(z) + log q(z)): [rows, classes], a constant. */
    Tensor classScores(Tensor x) {
        float[] e = energy(x).toArray(), b = inferenceBias != null ? inferenceBias : learnedBias();
        int rows = e.length / groups, k = cards[0], per = groups / k;
        float[] out = new float[rows * k];
        for (int r = 0; r < rows; r++) {
            for (int y = 0; y < k; y++) {
                double mx = Double.NEGATIVE_INFINITY, sum = 0;
                for (int j = 0; j < per; j++) mx = Math.max(mx, logit(e, b, r, y * per + j));
                for (int j = 0; j < per; j++) sum += Math.exp(logit(e, b, r, y * per + j) - mx);
                out[r * k + y] = (float) (mx + Math.log(sum));
            }
        }
        return graph.constant(out, rows, k);
    }

    private double logit(float[] e, float[] b, int r, int grp) {
        return -e[r * groups + grp] - b[grp] + (inferencePrior != null ? inferencePrior[grp] : 0);
    }

    /**
     * The post-hoc bias B*(z) = log( (1/N) sum_i exp(-E(x_i, z)) / sum_{z' seen} exp(-E(x_i, z') -
     * B-hat(z') + log p_train(z')) ) over the N training rows, for every group, seen or not
     * (algorithms.py CRM extrapolate_bias), in log space. energies: [N, groups] of the training rows.
     */
    static float[] extrapolatedBias(float[] energies, float[] learnedBias, float[] logPrior, boolean[] seen) {
        int groups = learnedBias.length, n = energies.length / groups;
        double[] acc = new double[groups];
        java.util.Arrays.fill(acc, Double.NEGATIVE_INFINITY);
        for (int i = 0; i < n; i++) {
            double mx = Double.NEGATIVE_INFINITY, sum = 0;
            for (int z = 0; z < groups; z++) if (seen[z]) mx = Math.max(mx, -energies[i * groups + z] - learnedBias[z] + logPrior[z]);
            for (int z = 0; z < groups; z++) if (seen[z]) sum += Math.exp(-energies[i * groups + z] - learnedBias[z] + logPrior[z] - mx);
            double denominator = mx + Math.log(sum);
            for (int z = 0; z < groups; z++) acc[z] = logAdd(acc[z], -energies[i * groups + z] - denominator);
        }
        float[] b = new float[groups];
        for (int z = 0; z < groups; z++) b[z] = (float) (acc[z] - Math.log(n));
        return b;
    }

    private static double logAdd(double a, double b) {
        if (a == Double.NEGATIVE_INFINITY) return b;
        double mx = Math.max(a, b);
        return mx + Math.log(Math.exp(a - mx) + Math.exp(b - mx));
    }
}
