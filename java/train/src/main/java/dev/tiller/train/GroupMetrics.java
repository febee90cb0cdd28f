package dev.tiller.train;

import java.util.Map;
import java.util.TreeMap;

/** Accuracy per group, the average and the worst group (the robustness literature's metric). */
public final class GroupMetrics {
    private final Map<Integer, long[]> counts = new TreeMap<>();  // group -> {correct, total}

    /** An empty table; {@link #add} counts one prediction. */
    public GroupMetrics() {}

    public void add(int group, boolean correct) {
        long[] c = counts.computeIfAbsent(group, g -> new long[2]);
        if (correct) c[0]++;
        c[1]++;
    }

    public double accuracy() {
        long ok = 0, n = 0;
        for (long[] c : counts.values()) {
            ok += c[0];
            n += c[1];
        }
        return n == 0 ? Double.NaN : (double) ok / n;
    }

    public double accuracy(int group) {
        long[] c = counts.get(group);
        return c == null ? Double.NaN : (double) c[0] / c[1];
    }

    public double worstGroupAccuracy() {
        double w = Double.NaN;
        for (int g : counts.keySet()) w = Double.isNaN(w) ? accuracy(g) : Math.min(w, accuracy(g));
        return w;
    }

    public Map<Integer, Double> byGroup() {
        Map<Integer, Double> m = new TreeMap<>();
        for (int g : counts.keySet()) m.put(g, accuracy(g));
        return m;
    }
}
