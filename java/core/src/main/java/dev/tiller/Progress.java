package dev.tiller;

import java.io.PrintStream;
import java.util.Locale;

/**
 * Progress of long work on a stream (stderr): at most one line every few seconds (every update
 * when the interval is 0), with the rate and the time left. Work that ends within
 * {@code quietSeconds} prints nothing.
 */
public final class Progress implements ProgressListener {
    private final String what;
    private final long total;
    private final PrintStream out;
    private final long intervalNanos, quietNanos;
    private final long start = System.nanoTime();
    private long last;
    private boolean printed;

    public Progress(String what, long total, PrintStream out, double intervalSeconds) {
        this(what, total, out, intervalSeconds, 0);
    }

    public Progress(String what, long total, PrintStream out, double intervalSeconds, double quietSeconds) {
        this.what = what;
        this.total = total;
        this.out = out;
        this.intervalNanos = (long) (intervalSeconds * 1e9);
        this.quietNanos = (long) (quietSeconds * 1e9);
    }

    public void update(long done, String detail) {
        print(done, total, detail);
    }

    @Override
    public void progress(long done, long total) {
        print(done, total, "");
    }

    private void print(long done, long total, String detail) {
        long now = System.nanoTime();
        if (out == null || now - start < quietNanos && done < total) return;
        if (!printed && done >= total && now - start < quietNanos) return;
        if (printed && now - last < intervalNanos && done < total) return;
        last = now;
        printed = true;
        double secs = (now - start) / 1e9, rate = done / Math.max(secs, 1e-9);
        String eta = done > 0 && done < total ? String.format(Locale.ROOT, ", %.0f s left", (total - done) / rate) : "";
        out.printf(Locale.ROOT, "%s %d/%d (%.1f%%, %.1f s%s)%s%n", what, done, total, 100.0 * done / total, secs, eta,
                detail.isEmpty() ? "" : " " + detail);
    }
}
