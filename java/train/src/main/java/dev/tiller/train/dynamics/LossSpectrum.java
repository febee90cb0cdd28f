package dev.tiller.train.dynamics;

import org.apache.commons.math3.complex.Complex;

/**
 * The spectral signature of "Predicting Grokking Long Before it Happens" (Notsawo et al., 2023;
 * {@code ../shared/specs/train-grokking-prediction.md}) of the first T0 values of a training-loss
 * curve: the curve's trend (its Fourier components below k_c cycles per window, the mean included)
 * is removed, and the Hjorth parameters of what remains are its activity (mean square, the paper's
 * "spectral energy"), mobility sqrt(var(dL) / var(L)) and complexity mobility(dL) / mobility(L),
 * with first differences for derivatives. The low-frequency amplitude is the abstract's statistic:
 * sum over k = 1..lowBins of |DFT(L - mean L)_k| / T0. The paper fixes neither the filter nor the
 * cut-off; k_c = 5 and 20 low bins are the spec's choices.
 */
public final class LossSpectrum {
    public static final int DEFAULT_STEPS = 400, DEFAULT_CUTOFF = 5, DEFAULT_LOW_BINS = 20;

    public record Stats(double activity, double lowFreqAmplitude, double mobility, double complexity) {}

    private LossSpectrum() {}

    /** The default cut-off and low-frequency bins for a window of `steps`: the spec's, at most half the window. */
    public static int defaultCutoff(int steps) {
        return Math.min(DEFAULT_CUTOFF, steps / 2);
    }

    public static int defaultLowBins(int steps) {
        return Math.min(DEFAULT_LOW_BINS, steps / 2);
    }

    /** The statistics of loss[0..steps) with the default cut-off and low-frequency bins. */
    public static Stats of(double[] loss, int steps) {
        return of(loss, steps, defaultCutoff(steps), defaultLowBins(steps));
    }

    /** The statistics of loss[0..steps). */
    public static Stats of(double[] loss, int steps, int cutoff, int lowBins) {
        double[] l = window(loss, steps);
        if (cutoff < 1 || cutoff > steps / 2) throw new IllegalArgumentException("cutoff must lie in [1, " + steps / 2 + "]; got " + cutoff);
        if (lowBins < 1 || lowBins > steps / 2) throw new IllegalArgumentException("low-frequency bins must lie in [1, " + steps / 2 + "]; got " + lowBins);
        double[] x = detrended(l, cutoff);
        double mean = 0;
        for (double v : l) mean += v / steps;
        double[] centred = new double[steps];
        for (int i = 0; i < steps; i++) centred[i] = l[i] - mean;
        Complex[] c = Dft.forward(centred);
        double low = 0;
        for (int k = 1; k <= lowBins; k++) low += c[k].abs() / steps;
        double[] dx = diff(x), ddx = diff(dx);
        double mobility = Math.sqrt(variance(dx) / variance(x)), mobilityD = Math.sqrt(variance(ddx) / variance(dx));
        return new Stats(meanSquare(x), low, mobility, mobilityD / mobility);
    }

    /** The curve less its Fourier components below `cutoff` cycles per window (the mean is cycle 0). */
    public static double[] detrended(double[] l, int cutoff) {
        Complex[] c = Dft.forward(l);
        int n = l.length;
        for (int k = 0; k < n; k++)
            if (Math.min(k, n - k) < cutoff) c[k] = Complex.ZERO;
        return Dft.inverseReal(c);
    }

    /** The detrended curve's energy from its spectrum, (1/T0^2) sum_k |X_k|^2: the activity again, by Parseval. */
    public static double spectralEnergy(double[] loss, int steps, int cutoff) {
        double[] l = window(loss, steps);
        Complex[] c = Dft.forward(l);
        double e = 0;
        for (int k = 0; k < steps; k++)
            if (Math.min(k, steps - k) >= cutoff) e += c[k].abs() * c[k].abs();
        return e / ((double) steps * steps);
    }

    private static double[] window(double[] loss, int steps) {
        if (steps < 8) throw new IllegalArgumentException("steps must be >= 8; got " + steps);
        if (loss.length < steps) throw new IllegalArgumentException("the curve has " + loss.length + " values, fewer than the " + steps + " steps asked for");
        for (int i = 0; i < steps; i++)
            if (!Double.isFinite(loss[i])) throw new IllegalArgumentException("loss at step index " + i + " is " + loss[i]);
        return java.util.Arrays.copyOf(loss, steps);
    }

    private static double[] diff(double[] x) {
        double[] d = new double[x.length - 1];
        for (int i = 0; i < d.length; i++) d[i] = x[i + 1] - x[i];
        return d;
    }

    private static double meanSquare(double[] x) {
        double s = 0;
        for (double v : x) s += v * v;
        return s / x.length;
    }

    private static double variance(double[] x) {
        double m = 0, v = 0;
        for (double a : x) m += a / x.length;
        for (double a : x) v += (a - m) * (a - m);
        return v / x.length;
    }
}
