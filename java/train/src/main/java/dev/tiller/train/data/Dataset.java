package dev.tiller.train.data;

import java.util.HashMap;
import java.util.Map;

/**
 * Examples as rows of float features with a label and a group, plus per-example state kept by
 * index: labels may change during training (XRM's label flipping) and named stores hold outputs
 * recorded per example (held-out logits, losses, error counts).
 */
public final class Dataset {
    private final float[] features;
    private final int dim, n;
    private final int[] labels, originalLabels, groups;
    private final int classes;
    private final Map<String, float[]> stores = new HashMap<>();
    private final Map<String, Integer> widths = new HashMap<>();

    /** features holds n rows of dim values; groups may be null (all 0). */
    public Dataset(float[] features, int dim, int[] labels, int[] groups, int classes) {
        if (dim <= 0 || features.length % dim != 0 || features.length / dim != labels.length || (groups != null && groups.length != labels.length)) {
            throw new IllegalArgumentException("features, labels and groups disagree on the number of examples");
        }
        this.features = features;
        this.dim = dim;
        this.n = labels.length;
        this.labels = labels.clone();
        this.originalLabels = labels.clone();
        this.groups = groups == null ? new int[n] : groups.clone();
        this.classes = classes;
        for (int y : labels) if (y < 0 || y >= classes) throw new IllegalArgumentException("label " + y + " is outside [0, " + classes + ")");
    }

    public int size() { return n; }
    public int dim() { return dim; }
    public int classes() { return classes; }
    public int label(int i) { return labels[i]; }
    public int originalLabel(int i) { return originalLabels[i]; }
    public int group(int i) { return groups[i]; }
    public int[] labels() { return labels.clone(); }
    public int[] groups() { return groups.clone(); }

    /** Changes the training label of example i (the original stays available). */
    public void setLabel(int i, int y) {
        if (y < 0 || y >= classes) throw new IllegalArgumentException("label " + y + " is outside [0, " + classes + ")");
        labels[i] = y;
    }

    public void setGroup(int i, int g) { groups[i] = g; }

    /** The row of example i (a copy). */
    public float[] features(int i) {
        float[] r = new float[dim];
        System.arraycopy(features, i * dim, r, 0, dim);
        return r;
    }

    /** Whether a per-example store of this name has been created. */
    public boolean hasStore(String name) {
        return stores.containsKey(name);
    }

    /** A per-example store of width values (created zeroed on first use): store[i * width + j]. */
    public float[] store(String name, int width) {
        Integer w = widths.putIfAbsent(name, width);
        if (w != null && w != width) throw new IllegalArgumentException("store '" + name + "' has width " + w + ", not " + width);
        return stores.computeIfAbsent(name, k -> new float[n * width]);
    }

    public Batch batch(int[] indices) {
        float[] x = new float[indices.length * dim];
        int[] y = new int[indices.length], g = new int[indices.length];
        for (int k = 0; k < indices.length; k++) {
            int i = indices[k];
            System.arraycopy(features, i * dim, x, k * dim, dim);
            y[k] = labels[i];
            g[k] = groups[i];
        }
        return new Batch(indices.clone(), x, dim, y, g);
    }

    /** The examples at these indices as a new dataset (state is not carried over). */
    public Dataset subset(int[] indices) {
        Batch b = batch(indices);
        return new Dataset(b.features(), dim, b.labels(), b.groups(), classes);
    }
}
