package dev.tiller.train.synth;

/**
 * A data set as the synthetic-data experiments use it: the generator and the real-data
 * classifiers learn from train; validation is the last 1,000 images of the training file (real
 * images no generator saw: Deliberate Practice's D_val, which picks checkpoints and triggers
 * generation); test is the official test file, read only for the reported accuracies.
 */
public record Splits(String name, ImageData train, ImageData validation, ImageData test) {
    public static final int VALIDATION = 1000;

    public static Splits of(String name, ImageData trainFile, ImageData testFile) {
        int n = trainFile.size();
        if (n <= VALIDATION) throw new IllegalArgumentException(name + ": " + n + " training images leave none after the " + VALIDATION + " held out for validation");
        return new Splits(name, trainFile.range(0, n - VALIDATION), trainFile.range(n - VALIDATION, n), testFile);
    }
}
