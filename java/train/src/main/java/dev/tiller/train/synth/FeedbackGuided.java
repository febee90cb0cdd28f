package dev.tiller.train.synth;

import dev.tiller.train.Graph;
import dev.tiller.train.Logits;

import java.io.PrintStream;
import java.util.Arrays;

/**
 * Feedback-guided data synthesis (Askari-Hemmat et al. 2023): a classifier trained once on the real
 * imbalanced data guides the generator (one-shot feedback) while each class, or each group of a
 * group-imbalanced set, is topped up toward the largest one's count (generate_csvs_offline.py:
 * max(max_count - n_c, 1) per class; half of that for the half budget); then a fresh classifier
 * trains on real + synthetic and is scored on balanced test data: overall and per many / medium /
 * few split for the long tail, worst-group for the groups.
 */
public final class FeedbackGuided {
    /** FULL tops every class up to the head count, HALF adds half of that, NONE trains on the real images alone. */
    public enum Budget { FULL, HALF, NONE }

    /** head and imbalance shape the long tail (Fashion-MNIST-LT: 5000 and 100); the group variant ignores them. */
    public record Options(Guidance.Settings guidance, Budget budget, int head, double imbalance, LearnerTraining.Options learner) {}

    /** Long tail: accuracies on the balanced test set (and on the real validation images, which choose the scale). */
    public record Result(double testAcc, double manyAcc, double mediumAcc, double fewAcc, double valAcc, double valFewAcc,
            int generatedSamples, int[] trainCounts, double[] classAcc) {}

    /** Groups: mean and worst-group accuracy on test and validation, per-group test accuracy. */
    public record GroupResult(double testAcc, double worstGroupAcc, double valAcc, double valWorstGroupAcc, int generatedSamples,
            int[] trainCounts, double[] groupAcc) {}

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

    /** Fashion-MNIST-LT (or any long tail of data.train()): the generator's conditions are the classes. */
    public static Result run(Cvae generator, Splits data, Options o, PrintStream progress) {
        ImageData real = LongTail.of(data.train(), o.head(), o.imbalance());
        int[] counts = real.classCounts();
        Trained t = train(generator, real, 1, o, progress);
        Scores test = scores(t.model, data.test(), 1, counts), val = scores(t.model, data.validation(), 1, counts);
        return new Result(test.overall, test.split[0], test.split[1], test.split[2], val.overall, val.split[2], t.generated, counts, test.perCondition);
    }

    /**
     * The group-imbalanced variant: real holds {@link ColouredGroups} images labelled by group,
     * validation and test fair-coloured ones; the generator draws groups, the classifiers predict classes.
     */
    public static GroupResult runGroups(Cvae generator, ImageData real, ImageData validation, ImageData test, Options o, PrintStream progress) {
        int[] counts = real.classCounts();
        Trained t = train(generator, real, ColouredGroups.COLOURS, o, progress);
        Scores te = scores(t.model, test, ColouredGroups.COLOURS, counts), va = scores(t.model, validation, ColouredGroups.COLOURS, counts);
        return new GroupResult(te.overall, te.worst, va.overall, va.worst, t.generated, counts, te.perCondition);
    }

    private record Trained(ImageMlp model, int generated) {}

    /** real's labels are the generator's conditions; a condition's class is condition / perClass. */
    private static Trained train(Cvae generator, ImageData real, int perClass, Options o, PrintStream progress) {
        Graph g = generator.graph();
        LearnerTraining.Options lo = o.learner();
        ImageData realClasses = relabel(real, perClass);
        int[] add = topUp(real.classCounts(), o.budget());
        int generated = Arrays.stream(add).sum();
        ImageData train = realClasses;
        if (generated > 0) {
            if (progress != null) progress.println("feedback: classifier of the real imbalanced images (" + real.size() + ") ...");
            ImageMlp feedback = LearnerTraining.fit(g, realClasses, lo);
            HardnessScore hardness = o.guidance().criterion() == Criterion.HARDNESS
                    ? HardnessScore.fit(feedback, realClasses.images(), realClasses.labels()) : null;
            int[] conditions = new int[generated], labels = new int[generated];
            for (int c = 0, k = 0; c < add.length; c++) {
                for (int i = 0; i < add[c]; i++, k++) {
                    conditions[k] = c;
                    labels[k] = c / perClass;
                }
            }
            if (progress != null) progress.println("feedback: drawing " + generated + " samples (" + o.guidance().criterion().label() + " guidance) ...");
            float[] x = Guidance.draw(generator, feedback, hardness, conditions, labels, lo.seed() + 31, o.guidance());
            train = realClasses.concat(new ImageData(x, labels, real.height(), real.width(), realClasses.classes()));
        }
        if (progress != null) progress.println("feedback: training on " + train.size() + " images ...");
        ImageMlp model = LearnerTraining.fit(g, train, new LearnerTraining.Options(lo.hidden(), lo.steps(), lo.batch(), lo.lr(), lo.weightDecay(), lo.seed() + 1));
        return new Trained(model, generated);
    }

    private static ImageData relabel(ImageData data, int perClass) {
        if (perClass == 1) return data;
        int[] y = new int[data.size()];
        for (int i = 0; i < y.length; i++) y[i] = data.labels()[i] / perClass;
        return new ImageData(data.images(), y, data.height(), data.width(), data.classes() / perClass);
    }

    /** Accuracy overall, per condition, per many / medium / few split of the training counts, and of the worst condition. */
    private record Scores(double overall, double[] perCondition, double[] split, double worst) {}

    private static Scores scores(ImageMlp model, ImageData eval, int perClass, int[] counts) {
        int k = eval.classes(), classes = k / perClass;
        float[] z = model.predict(eval.images(), eval.size());
        int[] right = new int[k], total = new int[k];
        for (int i = 0; i < eval.size(); i++) {
            int c = eval.labels()[i];
            total[c]++;
            if (Logits.argmax(z, i, classes) == c / perClass) right[c]++;
        }
        double[] acc = new double[k], splitRight = new double[3], splitTotal = new double[3];
        double worst = 1;
        int all = 0;
        for (int c = 0; c < k; c++) {
            acc[c] = total[c] == 0 ? Double.NaN : (double) right[c] / total[c];
            if (total[c] > 0) worst = Math.min(worst, acc[c]);
            int s = LongTail.split(counts[c]).ordinal();
            splitRight[s] += right[c];
            splitTotal[s] += total[c];
            all += right[c];
        }
        double[] split = new double[3];
        for (int s = 0; s < 3; s++) split[s] = splitTotal[s] == 0 ? Double.NaN : splitRight[s] / splitTotal[s];
        return new Scores((double) all / eval.size(), acc, split, worst);
    }
}
