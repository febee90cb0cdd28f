package dev.tiller.train.nn;

import dev.tiller.train.Graph;
import dev.tiller.train.Tensor;

import java.util.SplittableRandom;

/**
 * BalancingGroups' ToyNet (models.py): one logit w . (x * gamma), no bias, with gamma = (gamma_spu,
 * gamma_core, gamma_noise...) setting how fast each feature is learned and w initialised to
 * 0.01 / gamma times PyTorch's Linear default U(-1/sqrt(d), 1/sqrt(d)). As two-class logits
 * (0, z): their cross-entropy is the reference's BCE-with-logits of z, argmax is z > 0.
 */
public final class ToyNet extends Module {
    private final Tensor w;
    private final float[] gammas;

    public ToyNet(Graph graph, int dim, float gammaSpurious, float gammaCore, float gammaNoise, SplittableRandom rng) {
        super(graph);
        gammas = new float[dim];
        for (int j = 0; j < dim; j++) gammas[j] = j == 0 ? gammaSpurious : j == 1 ? gammaCore : gammaNoise;
        float[] init = new float[dim];
        double bound = 1 / Math.sqrt(dim);
        for (int j = 0; j < dim; j++) init[j] = (float) (0.01 / gammas[j] * (rng.nextDouble() * 2 - 1) * bound);
        w = param("weight", init, dim, 1);
    }

    /** Logits [N, 2] = (0, z) of x [N, dim]. */
    public Tensor forward(Tensor x) {
        Tensor z = x.mul(graph.constant(gammas, gammas.length)).matmul(w);
        return Tensor.concat(1, graph.constant(new float[(int) x.dim(0)], x.dim(0), 1), z);
    }
}
