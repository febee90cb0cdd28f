package dev.tiller.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import dev.tiller.io.AtomicFiles;
import dev.tiller.train.Graph;
import dev.tiller.train.synth.ColouredGroups;
import dev.tiller.train.synth.Criterion;
import dev.tiller.train.synth.Cvae;
import dev.tiller.train.synth.FeedbackGuided;
import dev.tiller.train.synth.Guidance;
import dev.tiller.train.synth.ImageData;
import dev.tiller.train.synth.LearnerTraining;
import dev.tiller.train.synth.Splits;

import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;

/**
 * {@code tiller synth feedback --dataset fmnist-lt --generator G --criterion
 * none|loss|entropy|hardness [--budget full|half] --out DIR [--json]}: tops up Fashion-MNIST-LT's
 * classes with samples guided by a classifier of the real long-tailed images, retrains, and scores
 * the balanced test set (DIR/result.json, DIR/classes.csv); cfmnist-groups tops up the rare
 * class x colour groups of Colored Fashion-MNIST instead and reports worst-group accuracy
 * (DIR/groups.csv).
 */
@Command(name = "feedback", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Feedback-guided synthesis: top up a long-tailed data set's rare classes with classifier-guided samples.")
final class SynthFeedbackCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--dataset", required = true, paramLabel = "fmnist-lt|mnist-lt|cfmnist-groups",
            description = "the imbalanced data set: long-tailed (5000 down to 50 images per class; mnist-lt: 900 down to 9) or group-imbalanced Colored Fashion-MNIST")
    String dataset;

    @Option(names = "--generator", required = true, paramLabel = "G", description = "a generator of the balanced data set (tiller synth generator)")
    Path generator;

    @Option(names = "--criterion", required = true, paramLabel = "none|loss|entropy|hardness", description = "what the guidance ascends")
    String criterion;

    @Option(names = "--budget", paramLabel = "full|half|none", description = "top up to the head class, half of that, or no samples (default: ${DEFAULT-VALUE})")
    String budget = "full";

    @Option(names = "--scale", paramLabel = "X", description = "guidance step as a fraction of the latent's norm (default: ${DEFAULT-VALUE}, the official fg_scale)")
    double scale = 0.03;

    @Option(names = "--guidance-steps", paramLabel = "K", description = "guidance steps per sample (default: ${DEFAULT-VALUE})")
    int guidanceSteps = 6;

    @Option(names = "--steps", paramLabel = "N", description = "training steps of each classifier (default: ${DEFAULT-VALUE})")
    long steps = 5000;

    @Option(names = "--head", paramLabel = "N", description = "images of the head class (default: 5000 for fmnist-lt, 900 for mnist-lt)")
    Integer head;

    @Option(names = "--imbalance", paramLabel = "R", description = "head count over tail count (default: ${DEFAULT-VALUE})")
    double imbalance = 100;

    @Option(names = "--seed", paramLabel = "S", description = "samples, initialisation and batches (default: ${DEFAULT-VALUE})")
    long seed = 0;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "writes result.json and classes.csv (groups.csv for cfmnist-groups)")
    Path out;

    @Option(names = "--json", description = "print a summary as one JSON object, the last line of stdout")
    boolean json;

    @Mixin
    SynthDataOptions data;

    @Mixin
    ThreadsOption threads;

    @Override
    public Integer call() {
        FeedbackGuided.Options o;
        String base;
        try {
            base = switch (dataset) {
                case "fmnist-lt" -> "fmnist";
                case "mnist-lt" -> "mnist";
                case "cfmnist-groups" -> "cfmnist-groups";
                default -> throw new IllegalArgumentException("--dataset must be fmnist-lt, mnist-lt or cfmnist-groups, got '" + dataset + "'");
            };
            FeedbackGuided.Budget b = switch (budget) {
                case "full" -> FeedbackGuided.Budget.FULL;
                case "half" -> FeedbackGuided.Budget.HALF;
                case "none" -> FeedbackGuided.Budget.NONE;
                default -> throw new IllegalArgumentException("--budget must be full, half or none, got '" + budget + "'");
            };
            Guidance.Settings gs = new Guidance.Settings(Criterion.parse(criterion), scale, guidanceSteps);
            LearnerTraining.Options lo = new LearnerTraining.Options(256, steps, 128, 1e-3, 0.01, seed);
            int h = head != null ? head : base.equals("fmnist") ? 5000 : 900;
            if (h < 1 || !(imbalance >= 1) || Double.isInfinite(imbalance)) throw new IllegalArgumentException("--head must be >= 1 and --imbalance a number >= 1");
            o = new FeedbackGuided.Options(gs, b, h, imbalance, lo);
        } catch (IllegalArgumentException e) {
            throw Cli.usage(spec, e.getMessage());
        }
        Cvae.Shape shape = Cvae.readShape(generator);
        SynthChecks.trainedOn(spec, generator, shape, base);
        boolean groups = base.equals("cfmnist-groups");
        Splits plain = data.load(groups ? "fmnist" : base), s = groups ? ColouredGroups.fairSplits(plain) : plain;
        SynthChecks.sameImages(spec, generator, shape, s.train());
        SynthChecks.prepareOut(out);
        try (Graph g = new Graph(threads.threads)) {
            long t0 = System.nanoTime();
            Cvae gen = Cvae.load(g, generator);
            ObjectNode j = JsonOut.object();
            j.put("criterion", o.guidance().criterion().label());
            j.put("budget", budget);
            String summary;
            if (groups) {
                ImageData real = ColouredGroups.imbalanced(plain.train(), ColouredGroups.PER_CLASS, ColouredGroups.MINORITY, seed);
                FeedbackGuided.GroupResult r = FeedbackGuided.runGroups(gen, real, s.validation(), s.test(), o, System.err);
                perCondition(out, "group", r.trainCounts(), r.groupAcc());
                j.put("test_acc", JsonOut.fixed(r.testAcc(), 4));
                j.put("worst_group_acc", JsonOut.fixed(r.worstGroupAcc(), 4));
                j.put("val_acc", JsonOut.fixed(r.valAcc(), 4));
                j.put("val_worst_group_acc", JsonOut.fixed(r.valWorstGroupAcc(), 4));
                j.put("generated_samples", r.generatedSamples());
                summary = String.format(Locale.ROOT, "test %.4f, worst group %.4f", r.testAcc(), r.worstGroupAcc());
            } else {
                FeedbackGuided.Result r = FeedbackGuided.run(gen, s, o, System.err);
                perCondition(out, "class", r.trainCounts(), r.classAcc());
                j.put("test_acc", JsonOut.fixed(r.testAcc(), 4));
                j.put("many_acc", JsonOut.fixed(r.manyAcc(), 4));
                j.put("medium_acc", JsonOut.fixed(r.mediumAcc(), 4));
                j.put("few_acc", JsonOut.fixed(r.fewAcc(), 4));
                j.put("val_acc", JsonOut.fixed(r.valAcc(), 4));
                j.put("val_few_acc", JsonOut.fixed(r.valFewAcc(), 4));
                j.put("generated_samples", r.generatedSamples());
                summary = String.format(Locale.ROOT, "test %.4f; many %.4f, medium %.4f, few %.4f", r.testAcc(), r.manyAcc(), r.mediumAcc(), r.fewAcc());
            }
            j.put("seconds", JsonOut.fixed((System.nanoTime() - t0) / 1e9, 1));
            AtomicFiles.writeString(out.resolve("result.json"), j.toString() + "\n");
            if (json) {
                JsonOut.print(j);
            } else {
                System.out.printf(Locale.ROOT, "%s guidance, %s budget (%d samples): %s; wrote %s%n", o.guidance().criterion().label(), budget,
                        j.get("generated_samples").asInt(), summary, out);
            }
        }
        return 0;
    }

    /** DIR/classes.csv (or groups.csv): each class's or group's real training count and test accuracy. */
    private static void perCondition(Path dir, String what, int[] counts, double[] acc) {
        StringBuilder csv = new StringBuilder(what + ",train_real,test_acc\n");
        for (int c = 0; c < acc.length; c++) csv.append(String.format(Locale.ROOT, "%d,%d,%.4f%n", c, counts[c], acc[c]));
        AtomicFiles.writeString(dir.resolve(what.equals("group") ? "groups.csv" : "classes.csv"), csv);
    }
}
