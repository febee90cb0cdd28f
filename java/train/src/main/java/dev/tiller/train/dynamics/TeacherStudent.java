package dev.tiller.train.dynamics;

import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.ArrayRealVector;
import org.apache.commons.math3.linear.QRDecomposition;
import org.apache.commons.math3.linear.RealMatrix;
import org.apache.commons.math3.linear.RealVector;

import java.util.SplittableRandom;

/**
 * The linear teacher-student model of "Multi-scale Feature Learning Dynamics" (Pezeshki et al.,
 * 2022; the official code's {@code lib/utils.py get_data} and {@code fig3.py}): latent inputs
 * z ~ N(0, I/d), a teacher w ~ N(0, I), labels y = z'w + sigma * noise, and the student sees
 * x = F'z through F = U diag(s) V' with U, V Haar-random and s = 1 on p fast directions, 1/kappa on
 * the d - p slow ones. The generalisation error of a student w_hat is its expected test error on
 * noiseless labels, E_G = E_z[(z'(F w_hat - w))^2] / 2 = (|w|^2/d - 2R + Q) / 2 with
 * R = (F w_hat)'w / d and Q = |F w_hat|^2 / d. The official code writes (1 - 2R + Q) / 2, the
 * large-d limit |w|^2/d -> 1: the same mean over draws, but each draw then carries an offset of
 * standard deviation sqrt(2/d)/2 (0.07 at d = 100) that the theory does not have.
 */
public final class TeacherStudent {

    /** The problem's sizes: n samples, d dimensions of which p are fast, condition number kappa, label noise sigma. */
    public record Shape(int n, int d, int p, double kappa, double sigma) {
        public Shape {
            if (n < 1) throw new IllegalArgumentException("n must be >= 1; got " + n);
            if (d < 1) throw new IllegalArgumentException("d must be >= 1; got " + d);
            if (p < 0 || p > d) throw new IllegalArgumentException("p must lie in [0, d = " + d + "]; got " + p);
            if (!(kappa > 0) || Double.isInfinite(kappa)) throw new IllegalArgumentException("kappa must be > 0 and finite; got " + kappa);
            if (!(sigma >= 0) || Double.isInfinite(sigma)) throw new IllegalArgumentException("sigma must be >= 0 and finite; got " + sigma);
        }
    }

    private final Shape shape;
    private final RealMatrix x;  // n x d: rows x_i' = z_i' F
    private final RealVector y;  // training labels, with noise
    private final RealVector w;  // teacher
    private final RealMatrix f;  // d x d modulation

    private TeacherStudent(Shape shape, RealMatrix x, RealVector y, RealVector w, RealMatrix f) {
        this.shape = shape;
        this.x = x;
        this.y = y;
        this.w = w;
        this.f = f;
    }

    /** A draw of the data from a seed (the same seed gives the same data). */
    public static TeacherStudent sample(Shape s, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        RealMatrix u = haar(s.d(), rnd), v = haar(s.d(), rnd);
        double[] sv = new double[s.d()];
        for (int i = 0; i < s.d(); i++) sv[i] = i < s.p() ? 1.0 : 1.0 / s.kappa();
        RealMatrix f = u.multiply(new org.apache.commons.math3.linear.DiagonalMatrix(sv)).multiply(v.transpose());
        double[][] z = new double[s.n()][s.d()];
        double scale = 1.0 / Math.sqrt(s.d());
        for (double[] row : z)
            for (int j = 0; j < row.length; j++) row[j] = rnd.nextGaussian() * scale;
        double[] w = new double[s.d()];
        for (int j = 0; j < w.length; j++) w[j] = rnd.nextGaussian();
        RealMatrix zm = new Array2DRowRealMatrix(z, false);
        RealVector wv = new ArrayRealVector(w, false);
        RealVector y = zm.operate(wv);
        for (int i = 0; i < s.n(); i++) y.addToEntry(i, s.sigma() * rnd.nextGaussian());
        return new TeacherStudent(s, zm.multiply(f), y, wv, f);
    }

    /** A Haar-random orthogonal matrix: Q of the QR decomposition of a Gaussian matrix, columns signed by R's diagonal. */
    static RealMatrix haar(int d, SplittableRandom rnd) {
        double[][] g = new double[d][d];
        for (double[] row : g)
            for (int j = 0; j < d; j++) row[j] = rnd.nextGaussian();
        QRDecomposition qr = new QRDecomposition(new Array2DRowRealMatrix(g, false));
        RealMatrix q = qr.getQ().copy(), r = qr.getR();
        for (int j = 0; j < d; j++)
            if (r.getEntry(j, j) < 0)
                for (int i = 0; i < d; i++) q.setEntry(i, j, -q.getEntry(i, j));
        return q;
    }

    public Shape shape() {
        return shape;
    }

    /** The student's inputs, n x d. */
    public RealMatrix inputs() {
        return x;
    }

    public RealVector labels() {
        return y;
    }

    public RealVector teacher() {
        return w;
    }

    public RealMatrix modulation() {
        return f;
    }

    /** E_G = |F w_hat - w|^2 / (2d), the expected test error of a student's weights. */
    public double generalisationError(RealVector wHat) {
        RealVector diff = f.operate(wHat).subtract(w);
        return 0.5 * diff.dotProduct(diff) / shape.d();
    }
}
