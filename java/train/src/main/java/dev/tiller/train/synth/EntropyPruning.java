package dev.tiller.train.synth;

import java.io.PrintStream;
import java.util.Arrays;
import java.util.Comparator;
import java.util.stream.IntStream;

/**
 * Deliberate Practice's pruning baseline (its Fig. 5): generate factor x n unguided samples, keep
 * the n on which a classifier is least certain (highest predictive entropy) and train on those
 * with the static schedule. The scorer is a classifier trained, with the same recipe, on n other
 * unguided samples (the paper does not say which classifier scores its pool); its samples count
 * as generated too.
 */
public final class EntropyPruning {
    private EntropyPruning() {}

    public static DeliberatePractice.Result run(Cvae generator, Splits data, int n, int factor, long evalEvery, LearnerTraining.Options lo, PrintStream progress) {
        if (factor < 1) throw new IllegalArgumentException("--oversample must be >= 1, got " + factor);
        int classes = data.train().classes();
        Guidance.Settings none = Guidance.Settings.none();
        ImageData scorerSet = DeliberatePractice.draw(generator, null, classes, 0, n, lo.seed() + 101, none, data);
        ImageMlp scorer = LearnerTraining.fit(generator.graph(), scorerSet, new LearnerTraining.Options(lo.hidden(), lo.steps(), lo.batch(), lo.lr(), lo.weightDecay(), lo.seed() + 103));
        ImageData pool = DeliberatePractice.draw(generator, null, classes, 0, factor * n, lo.seed() + 202, none, data);
        float[] logits = scorer.predict(pool.images(), pool.size());
        double[] entropy = new double[pool.size()];
        for (int i = 0; i < entropy.length; i++) entropy[i] = entropy(logits, i, classes);
        int[] keep = IntStream.range(0, pool.size()).boxed().sorted(Comparator.comparingDouble((Integer i) -> -entropy[i]).thenComparingInt(i -> i))
                .limit(n).mapToInt(Integer::intValue).toArray();
        Arrays.sort(keep);
        DeliberatePractice.Options o = DeliberatePractice.Options.staticBaseline(n, evalEvery, lo);
        return DeliberatePractice.run(generator, data, o, pool.subset(keep), factor * n, progress);
    }

    static double entropy(float[] logits, int row, int k) {
        double max = Double.NEGATIVE_INFINITY, z = 0, h = 0;
        for (int c = 0; c < k; c++) max = Math.max(max, logits[row * k + c]);
        for (int c = 0; c < k; c++) z += Math.exp(logits[row * k + c] - max);
        for (int c = 0; c < k; c++) {
            double lp = logits[row * k + c] - max - Math.log(z);
            h -= Math.exp(lp) * lp;
        }
        return h;
    }
}
