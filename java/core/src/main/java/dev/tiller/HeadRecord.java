package dev.tiller;

/**
 * What adaptive attention saw on one global layer during the last evaluation, per query row and
 * head (copied out of the session): p-hat (the estimated bulk mass), p_bulk (the exact one, the
 * oracle) and whether the head read the bulk. Row t is the token at position
 * {@code firstPosition + t}.
 */
public record HeadRecord(int layer, int firstPosition, int tokens, int heads, AdaptiveAttention config,
                         float[] estimates, byte[] longContext) {

    public float pHat(int t, int h) {
        return estimates[2 * index(t, h)];
    }

    public float pBulk(int t, int h) {
        return estimates[2 * index(t, h) + 1];
    }

    /** Whether head h read the bulk keys for query row t. */
    public boolean isLong(int t, int h) {
        return longContext[index(t, h)] != 0;
    }

    private int index(int t, int h) {
        if (t < 0 || t >= tokens || h < 0 || h >= heads)
            throw new IndexOutOfBoundsException("row " + t + ", head " + h + " outside " + tokens + " x " + heads);
        return t * heads + h;
    }
}
