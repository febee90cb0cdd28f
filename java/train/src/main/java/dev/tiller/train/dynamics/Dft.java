package dev.tiller.train.dynamics;

import org.apache.commons.math3.complex.Complex;
import org.apache.commons.math3.transform.DftNormalization;
import org.apache.commons.math3.transform.FastFourierTransformer;
import org.apache.commons.math3.transform.TransformType;

/**
 * The discrete Fourier transform X_k = sum_n x_n exp(-2 pi i n k / N) of any length N, as
 * Bluestein's chirp-z transform over commons-math3's FFT (which takes powers of two only): the
 * loss windows of the grokking statistics are 400 steps long, and padding them would move the
 * frequency bins the detrending cuts at.
 */
public final class Dft {
    private static final FastFourierTransformer FFT = new FastFourierTransformer(DftNormalization.STANDARD);

    private Dft() {}

    public static Complex[] forward(double[] x) {
        Complex[] c = new Complex[x.length];
        for (int i = 0; i < x.length; i++) c[i] = new Complex(x[i]);
        return transform(c, -1);
    }

    /** The inverse, (1/N) sum_k X_k exp(2 pi i n k / N), real parts (the input's spectrum is conjugate-symmetric). */
    public static double[] inverseReal(Complex[] spectrum) {
        Complex[] c = transform(spectrum, 1);
        double[] x = new double[c.length];
        for (int i = 0; i < x.length; i++) x[i] = c[i].getReal() / c.length;
        return x;
    }

    /** sum_n x_n exp(sign 2 pi i n k / N) by Bluestein: n k = (n^2 + k^2 - (k - n)^2) / 2 turns it into a convolution. */
    private static Complex[] transform(Complex[] x, int sign) {
        int n = x.length;
        if (n == 0) return new Complex[0];
        if (Integer.bitCount(n) == 1) {
            Complex[] out = FFT.transform(x, sign < 0 ? TransformType.FORWARD : TransformType.INVERSE);
            if (sign > 0)
                for (int i = 0; i < n; i++) out[i] = out[i].multiply(n);  // STANDARD's inverse divides by N; callers do
            return out;
        }
        int m = Integer.highestOneBit(2 * n - 1) << 1;
        Complex[] chirp = new Complex[n];  // exp(sign pi i j^2 / N), j^2 taken mod 2N to keep the angle small
        for (int j = 0; j < n; j++) {
            long sq = ((long) j * j) % (2L * n);
            double angle = sign * Math.PI * sq / n;
            chirp[j] = new Complex(Math.cos(angle), Math.sin(angle));
        }
        Complex[] a = new Complex[m], b = new Complex[m];
        for (int j = 0; j < m; j++) a[j] = b[j] = Complex.ZERO;
        for (int j = 0; j < n; j++) a[j] = x[j].multiply(chirp[j]);
        b[0] = chirp[0].conjugate();
        for (int j = 1; j < n; j++) b[j] = b[m - j] = chirp[j].conjugate();
        Complex[] fa = FFT.transform(a, TransformType.FORWARD), fb = FFT.transform(b, TransformType.FORWARD);
        for (int j = 0; j < m; j++) fa[j] = fa[j].multiply(fb[j]);
        Complex[] conv = FFT.transform(fa, TransformType.INVERSE);
        Complex[] out = new Complex[n];
        for (int k = 0; k < n; k++) out[k] = conv[k].multiply(chirp[k]);
        return out;
    }
}
