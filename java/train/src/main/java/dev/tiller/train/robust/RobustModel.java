package dev.tiller.train.robust;

import dev.tiller.train.Graph;
import dev.tiller.train.Tensor;
import dev.tiller.train.algo.Classifier;
import dev.tiller.train.nn.Init;
import dev.tiller.train.nn.Linear;
import dev.tiller.train.nn.Mlp;
import dev.tiller.train.nn.Module;
import dev.tiller.train.nn.SmallCnn;
import dev.tiller.train.nn.ToyNet;

import java.util.SplittableRandom;
import java.util.function.UnaryOperator;

/**
 * The classifiers of the robustness commands, by name: {@code linear}, {@code torch-linear} (no
 * bias, PyTorch's default initialisation: the MAT toy's Net), {@code mlp} (hidden widths,
 * ReLU), {@code cnn} (the small CNN, for features that are C x H x H images, C <= 3, H a multiple
 * of 4) and {@code toy} (BalancingGroups' ToyNet with its gammas, two classes).
 */
public final class RobustModel {
    private final Module module;
    private final UnaryOperator<Tensor> forward;
    private final Graph graph;

    RobustModel(Graph graph, Module module, UnaryOperator<Tensor> forward) {
        this.graph = graph;
        this.module = module;
        this.forward = forward;
    }

    public static RobustModel create(Graph g, String name, int dim, int classes, int[] hidden, float[] toyGammas, SplittableRandom rng) {
        switch (name) {
            case "linear": {
                Linear m = new Linear(g, dim, classes, true, rng);
                return new RobustModel(g, m, m::forward);
            }
            case "torch-linear": {
                Linear m = new Linear(g, dim, classes, false, Init.torchLinear(rng, dim, classes));
                return new RobustModel(g, m, m::forward);
            }
            case "mlp": {
                int[] sizes = new int[hidden.length + 2];
                sizes[0] = dim;
                System.arraycopy(hidden, 0, sizes, 1, hidden.length);
                sizes[sizes.length - 1] = classes;
                Mlp m = new Mlp(g, sizes, rng);
                return new RobustModel(g, m, m::forward);
            }
            case "cnn": {
                int[] image = image(dim);
                SmallCnn m = new SmallCnn(g, image[0], image[1], image[1], classes, rng);
                return new RobustModel(g, m, x -> m.forward(x.reshape(x.dim(0), image[0], image[1], image[1])));
            }
            case "toy": {
                if (classes != 2) throw new IllegalArgumentException("--model toy is a one-logit model for two classes; the data has " + classes);
                ToyNet m = new ToyNet(g, dim, toyGammas[0], toyGammas[1], toyGammas[2], rng);
                return new RobustModel(g, m, m::forward);
            }
            default:
                throw new IllegalArgumentException("unknown model '" + name + "' (known: linear, torch-linear, mlp, cnn, toy)");
        }
    }

    /** {channels, side} of features that form C x H x H images (C <= 3, H a multiple of 4: the small CNN's input). */
    static int[] image(int dim) {
        for (int c = 1; c <= 3; c++) {
            int h = (int) Math.round(Math.sqrt(dim / (double) c));
            if (c * h * h == dim && h % 4 == 0) return new int[] {c, h};
        }
        throw new IllegalArgumentException("--model cnn needs features that form C x H x H images (C <= 3, H a multiple of 4); these have " + dim);
    }

    public Module module() {
        return module;
    }

    public Tensor logits(float[] features, int rows, int dim) {
        return forward.apply(graph.constant(features, rows, dim));
    }

    public Classifier classifier() {
        return b -> logits(b.features(), b.size(), b.dim());
    }
}
