package dev.tiller.train.nn;

import java.util.SplittableRandom;

/** Weight initialisations from a seeded generator (a given seed gives the same weights). */
public final class Init {
    private Init() {}

    /** N(0, std^2). */
    public static float[] normal(SplittableRandom rng, int n, double std) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) v[i] = (float) (rng.nextGaussian() * std);
        return v;
    }

    /** He (Kaiming) normal for ReLU layers: std = sqrt(2 / fanIn). */
    public static float[] he(SplittableRandom rng, int n, int fanIn) {
        return normal(rng, n, Math.sqrt(2.0 / fanIn));
    }

    /** Xavier (Glorot) uniform for a [fanOut, fanIn] matrix: U(-b, b), b = sqrt(6 / (fanIn + fanOut)). */
    public static float[] xavierUniform(SplittableRandom rng, int fanIn, int fanOut) {
        double b = Math.sqrt(6.0 / (fanIn + fanOut));
        float[] v = new float[fanIn * fanOut];
        for (int i = 0; i < v.length; i++) v[i] = (float) ((rng.nextDouble() * 2 - 1) * b);
        return v;
    }

    /** PyTorch's default for nn.Linear (kaiming_uniform with a = sqrt(5)): U(-b, b), b = 1 / sqrt(fanIn). */
    public static float[] torchLinear(SplittableRandom rng, int fanIn, int fanOut) {
        double b = 1 / Math.sqrt(fanIn);
        float[] v = new float[fanIn * fanOut];
        for (int i = 0; i < v.length; i++) v[i] = (float) ((rng.nextDouble() * 2 - 1) * b);
        return v;
    }

    public static float[] constant(int n, float value) {
        float[] v = new float[n];
        java.util.Arrays.fill(v, value);
        return v;
    }
}
