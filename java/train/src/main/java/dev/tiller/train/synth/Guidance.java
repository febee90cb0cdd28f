package dev.tiller.train.synth;

import dev.tiller.train.Graph;
import dev.tiller.train.Losses;
import dev.tiller.train.Tensor;

import java.lang.foreign.ValueLayout;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Classifier feedback on a generator's latents: a few steps of normalised gradient ascent of a
 * criterion of the classifier on the decoded images, as the official feedback-guided sampler's
 * cond_fn applies it to diffusion latents (fg_pipe.py:85-88): g = dC/dz, z += scale * |z| * g / |g|,
 * per sample. Deliberate Practice's entropy guidance is the same with C = entropy and scale = omega.
 */
public final class Guidance {
    /** criterion NONE or scale 0 leaves the latents as drawn. */
    public record Settings(Criterion criterion, double scale, int steps) {
        public Settings {
            if (!Double.isFinite(scale) || scale < 0) throw new IllegalArgumentException("guidance scale must be a finite number >= 0, got " + scale);
            if (steps < 0) throw new IllegalArgumentException("guidance steps must be >= 0, got " + steps);
            if (criterion == Criterion.NONE) scale = 0;
        }

        public static Settings none() {
            return new Settings(Criterion.NONE, 0, 0);
        }

        boolean active() {
            return scale > 0 && steps > 0;
        }
    }

    private Guidance() {}

    /**
     * The criterion per image, [n]: C(f(images), label). hardness may be null unless the criterion
     * is HARDNESS.
     */
    public static Tensor criterion(ImageMlp classifier, HardnessScore hardness, Tensor images, int[] labels, Criterion c) {
        return switch (c) {
            case ENTROPY -> {
                Tensor logP = classifier.logits(images).logSoftmax();
                yield logP.exp().mul(logP).sum(1, false).neg();
            }
            case LOSS -> Losses.crossEntropy(classifier.logits(images), labels, null, null, Losses.Reduction.NONE);
            case HARDNESS -> {
                if (hardness == null) throw new IllegalArgumentException("the hardness criterion needs a fitted HardnessScore");
                yield hardness.score(classifier.features(images), labels);
            }
            case NONE -> throw new IllegalArgumentException("criterion 'none' has no value");
        };
    }

    /**
     * d sum_i C_i / d z for latents z [n, latent] (rows) decoded under the generator's conditions,
     * the criterion taken for the classifier's labels (the same array unless the generator draws
     * finer groups than the classifier predicts); an array of z's shape; the graph is cleared.
     */
    public static float[] gradient(Cvae generator, ImageMlp classifier, HardnessScore hardness, int[] conditions, int[] labels, float[] z, Criterion c) {
        Graph g = generator.graph();
        try {
            Tensor zt = g.input(z, labels.length, generator.shape().latent());
            Tensor total = criterion(classifier, hardness, generator.decode(zt, conditions), labels, c).sum();
            g.backward(total);
            return zt.gradArray();
        } finally {
            g.clear();
        }
    }

    /** The latents after the guidance steps (z itself is not changed); conditions and labels as for {@link #gradient}. */
    public static float[] steer(Cvae generator, ImageMlp classifier, HardnessScore hardness, int[] conditions, int[] labels, float[] z, Settings s) {
        float[] out = z.clone();
        if (!s.active()) return out;
        int k = generator.shape().latent();
        for (int step = 0; step < s.steps(); step++) {
            float[] grad = gradient(generator, classifier, hardness, conditions, labels, out, s.criterion());
            for (int i = 0; i < labels.length; i++) {
                double gn = 0, zn = 0;
                for (int j = 0; j < k; j++) {
                    gn += (double) grad[i * k + j] * grad[i * k + j];
                    zn += (double) out[i * k + j] * out[i * k + j];
                }
                double f = s.scale() * Math.sqrt(zn) / (Math.sqrt(gn) + 1e-8);
                for (int j = 0; j < k; j++) out[i * k + j] += (float) (f * grad[i * k + j]);
            }
        }
        return out;
    }

    /**
     * Images of the given classes: latents drawn from N(0, I) by a generator seeded with seed,
     * steered as s says 256 at a time, decoded. The same seed and labels draw the same images.
     */
    public static float[] draw(Cvae generator, ImageMlp classifier, HardnessScore hardness, int[] labels, long seed, Settings s) {
        return draw(generator, classifier, hardness, labels, labels, seed, s);
    }

    /** As {@link #draw(Cvae, ImageMlp, HardnessScore, int[], long, Settings)}, the generator conditioned on conditions, the criterion on labels. */
    public static float[] draw(Cvae generator, ImageMlp classifier, HardnessScore hardness, int[] conditions, int[] labels, long seed, Settings s) {
        if (conditions.length != labels.length) throw new IllegalArgumentException(conditions.length + " conditions for " + labels.length + " labels");
        if (s.active() && classifier == null) throw new IllegalArgumentException(s.criterion().label() + " guidance needs a classifier");
        int k = generator.shape().latent(), px = generator.shape().pixels();
        SplittableRandom rng = new SplittableRandom(seed);
        float[] out = new float[labels.length * px];
        for (int at = 0; at < labels.length; at += 256) {
            int end = Math.min(labels.length, at + 256);
            int[] c = Arrays.copyOfRange(conditions, at, end), y = Arrays.copyOfRange(labels, at, end);
            float[] z = new float[y.length * k];
            for (int i = 0; i < z.length; i++) z[i] = (float) rng.nextGaussian();
            if (s.active()) z = steer(generator, classifier, hardness, c, y, z, s);
            System.arraycopy(images(generator, c, z), 0, out, at * px, y.length * px);
        }
        return out;
    }

    /** Images [n, pixels] decoded from latents, without gradients; the graph is cleared. */
    public static float[] images(Cvae generator, int[] labels, float[] z) {
        Graph g = generator.graph();
        try {
            return g.noGrad(() -> generator.decode(g.constant(z, labels.length, generator.shape().latent()), labels).data().toArray(ValueLayout.JAVA_FLOAT));
        } finally {
            g.clear();
        }
    }
}
