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
        super(graph);
        if (sizes.length < 2) throw new IllegalArgumentException("an MLP needs at least input and output sizes");
        for (int i = 0; i + 1 < sizes.length; i++) layers.add(child("layers." + i, new Linear(graph, sizes[i], sizes[i + 1], true, rng)));
    }

    public Tensor forward(Tensor x) {
        for (int i = 0; i < layers.size(); i++) {
            x = layers.get(i).forward(x);
            if (i + 1 < layers.size()) x = x.relu();
        }
        return x;
    }
}
