package dev.tiller.train;

/** Class predictions read off rows of logits (the evaluation loops of the recipes and robustness methods). */
public final class Logits {
    private Logits() {}

    /** The class with the largest logit in row i of z, rows of k classes; the first such class on ties. */
    public static int argmax(float[] z, int i, int k) {
        int best = 0;
        for (int c = 1; c < k; c++) if (z[i * k + c] > z[i * k + best]) best = c;
        return best;
    }
}
