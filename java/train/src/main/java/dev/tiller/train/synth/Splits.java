package dev.tiller.train.synth;

import dev.tiller.train.data.Sampler;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * A data set as the synthetic-data experiments use it: the generator and the real-data
 * classifiers learn from train; validation is 1,000 images of the training file drawn by a fixed
 * seed (real images no generator saw: Deliberate Practice's D_val, which triggers generation and
 * picks hyper-parameters; drawn, not the last 1,000, because the MNIST file here is sorted by
 * label); test is the official test file, read only for the reported accuracies. Both parts keep
 * the file's order.
 */
public record Splits(String name, ImageData train, ImageData validation, ImageData test) {
    public static final int VALIDATION = 1000;

    public static Splits of(String name, ImageData trainFile, ImageData testFile) {
        int n = trainFile.size();
        if (n <= VALIDATION) throw new IllegalArgumentException(name + ": " + n + " training images leave none after the " + VALIDATION + " held out for validation");
        int[] order = new int[n];
        for (int i = 0; i < n; i++) order[i] = i;
        Sampler.shuffle(order, new SplittableRandom(0));
        int[] val = Arrays.copyOf(order, VALIDATION), train = Arrays.copyOfRange(order, VALIDATION, n);
        Arrays.sort(val);
        Arrays.sort(train);
        return new Splits(name, trainFile.subset(train), trainFile.subset(val), testFile);
    }
}
