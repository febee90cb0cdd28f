package dev.tiller.train.synth;

import dev.tiller.train.Graph;
import dev.tiller.train.Logits;
import dev.tiller.train.Tensor;
import dev.tiller.train.nn.Linear;
import dev.tiller.train.nn.Module;

import java.util.SplittableRandom;

/**
 * The learner of the synthetic-data experiments: pixels -> hidden -> hidden (ReLU) -> classes.
 * Its penultimate activations are the embedding the hardness score measures.
 */
public final class ImageMlp extends Module {
    private static final int CHUNK = 1024;
    private final Linear first, second, head;
    private final int inputs, classes;

    public ImageMlp(Graph graph, int inputs, int hidden, int classes, SplittableRandom rng) {
        super(graph);
        this.inputs = inputs;
        this.classes = classes;
        first = child("fc1", new Linear(graph, inputs, hidden, true, rng));
        second = child("fc2", new Linear(graph, hidden, hidden, true, rng));
        head = child("head", new Linear(graph, hidden, classes, true, rng));
    }

    public int classes() {
        return classes;
    }

    /** The penultimate activations [n, hidden] of images [n, inputs]. */
    public Tensor features(Tensor images) {
        return second.forward(first.forward(images).relu()).relu();
    }

    public Tensor logitsOfFeatures(Tensor features) {
        return head.forward(features);
    }

    public Tensor logits(Tensor images) {
        return logitsOfFeatures(features(images));
    }

    /** Logits of n images (rows of pixels), without gradients, 1024 at a time; the graph is cleared after each chunk. */
    public float[] predict(float[] images, int n) {
        return rows(images, n, false);
    }

    /** Penultimate activations of n images, without gradients, as {@link #predict} runs. */
    public float[] embed(float[] images, int n) {
        return rows(images, n, true);
    }

    private float[] rows(float[] images, int n, boolean features) {
        if ((long) n * inputs != images.length) throw new IllegalArgumentException(images.length + " pixels for " + n + " images of " + inputs);
        float[] out = null;
        int width = 0;
        for (int at = 0; at < n; at += CHUNK) {
            int m = Math.min(CHUNK, n - at);
            float[] chunk = new float[m * inputs];
            System.arraycopy(images, at * inputs, chunk, 0, chunk.length);
            float[] r = graph.noGrad(() -> {
                Tensor x = graph.constant(chunk, m, inputs);
                return (features ? features(x) : logits(x)).toArray();
            });
            graph.clear();
            if (out == null) {
                width = r.length / m;
                out = new float[n * width];
            }
            System.arraycopy(r, 0, out, at * width, r.length);
        }
        return out == null ? new float[0] : out;
    }

    /** The share of the images whose largest logit is their label's. */
    public double accuracy(float[] images, int[] labels) {
        float[] z = predict(images, labels.length);
        int right = 0;
        for (int i = 0; i < labels.length; i++) if (Logits.argmax(z, i, classes) == labels[i]) right++;
        return labels.length == 0 ? Double.NaN : (double) right / labels.length;
    }
}
