package dev.tiller.train.synth;

/**
 * A long-tailed subset with the exponential profile of ImageNet-LT-style benchmarks: class c keeps
 * round(head * (1 / imbalance)^(c / (classes - 1))) images, the first ones of that class in file
 * order (so every run sees the same subset); Fashion-MNIST-LT is head 5000, imbalance 100 (5000
 * down to 50). Classes are many-shot above 1000 training images, few-shot below 200, medium between.
 */
public final class LongTail {
    public static final int MANY_ABOVE = 1000, FEW_BELOW = 200;

    public enum Split { MANY, MEDIUM, FEW }

    private LongTail() {}

    public static int[] counts(int classes, int head, double imbalance) {
        if (head < 1 || !(imbalance >= 1) || Double.isInfinite(imbalance)) throw new IllegalArgumentException("head must be >= 1 and imbalance a number >= 1");
        int[] n = new int[classes];
        for (int c = 0; c < classes; c++) n[c] = (int) Math.round(head * Math.pow(1 / imbalance, (double) c / (classes - 1)));
        return n;
    }

    public static ImageData of(ImageData data, int head, double imbalance) {
        int[] want = counts(data.classes(), head, imbalance), have = data.classCounts();
        for (int c = 0; c < want.length; c++) {
            if (have[c] < want[c]) throw new IllegalArgumentException("class " + c + " has " + have[c] + " images, the long tail needs " + want[c]);
        }
        int[] taken = new int[data.classes()], idx = new int[java.util.Arrays.stream(want).sum()];
        int k = 0;
        for (int i = 0; i < data.size(); i++) {
            int y = data.labels()[i];
            if (taken[y] < want[y]) {
                taken[y]++;
                idx[k++] = i;
            }
        }
        return data.subset(idx);
    }

    public static Split split(int trainingCount) {
        return trainingCount > MANY_ABOVE ? Split.MANY : trainingCount < FEW_BELOW ? Split.FEW : Split.MEDIUM;
    }
}
