package dev.tiller.train.dynamics;

import java.util.SplittableRandom;

/**
 * The grokking task (Power et al. 2022; Notsawo et al. 2023, section 2.2): every pair (a, b) of
 * [0, p) with the answer a op b mod p, split at random by a seed into a training fraction r and
 * the rest for validation. All p^2 ordered pairs are used for every operation.
 */
public final class ModularArithmetic {
    public enum Op {
        ADD, SUB, MUL;

        int apply(int a, int b, int p) {
            return switch (this) {
                case ADD -> (a + b) % p;
                case SUB -> ((a - b) % p + p) % p;
                case MUL -> (int) ((long) a * b % p);
            };
        }

        public static Op parse(String s) {
            return switch (s.strip().toLowerCase(java.util.Locale.ROOT)) {
                case "add" -> ADD;
                case "sub" -> SUB;
                case "mul" -> MUL;
                default -> throw new IllegalArgumentException("unknown operation '" + s + "': expected add, sub or mul");
            };
        }
    }

    /** Pairs and answers of one split. */
    public record Pairs(int[] a, int[] b, int[] answer) {
        public int size() {
            return a.length;
        }
    }

    private final Op op;
    private final int p;
    private final Pairs train, val;

    private ModularArithmetic(Op op, int p, Pairs train, Pairs val) {
        this.op = op;
        this.p = p;
        this.train = train;
        this.val = val;
    }

    public static ModularArithmetic of(Op op, int p, double frac, long seed) {
        if (p > 46340 || !isPrime(p)) throw new IllegalArgumentException("p must be a prime (2..46337); got " + p);
        if (!(frac > 0 && frac < 1)) throw new IllegalArgumentException("the training fraction must lie in (0, 1); got " + frac);
        int n = p * p, nTrain = (int) Math.round(frac * n);
        if (nTrain < 1 || nTrain >= n)
            throw new IllegalArgumentException("a training fraction of " + frac + " of " + n + " pairs leaves a split empty");
        int[] order = new int[n];
        for (int i = 0; i < n; i++) order[i] = i;
        SplittableRandom rnd = new SplittableRandom(seed);
        for (int i = n - 1; i > 0; i--) {  // Fisher-Yates
            int j = rnd.nextInt(i + 1), t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        return new ModularArithmetic(op, p, pairs(op, p, order, 0, nTrain), pairs(op, p, order, nTrain, n));
    }

    private static Pairs pairs(Op op, int p, int[] order, int from, int to) {
        int m = to - from;
        int[] a = new int[m], b = new int[m], y = new int[m];
        for (int i = 0; i < m; i++) {
            int pair = order[from + i];
            a[i] = pair / p;
            b[i] = pair % p;
            y[i] = op.apply(a[i], b[i], p);
        }
        return new Pairs(a, b, y);
    }

    public static boolean isPrime(int p) {
        if (p < 2) return false;
        for (int d = 2; (long) d * d <= p; d++)
            if (p % d == 0) return false;
        return true;
    }

    public Op op() {
        return op;
    }

    public int p() {
        return p;
    }

    public Pairs train() {
        return train;
    }

    public Pairs val() {
        return val;
    }
}
