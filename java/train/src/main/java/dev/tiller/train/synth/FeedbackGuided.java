package dev.tiller.train.synth;

import dev.tiller.train.Graph;
import dev.tiller.train.Logits;

import java.io.PrintStream;
import java.util.Arrays;

/**
 * Feedback-guided data synthesis (Askari-Hemmat et al. 2023): a classifier trained once on the real
 * long-tailed data guides the generator (one-shot feedback) while each class is topped up toward the
 * head class's count (generate_csvs_offline.py: max(max_count - n_c, 1) per class; half of that
 * for the half budget), then a fresh classifier trains on real + synthetic and is scored on the
 * balanced test set, overall and per many / medium / few split.
 */
public final class FeedbackGuided {
    /** FULL tops every class up to the head count, HALF adds half of that, NONE trains on the real images alone. */
    public enum Budget { FULL, HALF, NONE }

    public record Options(Guidance.Settings guidance, Budget budget, int head, double imbalance, LearnerTraining.Options learner) {
        public static Options fashionMnistLt(Guidance.Settings guidance, Budget budget, LearnerTraining.Options learner) {
            return new Options(guidance, budget, 5000, 100, learner);
        }
    }

    public record Result(double testAcc, double manyAcc, double mediumAcc, double fewAcc, int generatedSamples, int[] trainCounts, double[] classAcc) {}

    private FeedbackGuided() {}

    /** How many samples each class gets: the budget's share of head - n_c (at least 1 for FULL and HALF, as the official CSVs). */
    public static int[] topUp(int[] counts, Budget b) {
        int head = Arrays.stream(counts).max().orElse(0);
        int[] add = new int[counts.length];
        for (int c = 0; c < counts.length; c++) {
            add[c] = switch (b) {
                case FULL -> Math.max(head - counts[c], 1);
                case HALF -> Math.max((head - counts[c]) / 2, 1);
                case NONE -> 0;
            };
        }
        return add;
    }

    public static Result run(Cvae generator, Splits data, Options o, PrintStream progress) {
        Graph g = generator.graph();
        LearnerTraining.Options lo = o.learner();
        ImageData real = LongTail.of(data.train(), o.head(), o.imbalance());
        int[] counts = real.classCounts(), add = topUp(counts, o.budget());
        ImageData train = real;
        int generated = Arrays.stream(add).sum();
        if (generated > 0) {
            if (progress != null) progress.println("feedback: classifier of the real long-tailed images (" + real.size() + ") ...");
            ImageMlp feedback = LearnerTraining.fit(g, real, lo);
            HardnessScore hardness = o.guidance().criterion() == Criterion.HARDNESS ? HardnessScore.fit(feedback, real.images(), real.labels()) : null;
            int[] labels = new int[generated];
            for (int c = 0, k = 0; c < add.length; c++) for (int i = 0; i < add[c]; i++) labels[k++] = c;
            if (progress != null) progress.println("feedback: drawing " + generated + " samples (" + o.guidance().criterion().label() + " guidance) ...");
            float[] x = Guidance.draw(generator, feedback, hardness, labels, lo.seed() + 31, o.guidance());
            train = real.concat(new ImageData(x, labels, real.height(), real.width(), real.classes()));
        }
        if (progress != null) progress.println("feedback: training on " + train.size() + " images ...");
        ImageMlp model = LearnerTraining.fit(g, train, new LearnerTraining.Options(lo.hidden(), lo.steps(), lo.batch(), lo.lr(), lo.weightDecay(), lo.seed() + 1));
        return score(model, data.test(), counts, generated);
    }

    static Result score(ImageMlp model, ImageData test, int[] counts, int generated) {
        int k = test.classes();
        float[] z = model.predict(test.images(), test.size());
        int[] right = new int[k], total = new int[k];
        for (int i = 0; i < test.size(); i++) {
            int y = test.labels()[i];
            total[y]++;
            if (Logits.argmax(z, i, k) == y) right[y]++;
        }
        double[] acc = new double[k];
        double[] splitRight = new double[3], splitTotal = new double[3];
        int all = 0;
        for (int c = 0; c < k; c++) {
            acc[c] = total[c] == 0 ? Double.NaN : (double) right[c] / total[c];
            int s = LongTail.split(counts[c]).ordinal();
            splitRight[s] += right[c];
            splitTotal[s] += total[c];
            all += right[c];
        }
        return new Result((double) all / test.size(), splitRight[0] / splitTotal[0], splitRight[1] / splitTotal[1], splitRight[2] / splitTotal[2],
                generated, counts, acc);
    }
}
