package dev.tiller.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import dev.tiller.io.AtomicFiles;
import dev.tiller.train.Graph;
import dev.tiller.train.synth.Criterion;
import dev.tiller.train.synth.Cvae;
import dev.tiller.train.synth.Guidance;
import dev.tiller.train.synth.HardnessScore;
import dev.tiller.train.synth.ImageMlp;
import dev.tiller.train.synth.LearnerTraining;
import dev.tiller.train.synth.Splits;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.Callable;

/**
 * {@code tiller synth sample --generator G --class C --n N [--guidance none|entropy|loss|hardness]
 * [--scale X] --out grid.png}: draws N images of class C, guided by a classifier trained on the
 * generator's real training images when asked, and writes them as one grid.
 */
@Command(name = "sample", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Draw images of one class from a generator, optionally guided by a classifier's feedback, as a PNG grid.")
final class SynthSampleCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--generator", required = true, paramLabel = "G", description = "a generator written by tiller synth generator")
    Path generator;

    @Option(names = "--class", required = true, paramLabel = "C", description = "the class to draw, 0-based")
    int cls;

    @Option(names = "--n", required = true, paramLabel = "N", description = "how many images")
    int n;

    @Option(names = "--guidance", paramLabel = "none|entropy|loss|hardness", description = "the classifier criterion the latents ascend (default: ${DEFAULT-VALUE})")
    String guidance = "none";

    @Option(names = "--scale", paramLabel = "X", description = "guidance step, a fraction of the latent's norm (default: ${DEFAULT-VALUE}, feedback-guided synthesis's fg_scale)")
    double scale = 0.03;

    @Option(names = "--steps", paramLabel = "K", description = "guidance steps (default: ${DEFAULT-VALUE}: every 5th of 30 sampler steps, as the official sampler)")
    int steps = 6;

    @Option(names = "--classifier-steps", paramLabel = "N", description = "training steps of the guiding classifier (default: ${DEFAULT-VALUE})")
    long classifierSteps = 3000;

    @Option(names = "--seed", paramLabel = "S", description = "latents and classifier (default: ${DEFAULT-VALUE})")
    long seed = 0;

    @Option(names = "--out", required = true, paramLabel = "grid.png", description = "the PNG grid")
    Path out;

    @Option(names = "--json", description = "print a summary as one JSON object, the last line of stdout")
    boolean json;

    @Mixin
    SynthDataOptions data;

    @Mixin
    ThreadsOption threads;

    @Override
    public Integer call() {
        Guidance.Settings settings;
        LearnerTraining.Options classifier;
        try {
            if (n < 1) throw new IllegalArgumentException("--n must be >= 1, got " + n);
            settings = new Guidance.Settings(Criterion.parse(guidance), scale, steps);
            classifier = LearnerTraining.Options.defaults(classifierSteps, seed);
        } catch (IllegalArgumentException e) {
            throw Cli.usage(spec, e.getMessage());
        }
        Cvae.Shape shape = Cvae.readShape(generator);
        if (cls < 0 || cls >= shape.classes()) throw Cli.usage(spec, "--class " + cls + " is not a class of " + generator + " (0 to " + (shape.classes() - 1) + ")");
        SynthChecks.fitsInMemory(spec, "--n", n, shape.pixels());
        AtomicFiles.checkWritable(out);
        try (Graph g = new Graph(threads.threads)) {
            Cvae gen = Cvae.load(g, generator);
            ImageMlp clf = null;
            HardnessScore hardness = null;
            double scoredBy = Double.NaN;
            boolean needClassifier = settings.criterion() != Criterion.NONE || json;
            if (needClassifier) {
                Splits s = data.load(shape.dataset());
                SynthChecks.sameImages(spec, generator, shape, s.train());
                System.err.println("tiller synth sample: training the guiding classifier on the real " + shape.dataset() + " images ...");
                clf = LearnerTraining.fit(g, s.train(), classifier);
                if (settings.criterion() == Criterion.HARDNESS) hardness = HardnessScore.fit(clf, s.train().images(), s.train().labels());
                scoredBy = clf.accuracy(s.test().images(), s.test().labels());
            }
            int[] labels = new int[n];
            Arrays.fill(labels, cls);
            float[] images = Guidance.draw(gen, clf, hardness, labels, seed, settings);
            ImageGrid.write(out, images, n, shape.height(), shape.width(), (int) Math.ceil(Math.sqrt(n)));
            if (json) {
                ObjectNode j = JsonOut.object();
                j.put("class", cls);
                j.put("n", n);
                j.put("guidance", settings.criterion().label());
                j.put("scale", settings.scale());
                j.put("classifier_test_acc", JsonOut.fixed(scoredBy, 4));
                j.put("labelled_as_class", JsonOut.fixed(clf.accuracy(images, labels), 4));
                j.put("out", out.toString());
                JsonOut.print(j);
            } else {
                System.out.printf(Locale.ROOT, "wrote %d images of class %d (%s guidance) to %s%n", n, cls, settings.criterion().label(), out);
            }
        }
        return 0;
    }
}
