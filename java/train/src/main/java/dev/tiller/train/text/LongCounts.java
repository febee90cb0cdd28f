package dev.tiller.train.text;

import java.util.function.LongConsumer;

/** Counts keyed by long, open addressing (n-gram counts without boxing). */
final class LongCounts {
    private long[] keys = new long[1 << 16];
    private int[] values = new int[1 << 16];
    private boolean[] used = new boolean[1 << 16];
    private int size;

    private int slot(long k) {
        int mask = keys.length - 1, i = (int) (mix(k) & mask);
        while (used[i] && keys[i] != k) i = (i + 1) & mask;
        return i;
    }

    private static long mix(long k) {
        k ^= k >>> 33;
        k *= 0xff51afd7ed558ccdL;
        return k ^ (k >>> 33);
    }

    void add(long k, int v) {
        int i = slot(k);
        if (!used[i]) {
            used[i] = true;
            keys[i] = k;
            if (++size * 2 > keys.length) {
                values[i] = v;
                grow();
                return;
            }
        }
        values[i] += v;
    }

    int get(long k) {
        int i = slot(k);
        return used[i] ? values[i] : 0;
    }

    int size() {
        return size;
    }

    void forEachKey(LongConsumer f) {
        for (int i = 0; i < keys.length; i++) if (used[i]) f.accept(keys[i]);
    }

    private void grow() {
        long[] k = keys;
        int[] v = values;
        boolean[] u = used;
        keys = new long[k.length * 2];
        values = new int[k.length * 2];
        used = new boolean[k.length * 2];
        size = 0;
        for (int i = 0; i < k.length; i++) if (u[i]) add(k[i], v[i]);
    }
}
