package dev.tiller.train.synth;

import dev.tiller.train.Graph;
import dev.tiller.train.Trainer;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Deliberate Practice (Askari-Hemmat, Pezeshki et al. 2025, Algorithm 1): train a classifier on N
 * generated samples; every evalEvery steps measure real validation accuracy, and when it has not
 * improved for T_max evaluations, draw P new samples with entropy guidance through the current
 * classifier, append them and go on (the pool is sampled uniformly); no data is added in the
 * cool-down (the last 20% of the steps). The patience grows by one after each addition: the paper
 * increases it as the pool grows but tabulates only its start, so the schedule is ours. With P = 0
 * and no guidance this is the static baseline: every sample up front.
 */
public final class DeliberatePractice {
    /**
     * initial: N; perRound: P (0 for the static baseline); guidance: how new samples are steered
     * (Deliberate Practice: entropy with scale omega); patience: the first T_max.
     */
    public record Options(int initial, int perRound, Guidance.Settings guidance, int patience, long evalEvery, LearnerTraining.Options learner) {
        public Options {
            if (initial < 1) throw new IllegalArgumentException("--initial must be >= 1, got " + initial);
            if (perRound < 0) throw new IllegalArgumentException("--per-round must be >= 0, got " + perRound);
            if (patience < 1) throw new IllegalArgumentException("patience must be >= 1, got " + patience);
            if (evalEvery < 1) throw new IllegalArgumentException("evaluation interval must be >= 1 step, got " + evalEvery);
        }

        /** All n samples up front, unguided: the static baseline at size n. */
        public static Options staticBaseline(int n, long evalEvery, LearnerTraining.Options learner) {
            return new Options(n, 0, Guidance.Settings.none(), 1, evalEvery, learner);
        }
    }

    /** One evaluation: after step, with samples generated so far, real validation and test accuracy. */
    public record Point(long step, int samples, double valAcc, double testAcc) {}

    /** Accuracies of the final classifier (after the cool-down), samples generated, steps, additions. */
    public record Result(double valAcc, double testAcc, int generatedSamples, long iterations, int rounds, List<Point> curve) {}

    private DeliberatePractice() {}

    /** Starts from o.initial() unguided samples (the classifier is untrained, so there is nothing to guide by). */
    public static Result run(Cvae generator, Splits data, Options o, PrintStream progress) {
        return run(generator, data, o, draw(generator, null, data.train().classes(), 0, o.initial(), o.learner().seed(), Guidance.Settings.none(), data), 0, progress);
    }

    /**
     * Starts from the given samples; alreadyGenerated counts samples drawn to choose them (pruning's
     * pool), which the result's generatedSamples includes.
     */
    public static Result run(Cvae generator, Splits data, Options o, ImageData start, int alreadyGenerated, PrintStream progress) {
        Graph g = generator.graph();
        LearnerTraining.Options lo = o.learner();
        ImageMlp model = LearnerTraining.newModel(g, data.train().pixels(), data.train().classes(), lo);
        Pool pool = new Pool(data.train().pixels(), lo.batch(), lo.seed() + 1);
        int classes = data.train().classes();
        pool.add(start);
        List<Point> curve = new ArrayList<>();
        double[] best = {-1};
        int[] stale = {0}, patience = {o.patience()}, rounds = {0};
        Trainer.Evaluation eval = step -> {
            double val = model.accuracy(data.validation().images(), data.validation().labels());
            double test = model.accuracy(data.test().images(), data.test().labels());
            if (val > best[0]) {
                best[0] = val;
                stale[0] = 0;
            } else {
                stale[0]++;
            }
            if (o.perRound() > 0 && stale[0] >= patience[0] && step < lo.coolDownStart()) {
                rounds[0]++;
                pool.add(draw(generator, model, classes, pool.size(), o.perRound(), lo.seed() + 7919L * rounds[0], o.guidance(), data));
                stale[0] = 0;
                patience[0]++;
            }
            curve.add(new Point(step, pool.size() + alreadyGenerated, val, test));
            if (progress != null) {
                progress.printf(Locale.ROOT, "step %d/%d: %d samples, validation %.4f, test %.4f%n", step, lo.steps(), pool.size(), val, test);
            }
            return Map.of("val_acc", val, "test_acc", test, "samples", (double) pool.size());
        };
        Trainer.Result r = LearnerTraining.train(model, pool, lo, o.evalEvery(), eval);
        Point last = curve.get(curve.size() - 1);
        return new Result(last.valAcc(), last.testAcc(), pool.size() + alreadyGenerated, r.steps(), rounds[0], curve);
    }

    /** n samples of balanced classes (sample i has class (first + i) mod classes). */
    static ImageData draw(Cvae generator, ImageMlp classifier, int classes, int first, int n, long seed, Guidance.Settings s, Splits data) {
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) labels[i] = (first + i) % classes;
        float[] x = Guidance.draw(generator, classifier, null, labels, seed, s);
        return new ImageData(x, labels, data.train().height(), data.train().width(), classes);
    }
}
