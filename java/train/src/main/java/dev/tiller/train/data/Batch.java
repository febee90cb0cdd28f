package dev.tiller.train.data;

/** The examples of one batch: their dataset indices, features [n, dim], labels and groups. */
public record Batch(int[] indices, float[] features, int dim, int[] labels, int[] groups) {
    public int size() {
        return indices.length;
    }
}
