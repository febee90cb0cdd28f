package dev.tiller.train;

import java.util.Arrays;

/** Shape helpers. */
final class Shapes {
    private Shapes() {}

    static String str(long[] shape) {
        return Arrays.toString(shape);
    }

    static long size(long[] shape) {
        long n = 1;
        for (long d : shape) n *= d;
        return n;
    }
}
