package dev.tiller.train.synth;

import dev.tiller.train.Graph;
import dev.tiller.train.Losses;
import dev.tiller.train.Trainer;
import dev.tiller.train.algo.Algorithm;
import dev.tiller.train.optim.Adam;
import dev.tiller.train.optim.LrSchedule;
import dev.tiller.train.optim.ParamGroup;

import java.util.List;
import java.util.SplittableRandom;

/**
 * How the synthetic-data experiments train their classifier: an {@link ImageMlp}, AdamW with the
 * warm-up-stable-decay schedule of Deliberate Practice (linear warm-up over the first 10% of the
 * steps, constant, linear cool-down over the last 20%), cross-entropy on batches of a {@link Pool}.
 */
public final class LearnerTraining {
    /** hidden: the MLP's width; the learning rate peaks at lr. */
    public record Options(int hidden, long steps, int batch, double lr, double weightDecay, long seed) {
        public Options {
            if (steps < 1) throw new IllegalArgumentException("--steps must be >= 1, got " + steps);
            if (batch < 1) throw new IllegalArgumentException("batch must be >= 1, got " + batch);
            if (!(lr > 0) || !Double.isFinite(lr)) throw new IllegalArgumentException("learning rate must be a positive number, got " + lr);
        }

        public static Options defaults(long steps, long seed) {
            return new Options(256, steps, 128, 1e-3, 0.01, seed);
        }

        /** The step at which the cool-down begins (no data is added from then on). */
        public long coolDownStart() {
            return steps - steps / 5;
        }

        LrSchedule schedule() {
            long warmup = Math.max(1, steps / 10), decay = steps / 5;
            return LrSchedule.warmupStableDecay(lr, warmup, Math.max(0, steps - warmup - decay), decay, 0);
        }
    }

    private LearnerTraining() {}

    public static ImageMlp newModel(Graph g, int pixels, int classes, Options o) {
        return new ImageMlp(g, pixels, o.hidden(), classes, new SplittableRandom(o.seed()));
    }

    /** Trains model on the pool for o.steps(), calling evaluation every evalEvery steps (0: only at the end; null: never). */
    public static Trainer.Result train(ImageMlp model, Pool pool, Options o, long evalEvery, Trainer.Evaluation evaluation) {
        Graph g = model.graph();
        Adam opt = new Adam(List.of(ParamGroup.of(model.parameters())), o.schedule(), 0.9, 0.999, 1e-8, o.weightDecay(), true);
        Algorithm<Pool.Batch> ce = b -> Losses.crossEntropy(model.logits(g.constant(b.images(), b.labels().length, b.images().length / b.labels().length)), b.labels());
        Trainer<Pool.Batch> t = new Trainer<>(opt, o.steps());
        if (evaluation != null) t.evaluate(evalEvery, evaluation);
        return t.run(ce, pool);
    }

    /** A classifier trained on fixed data (no evaluation). */
    public static ImageMlp fit(Graph g, ImageData data, Options o) {
        ImageMlp m = newModel(g, data.pixels(), data.classes(), o);
        Pool pool = new Pool(data.pixels(), o.batch(), o.seed() + 1);
        pool.add(data);
        train(m, pool, o, 0, null);
        return m;
    }
}
