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
import dev.tiller.train.synth.FeedbackGuided;
import dev.tiller.train.synth.Guidance;
import dev.tiller.train.synth.LearnerTraining;
import dev.tiller.train.synth.Splits;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;

/**
 * {@code tiller synth feedback --dataset fmnist-lt --generator G --criterion
 * none|loss|entropy|hardness [--budget full|half] --out DIR [--json]}: tops up Fashion-MNIST-LT's
 * classes with samples guided by a classifier of the real long-tailed images, retrains, and scores
 * the balanced test set (DIR/result.json, DIR/classes.csv).
 */
@Command(name = "feedback", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Feedback-guided synthesis: top up a long-tailed data set's rare classes with classifier-guided samples.")
final class SynthFeedbackCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--dataset", required = true, paramLabel = "fmnist-lt|mnist-lt", description = "the long-tailed data set (5000 down to 50 images per class; mnist-lt: 900 down to 9)")
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

    @Option(names = "--seed", paramLabel = "S", description = "samples, initialisation and batches (default: ${DEFAULT-VALUE})")
    long seed = 0;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "writes result.json and classes.csv")
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
                default -> throw new IllegalArgumentException("--dataset must be fmnist-lt or mnist-lt, got '" + dataset + "'");
            };
            FeedbackGuided.Budget b = switch (budget) {
                case "full" -> FeedbackGuided.Budget.FULL;
                case "half" -> FeedbackGuided.Budget.HALF;
                case "none" -> FeedbackGuided.Budget.NONE;
                default -> throw new IllegalArgumentException("--budget must be full, half or none, got '" + budget + "'");
            };
            Guidance.Settings gs = new Guidance.Settings(Criterion.parse(criterion), scale, guidanceSteps);
            LearnerTraining.Options lo = new LearnerTraining.Options(256, steps, 128, 1e-3, 0.01, seed);
            o = base.equals("fmnist") ? FeedbackGuided.Options.fashionMnistLt(gs, b, lo) : new FeedbackGuided.Options(gs, b, 900, 100, lo);
        } catch (IllegalArgumentException e) {
            throw Cli.usage(spec, e.getMessage());
        }
        Cvae.Shape shape = Cvae.readShape(generator);
        SynthChecks.trainedOn(spec, generator, shape, base);
        Splits s = data.load(base);
        SynthChecks.sameImages(spec, generator, shape, s.train());
        try {
            Files.createDirectories(out);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot create " + out + ": " + e.getMessage());
        }
        AtomicFiles.checkWritable(out.resolve("result.json"));
        try (Graph g = new Graph(threads.threads)) {
            long t0 = System.nanoTime();
            FeedbackGuided.Result r = FeedbackGuided.run(Cvae.load(g, generator), s, o, System.err);
            double seconds = (System.nanoTime() - t0) / 1e9;
            StringBuilder csv = new StringBuilder("class,train_real,test_acc\n");
            for (int c = 0; c < r.classAcc().length; c++) csv.append(String.format(Locale.ROOT, "%d,%d,%.4f%n", c, r.trainCounts()[c], r.classAcc()[c]));
            AtomicFiles.writeString(out.resolve("classes.csv"), csv);
            ObjectNode j = JsonOut.object();
            j.put("criterion", o.guidance().criterion().label());
            j.put("budget", budget);
            j.put("test_acc", JsonOut.fixed(r.testAcc(), 4));
            j.put("many_acc", JsonOut.fixed(r.manyAcc(), 4));
            j.put("medium_acc", JsonOut.fixed(r.mediumAcc(), 4));
            j.put("few_acc", JsonOut.fixed(r.fewAcc(), 4));
            j.put("generated_samples", r.generatedSamples());
            j.put("seconds", JsonOut.fixed(seconds, 1));
            AtomicFiles.writeString(out.resolve("result.json"), j.toString() + "\n");
            if (json) {
                JsonOut.print(j);
            } else {
                System.out.printf(Locale.ROOT, "%s guidance, %s budget (%d samples): test %.4f; many %.4f, medium %.4f, few %.4f; wrote %s%n",
                        o.guidance().criterion().label(), budget, r.generatedSamples(), r.testAcc(), r.manyAcc(), r.mediumAcc(), r.fewAcc(), out);
            }
        }
        return 0;
    }
}
