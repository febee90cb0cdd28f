package dev.tiller.train.text;

/**
 * An interpolated Kneser-Ney trigram model over token ids (Chen and Goodman's formulation with one
 * discount per order, D = n1 / (n1 + 2 n2)), the baseline a small neural model must beat.
 * Lower orders use continuation counts; the unigram level interpolates with the uniform
 * distribution, so every token has a probability.
 */
public final class KneserNeyTrigram {
    private final int vocab;
    private final LongCounts tri = new LongCounts(), ctx2 = new LongCounts(), types2 = new LongCounts();  // c(uvw), c(uv.), N1+(uv.)
    private final LongCounts cont2 = new LongCounts(), cont2ctx = new LongCounts(), cont2types = new LongCounts();  // N1+(.vw), N1+(.v.), N1+(v.) over cont2
    private final int[] cont1;  // N1+(.w)
    private long cont1Total;
    private int cont1Types;
    private final double d3, d2, d1;

    /** Trains on a stream; bos starts the stream's context, as it starts every evaluation window. */
    public KneserNeyTrigram(int[] stream, int bos, int vocab) {
        this.vocab = vocab;
        int prev2 = bos, prev1 = bos;
        for (int w : stream) {
            tri.add(key(prev2, prev1, w), 1);
            prev2 = prev1;
            prev1 = w;
        }
        tri.forEachKey(k -> {
            int u = (int) (k / vocab / vocab), v = (int) (k / vocab % vocab), w = (int) (k % vocab);
            int c = tri.get(k);
            ctx2.add(key(0, u, v), c);
            types2.add(key(0, u, v), 1);
            cont2.add(key(0, v, w), 1);
        });
        cont1 = new int[vocab];
        cont2.forEachKey(k -> {
            int v = (int) (k / vocab % vocab), w = (int) (k % vocab);
            cont2ctx.add(v, cont2.get(k));
            cont2types.add(v, 1);
            cont1[w]++;
        });
        for (int c : cont1) {
            cont1Total += c;
            if (c > 0) cont1Types++;
        }
        d3 = discount(tri);
        d2 = discount(cont2);
        int n1 = 0, n2 = 0;
        for (int c : cont1) {
            if (c == 1) n1++;
            if (c == 2) n2++;
        }
        d1 = n1 + 2 * n2 == 0 ? 0.5 : (double) n1 / (n1 + 2 * n2);
    }

    private static double discount(LongCounts counts) {
        long[] n = new long[3];
        counts.forEachKey(k -> {
            int c = counts.get(k);
            if (c <= 2) n[c]++;
        });
        return n[1] + 2 * n[2] == 0 ? 0.5 : (double) n[1] / (n[1] + 2 * n[2]);
    }

    private long key(int u, int v, int w) {
        return ((long) u * vocab + v) * vocab + w;
    }

    double p1(int w) {
        return Math.max(cont1[w] - d1, 0) / cont1Total + d1 * cont1Types / cont1Total / vocab;
    }

    double p2(int v, int w) {
        int ctx = cont2ctx.get(v);
        if (ctx == 0) return p1(w);
        return Math.max(cont2.get(key(0, v, w)) - d2, 0) / ctx + d2 * cont2types.get(v) / ctx * p1(w);
    }

    /** P(w | u v). */
    public double probability(int u, int v, int w) {
        int ctx = ctx2.get(key(0, u, v));
        if (ctx == 0) return p2(v, w);
        return Math.max(tri.get(key(u, v, w)) - d3, 0) / ctx + d3 * types2.get(key(0, u, v)) / ctx * p2(v, w);
    }

    /**
     * Mean -log P over the targets of consecutive windows of len tokens (the positions the neural
     * model is scored on, {@code HeldOut.loss}). The trigram gets its two preceding tokens from the
     * stream even at a window's start, where the neural model sees only BOS: a slight advantage
     * to the baseline.
     */
    public double heldOutLoss(int[] stream, int bos, int windows, int len) {
        double sum = 0;
        long n = 0;
        for (int t = 0; t < windows * len; t++) {
            int u = t >= 2 ? stream[t - 2] : bos, v = t >= 1 ? stream[t - 1] : bos;
            sum -= Math.log(probability(u, v, stream[t]));
            n++;
        }
        return sum / n;
    }
}
