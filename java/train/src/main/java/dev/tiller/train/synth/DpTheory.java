package dev.tiller.train.synth;

import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.CholeskyDecomposition;
import org.apache.commons.math3.linear.RealVector;
import org.apache.commons.math3.linear.ArrayRealVector;
import org.apache.commons.math3.special.Erf;

import java.util.SplittableRandom;
import java.util.stream.IntStream;

/**
 * Deliberate Practice's theory (arXiv:2502.15588 §4, App. A-C): ridge regression on Gaussian
 * data x ~ N(0, I_d), labels y = sign(w0'x), trained only on the pool examples a selection
 * q(x'w_s) keeps, w_s at cosine rho to w0. Theorem 1 gives the test error in the limit d, n -> inf,
 * d / n -> phi; Lemma 1 (keep hard: |x'w_s| <= alpha) and Lemma 2 (keep easy: the complement) give
 * its scalars. r(z) is the proof's beta^2 m + beta~^2 m~ (App. C.2): the main text's
 * omega^2 m + omega~^2 m~ disagrees with simulation by up to 0.15 (the spec's numpy check).
 */
public final class DpTheory {
    /** Which pool examples the selection keeps. */
    public enum Keep { HARD, EASY }

    private static final double PHI0 = 1 / Math.sqrt(2 * Math.PI);

    private final int d;
    private final double lambda, rho, alpha;
    private final Keep keep;

    public DpTheory(int d, double lambda, double rho, double alpha, Keep keep) {
        if (d < 2) throw new IllegalArgumentException("--d must be >= 2, got " + d);
        if (!(lambda > 0) || Double.isInfinite(lambda)) throw new IllegalArgumentException("--lambda must be a positive number, got " + lambda);
        if (!(rho > -1 && rho < 1)) throw new IllegalArgumentException("--rho must lie in (-1, 1), got " + rho);
        if (!(alpha > 0) || Double.isInfinite(alpha)) throw new IllegalArgumentException("--alpha must be a positive number, got " + alpha);
        this.d = d;
        this.lambda = lambda;
        this.rho = rho;
        this.alpha = alpha;
        this.keep = keep;
    }

    static double pdf(double x) {
        return PHI0 * Math.exp(-x * x / 2);
    }

    static double cdf(double x) {
        return 0.5 * Erf.erfc(-x / Math.sqrt(2));
    }

    /** The fraction p of the pool the selection keeps. */
    public double keptFraction() {
        double hard = 2 * cdf(alpha) - 1;
        return keep == Keep.HARD ? hard : 1 - hard;
    }

    /** Theorem 1's limiting test error for a pool of n examples (phi = d / n). */
    public double error(int n) {
        if (n < 1) throw new IllegalArgumentException("n must be >= 1, got " + n);
        double phi = (double) d / n, s = Math.sqrt(1 - rho * rho), tau = rho / s;
        double pHard = 2 * cdf(alpha) - 1, gHard = pHard - 2 * alpha * pdf(alpha);
        double e2 = 2 * cdf(tau * alpha) - 1;
        double p, gamma, e1, betaT;
        if (keep == Keep.HARD) {
            p = pHard;
            gamma = gHard;
            e1 = 2 * cdf(alpha / s) - 1;
            betaT = 2 * (rho * PHI0 * e1 - pdf(alpha) * e2);
        } else {
            p = 1 - pHard;
            gamma = 1 - gHard;
            e1 = 2 * (1 - cdf(alpha / s));
            betaT = 2 * (rho * PHI0 * e1 + pdf(alpha) * e2);
        }
        double beta = 2 * PHI0 * s * e1;
        double omega = s * beta, omegaT = rho * betaT;

        double z = -lambda;
        double a = p - phi - z, sq = Math.sqrt(a * a - 4 * phi * z);
        double num = a - sq, dNum = -1 + (a + 2 * phi) / sq;
        double m = num / (2 * phi * z), dm = (dNum * z - num) / (2 * phi * z * z);
        double sz = gamma / (1 + phi * m), dsz = -gamma * phi * dm / ((1 + phi * m) * (1 + phi * m));
        double mt = 1 / (sz - z), dmt = -(dsz - 1) / ((sz - z) * (sz - z));
        double r = beta * beta * m + betaT * betaT * mt, dr = beta * beta * dm + betaT * betaT * dmt;
        double m0 = omega * m + omegaT * mt;
        double nu0 = p * phi * dm + dr - 2 * phi * dm * r / (1 + phi * m);
        return Math.acos(Math.min(1, Math.abs(m0) / Math.sqrt(nu0))) / Math.PI;
    }

    /** A simulated test error: mean and standard deviation over sims pools (seeds seed, seed+1, ...). */
    public record Simulated(double mean, double std) {}

    /**
     * Draws sims pools of n examples, fits the ridge estimator of the kept ones and takes its exact
     * Gaussian test error arccos(cos(w, w0)) / pi (w0 = e_0, w_s = rho e_0 + sqrt(1 - rho^2) e_1,
     * which loses nothing since x is isotropic).
     */
    public Simulated simulate(int n, int sims, long seed) {
        if (sims < 1) throw new IllegalArgumentException("--sims must be >= 1, got " + sims);
        double[] errors = IntStream.range(0, sims).parallel().mapToDouble(k -> simulateOnce(n, seed + k)).toArray();
        double mean = 0, var = 0;
        for (double e : errors) mean += e / sims;
        for (double e : errors) var += (e - mean) * (e - mean) / Math.max(1, sims - 1);
        return new Simulated(mean, Math.sqrt(var));
    }

    private double simulateOnce(int n, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        double s = Math.sqrt(1 - rho * rho);
        double[][] a = new double[d][d];
        double[] b = new double[d], x = new double[d];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < d; j++) x[j] = rng.nextGaussian();
            double t = rho * x[0] + s * (d > 1 ? x[1] : 0);
            boolean hard = Math.abs(t) <= alpha;
            if (hard != (keep == Keep.HARD)) continue;
            double y = x[0] >= 0 ? 1 : -1;
            for (int j = 0; j < d; j++) {
                b[j] += x[j] * y / n;
                double xj = x[j] / n;
                double[] row = a[j];
                for (int k = 0; k <= j; k++) row[k] += xj * x[k];
            }
        }
        for (int j = 0; j < d; j++) {
            a[j][j] += lambda;
            for (int k = 0; k < j; k++) a[k][j] = a[j][k];
        }
        RealVector w = new CholeskyDecomposition(new Array2DRowRealMatrix(a, false)).getSolver().solve(new ArrayRealVector(b, false));
        double norm = w.getNorm();
        return norm == 0 ? 0.5 : Math.acos(Math.max(-1, Math.min(1, w.getEntry(0) / norm))) / Math.PI;
    }
}
