package dev.tiller.train.dynamics;

import dev.tiller.train.Graph;
import dev.tiller.train.Losses;
import dev.tiller.train.Tensor;
import dev.tiller.train.Trainer;
import dev.tiller.train.algo.Algorithm;
import dev.tiller.train.optim.Adam;
import dev.tiller.train.optim.LrSchedule;
import dev.tiller.train.optim.Optimizer;
import dev.tiller.train.optim.ParamGroup;

import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.function.Consumer;

/**
 * A grokking run (Notsawo et al. 2023, section 2.2): full-batch AdamW with betas (0.9, 0.98) and a
 * 10-step linear warm-up, weight decay on every parameter, cross-entropy on the answer token, on
 * the {@link Trainer}. Row s of the curve holds the losses and accuracies of the parameters after s
 * updates, training and validation measured on the same parameters (the validation forward runs
 * without gradients just before the step's own).
 */
public final class Grokking {
    public static final double DEFAULT_LR = 1e-4, DEFAULT_WD = 1.0, BETA1 = 0.9, BETA2 = 0.98;
    public static final int WARMUP = 10, DEFAULT_STEPS = 10_000;

    public record Options(ModularArithmetic.Op op, int p, double frac, GrokModel.Kind model, double lr, double wd, int steps, long seed, int threads) {
        public Options {
            if (!(lr > 0) || Double.isInfinite(lr)) throw new IllegalArgumentException("lr must be > 0; got " + lr);
            if (!(wd >= 0) || Double.isInfinite(wd)) throw new IllegalArgumentException("weight decay must be >= 0; got " + wd);
            if (steps < 1) throw new IllegalArgumentException("steps must be >= 1; got " + steps);
        }
    }

    /** One row per step. */
    public record Curve(double[] trainLoss, double[] trainAcc, double[] valLoss, double[] valAcc, double seconds) {
        public int steps() {
            return trainLoss.length;
        }

        public PhaseTimes phaseTimes() {
            long[] s = new long[steps()];
            for (int i = 0; i < s.length; i++) s[i] = i;
            return PhaseTimes.of(s, trainAcc, valAcc);
        }

        /** step,train_loss,train_acc,val_loss,val_acc */
        public String csv() {
            StringBuilder b = new StringBuilder("step,train_loss,train_acc,val_loss,val_acc\n");
            for (int i = 0; i < steps(); i++)
                b.append(String.format(Locale.ROOT, "%d,%.8g,%.6f,%.8g,%.6f%n", i, trainLoss[i], trainAcc[i], valLoss[i], valAcc[i]));
            return b.toString();
        }
    }

    private Grokking() {}

    /** Trains and returns the curve; progress receives a line now and then (null: quiet). */
    public static Curve run(Options o, Consumer<String> progress) {
        ModularArithmetic data = ModularArithmetic.of(o.op(), o.p(), o.frac(), o.seed());
        ModularArithmetic.Pairs train = data.train(), val = data.val();
        int n = o.steps();
        double[] trainLoss = new double[n], trainAcc = new double[n], valLoss = new double[n], valAcc = new double[n];
        try (Graph g = new Graph(o.threads())) {
            GrokModel model = GrokModel.create(o.model(), g, o.p(), new SplittableRandom(o.seed() ^ 0x9e3779b97f4a7c15L));
            Optimizer opt = new Adam(List.of(ParamGroup.of(model.module().parameters())), LrSchedule.warmup(LrSchedule.constant(o.lr()), WARMUP),
                    BETA1, BETA2, 1e-8, o.wd(), true);
            Algorithm<Long> algorithm = new Algorithm<>() {
                Tensor logits;

                @Override
                public Tensor loss(Long step) {
                    int s = (int) (long) step;
                    g.noGrad(() -> {
                        Tensor v = model.logits(val.a(), val.b());
                        valLoss[s] = Losses.crossEntropy(v, val.answer()).item();
                        valAcc[s] = accuracy(v, val.answer());
                        return null;
                    });
                    logits = model.logits(train.a(), train.b());
                    return Losses.crossEntropy(logits, train.answer());
                }

                @Override
                public void afterStep(Long step, long index) {
                    trainAcc[(int) index] = accuracy(logits, train.answer());
                }
            };
            long[] next = {0};
            Trainer<Long> trainer = new Trainer<Long>(opt, n).onStep(st -> trainLoss[(int) st.index()] = st.loss());
            if (progress != null) {
                long[] last = {System.nanoTime()};
                trainer.onStep(st -> {
                    long now = System.nanoTime();
                    if (now - last[0] > 5e9 || st.index() + 1 == n) {
                        last[0] = now;
                        int i = (int) st.index();
                        progress.accept(String.format(Locale.ROOT, "step %d/%d: train loss %.4f acc %.3f, val loss %.4f acc %.3f", i + 1, n, trainLoss[i],
                                trainAcc[i], valLoss[i], valAcc[i]));
                    }
                });
            }
            Trainer.Result r = trainer.run(algorithm, () -> next[0]++);
            return new Curve(trainLoss, trainAcc, valLoss, valAcc, r.trainSeconds());
        }
    }

    static double accuracy(Tensor logits, int[] answer) {
        float[] z = logits.toArray();
        int classes = z.length / answer.length, right = 0;
        for (int i = 0; i < answer.length; i++) {
            int best = 0;
            for (int c = 1; c < classes; c++)
                if (z[i * classes + c] > z[i * classes + best]) best = c;
            if (best == answer[i]) right++;
        }
        return (double) right / answer.length;
    }
}
