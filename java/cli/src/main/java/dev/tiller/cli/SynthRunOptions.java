package dev.tiller.cli;

import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import dev.tiller.train.synth.Cvae;
import dev.tiller.train.synth.LearnerTraining;
import dev.tiller.train.synth.Splits;

import java.nio.file.Path;

/** What synth dp and synth static share: the data, the generator, the classifier's schedule, the output folder. */
final class SynthRunOptions {
    @Spec(Spec.Target.MIXEE)
    CommandSpec spec;

    @Option(names = "--dataset", required = true, paramLabel = "fmnist|mnist", description = "the real validation and test images")
    String dataset;

    @Option(names = "--generator", required = true, paramLabel = "G", description = "a generator of that data set (tiller synth generator)")
    Path generator;

    @Option(names = "--steps", paramLabel = "N", description = "classifier training steps, warm-up 10%% and cool-down 20%% included (default: ${DEFAULT-VALUE})")
    long steps = 2000;

    @Option(names = "--eval-every", paramLabel = "N", description = "validation interval tau in steps (default: ${DEFAULT-VALUE})")
    long evalEvery = 50;

    @Option(names = "--lr", paramLabel = "X", description = "peak AdamW learning rate (default: ${DEFAULT-VALUE})")
    double lr = 1e-3;

    @Option(names = "--seed", paramLabel = "S", description = "samples, initialisation and batches (default: ${DEFAULT-VALUE})")
    long seed = 0;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "writes curve.csv, accuracy-vs-samples.png, accuracy-vs-iterations.png, result.json")
    Path out;

    @Option(names = "--json", description = "print a summary as one JSON object, the last line of stdout")
    boolean json;

    @Mixin
    SynthDataOptions data;

    @Mixin
    ThreadsOption threads;

    LearnerTraining.Options learner() {
        try {
            return new LearnerTraining.Options(256, steps, 128, lr, 0.01, seed);
        } catch (IllegalArgumentException e) {
            throw Cli.usage(spec, e.getMessage());
        }
    }

    /** The data set, checked against the generator's. */
    Splits splits(Cvae.Shape shape) {
        SynthChecks.trainedOn(spec, generator, shape, dataset);
        Splits s = data.load(dataset);
        SynthChecks.sameImages(spec, generator, shape, s.train());
        return s;
    }
}
