package dev.tiller.train.robust;

import dev.tiller.train.Losses;
import dev.tiller.train.Tensor;
import dev.tiller.train.algo.Algorithm;
import dev.tiller.train.data.Batch;

/**
 * CRM's training step (compositional-risk-minimization algorithms.py CRM.update): cross-entropy
 * of each example's group against the softmax over every group of -E - B-hat + log p_train(z).
 */
final class Crm implements Algorithm<Batch> {
    private final CrmModel model;
    private final int[] groupOfExample;
    private final float[] logPrior;

    /** groupOfExample: the CRM group of each training example (by dataset index); logPrior: log p_train over the groups. */
    Crm(CrmModel model, int[] groupOfExample, float[] logPrior) {
        this.model = model;
        this.groupOfExample = groupOfExample;
        this.logPrior = logPrior;
    }

    @Override
    public Tensor loss(Batch b) {
        int[] z = new int[b.size()];
        for (int i = 0; i < z.length; i++) z[i] = groupOfExample[b.indices()[i]];
        Tensor x = model.graph().constant(b.features(), b.size(), b.dim());
        return Losses.crossEntropy(model.trainingLogits(x, logPrior), z);
    }

    /** What CRM derives from the table: the attribute cards, each training example's group, the training prior. */
    static final class Setup {
        final int[] cards;
        final int[] groupOfExample;
        final float[] logPrior;
        final boolean[] seen;
        final int[] trainRows;
        CrmModel model;

        Setup(GroupTable t, int[] trainRows) {
            int attrs = t.attributeNames().size();
            if (attrs == 0) throw new IllegalArgumentException("crm: " + t.source() + " has no attribute columns (a, a1, ...): its groups are (y, attributes)");
            this.trainRows = trainRows;
            cards = new int[attrs + 1];
            cards[0] = t.classes();
            for (int r = 0; r < t.rows(); r++)
                for (int i = 0; i < attrs; i++) cards[i + 1] = Math.max(cards[i + 1], t.attribute(r, i) + 1);
            long groups = 1;
            for (int c : cards) groups *= c;
            if (groups > 1 << 16) throw new IllegalArgumentException("crm: " + groups + " attribute combinations are more than this additive energy model handles (65536)");
            int[] count = new int[(int) groups];
            groupOfExample = new int[trainRows.length];
            for (int i = 0; i < trainRows.length; i++) count[groupOfExample[i] = group(t, trainRows[i])]++;
            logPrior = new float[(int) groups];
            seen = new boolean[(int) groups];
            for (int z = 0; z < groups; z++) {
                seen[z] = count[z] > 0;
                logPrior[z] = (float) Math.log(Math.max((double) count[z] / trainRows.length, CrmModel.ABSENT_PRIOR));
            }
        }

        int group(GroupTable t, int row) {
            int grp = t.y(row);
            for (int i = 1; i < cards.length; i++) grp = grp * cards[i] + t.attribute(row, i - 1);
            return grp;
        }

        /** After training: B* over the training rows (or B-hat) and the uniform (or training) prior for prediction. */
        void chooseInference(RobustTraining.Extras e, GroupTable t, dev.tiller.train.Graph g) {
            float[] bias = null;
            if (e.crmBias().equals("star")) {
                float[] energies = g.noGrad(() -> {
                    float[] out = new float[trainRows.length * model.groups];
                    for (int at = 0; at < trainRows.length; at += 1024) {
                        int[] chunk = java.util.Arrays.copyOfRange(trainRows, at, Math.min(trainRows.length, at + 1024));
                        float[] part = model.energy(g.constant(t.features(chunk), chunk.length, t.dim())).toArray();
                        System.arraycopy(part, 0, out, at * model.groups, part.length);
                        g.clear();
                    }
                    return out;
                });
                bias = CrmModel.extrapolatedBias(energies, model.learnedBias(), logPrior, seen);
            }
            model.inferWith(bias, e.crmPrior().equals("train") ? logPrior : null);
        }
    }
}
