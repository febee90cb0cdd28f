package dev.tiller.train;

import java.io.PrintStream;

/**
 * Progress of a long run on stderr: at most one line every few seconds (or every update when
 * interval is 0), with the rate and the time left.
 */
public final class Progress {
    private final String what;
    private final long total;
    private final PrintStream out;
    private final long intervalNanos;
    private final long start = System.nanoTime();
    private long last;
    private boolean printed;

    public Progress(String what, long total, PrintStream out, double intervalSeconds) {
        this.what = what;
        this.total = total;
        this.out = out;
        this.intervalNanos = (long) (intervalSeconds * 1e9);
    }

    public void update(long done, String detail) {
        long now = System.nanoTime();
        if (out == null || (printed && now - last < intervalNanos && done < total)) return;
        last = now;
        printed = true;
        double secs = (now - start) / 1e9, rate = done / Math.max(secs, 1e-9);
        String eta = done > 0 && done < total ? String.format(", %.0f s left", (total - done) / rate) : "";
        out.printf("%s %d/%d (%.1f%%, %.1f s%s) %s%n", what, done, total, 100.0 * done / total, secs, eta, detail);
    }
}
