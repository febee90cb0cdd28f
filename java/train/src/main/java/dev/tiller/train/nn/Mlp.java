package dev.tiller.train.nn;

import dev.tiller.train.Graph;
import dev.tiller.train.Tensor;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/** Linear layers with ReLU between them: sizes {784, 512, 512, 10} is 784-512-512-10. */
public final class Mlp extends Module {
    private final List<Linear> layers = new ArrayList<>();

    public Mlp(Graph graph, int[] sizes, SplittableRandom rng) {
        this(graph, sizes, rng, false);
    }

    /** xavier: Xavier-uniform weights (XRM's networks.py MLP) instead of He-normal; biases start at zero either way. */
    public Mlp(Graph graph, int[] sizes, SplittableRandom rng, boolean xavier) {
        super(graph);
        if (sizes.length < 2) throw new IllegalArgumentException("an MLP needs at least input and output sizes");
        for (int i = 0; i + 1 < sizes.length; i++) {
            int in = sizes[i], out = sizes[i + 1];
            float[] w = xavier ? Init.xavierUniform(rng, in, out) : Init.he(rng, in * out, in);
            layers.add(child("layers." + i, new Linear(graph, in, out, true, w)));
        }
    }

    public Tensor forward(Tensor x) {
        for (int i = 0; i < layers.size(); i++) {
            x = layers.get(i).forward(x);
            if (i + 1 < layers.size()) x = x.relu();
        }
        return x;
    }
}
