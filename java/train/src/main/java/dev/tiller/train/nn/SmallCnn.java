package dev.tiller.train.nn;

import dev.tiller.train.Graph;
import dev.tiller.train.Tensor;
import java.util.SplittableRandom;

/**
 * conv3x3(c -> 16) ReLU maxpool2, conv3x3(16 -> 32) ReLU maxpool2, linear to the classes: the
 * small image classifier of the robustness experiments (MNIST-sized input [N, C, 28, 28]). With
 * classes 0 it has no head: {@link #features} is a trunk for another head (CRM's energies).
 */
public final class SmallCnn extends Module {
    private final Tensor w1, b1, w2, b2;
    private final Linear head;
    private final int flat;

    public SmallCnn(Graph graph, int channels, int height, int width, int classes, SplittableRandom rng) {
        super(graph);
        w1 = param("conv1.weight", Init.he(rng, 16 * channels * 9, channels * 9), 16, channels, 3, 3);
        b1 = param("conv1.bias", new float[16], 16);
        w2 = param("conv2.weight", Init.he(rng, 32 * 16 * 9, 16 * 9), 32, 16, 3, 3);
        b2 = param("conv2.bias", new float[32], 32);
        flat = 32 * (height / 4) * (width / 4);
        head = classes > 0 ? child("head", new Linear(graph, flat, classes, true, rng)) : null;
    }

    /** The flattened output of the second pooling, [N, featureSize()]. */
    public Tensor features(Tensor x) {
        Tensor h = x.conv2d(w1, b1, 1, 1).relu().maxPool2d(2, 2);
        h = h.conv2d(w2, b2, 1, 1).relu().maxPool2d(2, 2);
        return h.reshape(h.dim(0), flat);
    }

    public int featureSize() {
        return flat;
    }

    public Tensor forward(Tensor x) {
        if (head == null) throw new IllegalStateException("this SmallCnn has no head (classes 0): use features()");
        return head.forward(features(x));
    }
}
