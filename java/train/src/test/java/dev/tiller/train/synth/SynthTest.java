package dev.tiller.train.synth;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tiller.ModelFormatException;
import dev.tiller.io.Safetensors;
import dev.tiller.train.Graph;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The generator, the guidance gradients (against finite differences), the Deliberate Practice loop
 * and the long-tail bookkeeping, on MNIST's 2k/1k test subset or small random networks.
 */
class SynthTest {
    static Path mnist() throws Exception {
        return Path.of(SynthTest.class.getClassLoader().getResource("mnist-subset/NOTICE").toURI()).getParent();
    }

    static Splits mnistSplits() throws Exception {
        return Splits.of("mnist", ImageData.load(mnist(), "train2k"), ImageData.load(mnist(), "t1k"));
    }

    @Test
    void guidanceGradientsMatchFiniteDifferences() {
        try (Graph g = new Graph(1)) {
            SplittableRandom rng = new SplittableRandom(3);
            Cvae gen = new Cvae(g, new Cvae.Shape("toy", 4, 4, 3, 8, 3), rng);
            ImageMlp clf = new ImageMlp(g, 16, 6, 3, rng);
            int[] labels = {0, 2, 1, 2};
            float[] real = new float[12 * 16];
            int[] realLabels = new int[12];
            for (int i = 0; i < real.length; i++) real[i] = (float) rng.nextDouble();
            for (int i = 0; i < realLabels.length; i++) realLabels[i] = i % 3;
            HardnessScore hardness = HardnessScore.fit(clf, real, realLabels);
            float[] z = new float[labels.length * 3];
            for (int i = 0; i < z.length; i++) z[i] = (float) rng.nextGaussian();
            for (Criterion c : new Criterion[] {Criterion.ENTROPY, Criterion.LOSS, Criterion.HARDNESS}) {
                float[] grad = Guidance.gradient(gen, clf, hardness, labels, labels, z, c);
                double scale = 0;
                for (float v : grad) scale = Math.max(scale, Math.abs(v));
                assertTrue(scale > 0, c + ": a zero gradient checks nothing");
                for (int i = 0; i < z.length; i++) {
                    double h = 1e-2;
                    float[] up = z.clone(), down = z.clone();
                    up[i] += (float) h;
                    down[i] -= (float) h;
                    double fd = (value(gen, clf, hardness, labels, up, c) - value(gen, clf, hardness, labels, down, c)) / (2 * h);
                    assertEquals(fd, grad[i], 2e-2 * scale + 1e-4, c + " d/dz[" + i + "]");
                }
            }
        }
    }

    private static double value(Cvae gen, ImageMlp clf, HardnessScore h, int[] labels, float[] z, Criterion c) {
        Graph g = gen.graph();
        try {
            return g.noGrad(() -> (double) Guidance.criterion(clf, h, gen.decode(g.constant(z, labels.length, 3), labels), labels, c).sum().item());
        } finally {
            g.clear();
        }
    }

    @Test
    void steeringAscendsTheCriterionAndNoneLeavesLatentsAlone() {
        try (Graph g = new Graph(1)) {
            SplittableRandom rng = new SplittableRandom(5);
            Cvae gen = new Cvae(g, new Cvae.Shape("toy", 4, 4, 3, 8, 3), rng);
            ImageMlp clf = new ImageMlp(g, 16, 6, 3, rng);
            int[] labels = {0, 1, 2, 0, 1, 2};
            float[] z = new float[18];
            for (int i = 0; i < z.length; i++) z[i] = (float) rng.nextGaussian();
            float[] steered = Guidance.steer(gen, clf, null, labels, labels, z, new Guidance.Settings(Criterion.ENTROPY, 0.05, 3));
            assertTrue(value(gen, clf, null, labels, steered, Criterion.ENTROPY) > value(gen, clf, null, labels, z, Criterion.ENTROPY));
            // Each step moves a latent by scale * |z|: three steps of 0.05 stay within 16% of its norm.
            for (int i = 0; i < labels.length; i++) {
                double d = 0, n = 0;
                for (int j = 0; j < 3; j++) {
                    d += Math.pow(steered[i * 3 + j] - z[i * 3 + j], 2);
                    n += z[i * 3 + j] * z[i * 3 + j];
                }
                assertTrue(Math.sqrt(d) <= 0.16 * Math.sqrt(n) + 1e-6);
            }
            assertArrayEquals(z, Guidance.steer(gen, clf, null, labels, labels, z, new Guidance.Settings(Criterion.NONE, 0.05, 3)));
            assertThrows(IllegalArgumentException.class, () -> new Guidance.Settings(Criterion.ENTROPY, Double.NaN, 3));
            assertThrows(IllegalArgumentException.class, () -> new Guidance.Settings(Criterion.ENTROPY, -1, 3));
            assertThrows(IllegalArgumentException.class, () -> Criterion.parse("vibes"));
            assertThrows(IllegalArgumentException.class, () -> gen.oneHot(new int[] {3}));
        }
    }

    @Test
    void generatorLearnsMnistAndSurvivesSaveAndLoad(@TempDir Path dir) throws Exception {
        Splits s = mnistSplits();
        try (Graph g = new Graph(0)) {
            GeneratorTraining.Options o = new GeneratorTraining.Options(40, 32, 1e-3, 128, 2, 1);
            Cvae gen = GeneratorTraining.newGenerator(g, "mnist", s.train(), o);
            GeneratorTraining.Result r = GeneratorTraining.train(gen, s.train(), o, null);
            assertTrue(r.epochLoss()[39] < 0.8 * r.epochLoss()[0], Arrays.toString(r.epochLoss()));
            // A classifier of the real images reads the class of most samples (chance: 0.1).
            ImageMlp real = LearnerTraining.fit(g, s.train(), LearnerTraining.Options.defaults(600, 1));
            double acc = Arrays.stream(GeneratorTraining.sampleAccuracy(gen, real, 50, 3)).average().orElseThrow();
            assertTrue(acc > 0.5, "sample accuracy " + acc);

            Path file = dir.resolve("g.safetensors");
            gen.save(file, Map.of("epochs", "6"));
            assertEquals(gen.shape(), Cvae.readShape(file));
            Cvae back = Cvae.load(g, file);
            int[] labels = {0, 3, 9};
            float[] z = new float[3 * 2];
            for (int i = 0; i < z.length; i++) z[i] = (float) Math.sin(i);
            assertArrayEquals(Guidance.images(gen, labels, z), Guidance.images(back, labels, z));
        }
    }

    @Test
    void foreignAndDamagedGeneratorFilesAreRefused(@TempDir Path dir) {
        Path other = dir.resolve("vector.safetensors");
        Safetensors.write(other, Map.of("kind", "steering"), Map.of("v", Safetensors.Entry.f32(new float[] {1, 2})));
        assertTrue(assertThrows(ModelFormatException.class, () -> Cvae.readShape(other)).getMessage().contains("not a Tiller generator"));
        try (Graph g = new Graph(1)) {
            Cvae gen = new Cvae(g, new Cvae.Shape("toy", 4, 4, 3, 8, 3), new SplittableRandom(1));
            Path file = dir.resolve("g.safetensors");
            gen.save(file, Map.of());
            Safetensors.Contents c = Safetensors.read(file);
            Map<String, String> meta = new java.util.HashMap<>(c.metadata());
            meta.put("latent", "4");
            Path wrong = dir.resolve("wrong.safetensors");
            Safetensors.write(wrong, meta, c.tensors());
            assertTrue(assertThrows(ModelFormatException.class, () -> Cvae.load(g, wrong)).getMessage().contains("enc_mu.weight"));
        }
    }

    @Test
    void deliberatePracticeAddsSamplesOnlyWhenPatienceRunsOutAndNotInTheCoolDown() throws Exception {
        Splits s = mnistSplits();
        try (Graph g = new Graph(0)) {
            Cvae gen = new Cvae(g, new Cvae.Shape("mnist", 28, 28, 10, 32, 4), new SplittableRandom(2));
            LearnerTraining.Options lo = new LearnerTraining.Options(32, 400, 32, 1e-3, 0.01, 4);
            DeliberatePractice.Options o = new DeliberatePractice.Options(100, 50, new Guidance.Settings(Criterion.ENTROPY, 0.1, 2), 1, 20, lo);
            DeliberatePractice.Result r = DeliberatePractice.run(gen, s, o, null);
            assertTrue(r.rounds() > 0, "an untrained generator's noise stalls validation: patience must run out");
            assertEquals(100 + 50 * r.rounds(), r.generatedSamples());
            assertEquals(400, r.iterations());
            assertEquals(20, r.curve().size());
            int atCoolDown = 0;
            for (DeliberatePractice.Point p : r.curve()) if (p.step() <= lo.coolDownStart()) atCoolDown = p.samples();
            assertEquals(r.generatedSamples(), atCoolDown, "no samples are added in the cool-down");

            DeliberatePractice.Result st = DeliberatePractice.run(gen, s, DeliberatePractice.Options.staticBaseline(300, 100, lo), null);
            assertEquals(0, st.rounds());
            assertEquals(300, st.generatedSamples());
            DeliberatePractice.Result pruned = EntropyPruning.run(gen, s, 100, 3, 100, lo, null);
            assertEquals(400, pruned.generatedSamples(), "the pool of 300 and the scorer's 100");
        }
    }

    @Test
    void longTailProfileBudgetsAndSplits() {
        int[] n = LongTail.counts(10, 5000, 100);
        assertEquals(5000, n[0]);
        assertEquals(50, n[9]);
        // 5000 * 0.01^(1/9) = 2997.4
        assertEquals(2997, n[1]);
        for (int c = 1; c < 10; c++) assertTrue(n[c] < n[c - 1]);
        assertArrayEquals(new int[] {1, 4000, 4900}, FeedbackGuided.topUp(new int[] {5000, 1000, 100}, FeedbackGuided.Budget.FULL));
        assertArrayEquals(new int[] {1, 2000, 2450}, FeedbackGuided.topUp(new int[] {5000, 1000, 100}, FeedbackGuided.Budget.HALF));
        assertArrayEquals(new int[] {0, 0, 0}, FeedbackGuided.topUp(new int[] {5000, 1000, 100}, FeedbackGuided.Budget.NONE));
        assertEquals(LongTail.Split.MANY, LongTail.split(1077));
        assertEquals(LongTail.Split.MEDIUM, LongTail.split(232));
        assertEquals(LongTail.Split.FEW, LongTail.split(139));
        assertEquals(Math.log(4), EntropyPruning.entropy(new float[] {2, 2, 2, 2}, 0, 4), 1e-12);
    }

    @Test
    void longTailSubsetTakesTheFirstImagesOfEachClass() throws Exception {
        ImageData train = mnistSplits().train();
        ImageData lt = LongTail.of(train, 80, 10);
        assertArrayEquals(LongTail.counts(10, 80, 10), lt.classCounts());
        assertThrows(IllegalArgumentException.class, () -> LongTail.of(train, 5000, 100));
    }

    @Test
    void feedbackGuidedRunsEndToEndOnASmallLongTail() throws Exception {
        Splits s = mnistSplits();
        try (Graph g = new Graph(0)) {
            Cvae gen = new Cvae(g, new Cvae.Shape("mnist", 28, 28, 10, 32, 4), new SplittableRandom(2));
            LearnerTraining.Options lo = new LearnerTraining.Options(32, 200, 32, 1e-3, 0.01, 4);
            FeedbackGuided.Result r = FeedbackGuided.run(gen, s, new FeedbackGuided.Options(new Guidance.Settings(Criterion.HARDNESS, 0.03, 2),
                    FeedbackGuided.Budget.HALF, 80, 10, lo), null);
            int[] counts = LongTail.counts(10, 80, 10);
            assertEquals(Arrays.stream(FeedbackGuided.topUp(counts, FeedbackGuided.Budget.HALF)).sum(), r.generatedSamples());
            assertTrue(r.testAcc() > 0.3, "real images alone teach more than chance: " + r.testAcc());
        }
    }

    @Test
    void colouredGroupsPutEachImageInOneChannelAndMostInTheirClassColour() throws Exception {
        ImageData train = mnistSplits().train();
        ImageData g = ColouredGroups.imbalanced(train, 80, 0.1, 5);
        assertEquals(20, g.classes());
        assertEquals(800, g.size());
        assertEquals(2 * 14 * 14, g.pixels());
        int[] counts = g.classCounts();
        int minority = 0;
        for (int c = 0; c < 10; c++) {
            assertEquals(80, counts[2 * c] + counts[2 * c + 1]);
            minority += counts[2 * c + 1 - c % 2];
        }
        assertEquals(80, minority, 30, "about 10% of 800 in the minority colour");
        for (int i = 0; i < g.size(); i++) {
            int colour = g.labels()[i] % 2;
            double other = 0;
            for (int p = 0; p < 196; p++) other += g.images()[i * 392 + (1 - colour) * 196 + p];
            assertEquals(0, other, "channel " + (1 - colour) + " of image " + i + " is empty");
        }
        ImageData classes = ColouredGroups.classes(g);
        for (int i = 0; i < g.size(); i++) assertEquals(ColouredGroups.classOf(g.labels()[i]), classes.labels()[i]);
    }

    @Test
    void groupToppingUpReportsWorstGroupAccuracy() throws Exception {
        Splits s = mnistSplits();
        try (Graph g = new Graph(0)) {
            Cvae gen = new Cvae(g, new Cvae.Shape("mnist-groups", 28, 14, 20, 32, 4), new SplittableRandom(2));
            ImageData real = ColouredGroups.imbalanced(s.train(), 80, 0.1, 1);
            LearnerTraining.Options lo = new LearnerTraining.Options(32, 200, 32, 1e-3, 0.01, 4);
            FeedbackGuided.GroupResult r = FeedbackGuided.runGroups(gen, real, ColouredGroups.fair(s.validation(), 2), ColouredGroups.fair(s.test(), 3),
                    new FeedbackGuided.Options(new Guidance.Settings(Criterion.LOSS, 0.03, 2), FeedbackGuided.Budget.FULL, 0, 1, lo), null);
            assertEquals(Arrays.stream(FeedbackGuided.topUp(real.classCounts(), FeedbackGuided.Budget.FULL)).sum(), r.generatedSamples());
            assertEquals(20, r.groupAcc().length);
            assertEquals(Arrays.stream(r.groupAcc()).min().orElseThrow(), r.worstGroupAcc(), 1e-12);
            assertTrue(r.worstGroupAcc() <= r.testAcc());
        }
    }
}
