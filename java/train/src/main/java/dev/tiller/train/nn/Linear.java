package dev.tiller.train.nn;

import dev.tiller.train.Graph;
import dev.tiller.train.Tensor;

import java.util.SplittableRandom;

/** y = x W^T + b with W [out, in] (PyTorch's and GGUF's layout), He-initialised unless given weights. */
public final class Linear extends Module {
    private final Tensor weight, bias;

    public Linear(Graph graph, int in, int out, boolean bias, SplittableRandom rng) {
        this(graph, in, out, bias, Init.he(rng, in * out, in));
    }

    /** With the given initial weights [out, in] (and a zero bias). */
    public Linear(Graph graph, int in, int out, boolean bias, float[] weights) {
        super(graph);
        weight = param("weight", weights, out, in);
        this.bias = bias ? param("bias", new float[out], out) : null;
    }

    public Tensor forward(Tensor x) {
        Tensor y = x.matmul(weight, false, true);
        return bias == null ? y : y.add(bias);
    }

    public Tensor weight() {
        return weight;
    }
}
