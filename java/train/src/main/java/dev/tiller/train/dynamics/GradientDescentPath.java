package dev.tiller.train.dynamics;

import org.apache.commons.math3.linear.ArrayRealVector;
import org.apache.commons.math3.linear.EigenDecomposition;
import org.apache.commons.math3.linear.RealMatrix;
import org.apache.commons.math3.linear.RealVector;

/**
 * Full-batch gradient descent on (1/2)|X w - y|^2 + (lambda/2)|w|^2 from w = 0, in closed form
 * through the eigendecomposition X'X = V diag(l) V' (the official code's {@code fig3.py}):
 * w(t) = V [I - diag((1 - eta lambda - eta l_i)^t)] V' w_bar with w_bar = (X'X + lambda I)^-1 X'y,
 * which is the t-th iterate for integer t ({@link #iterate} takes the steps one by one); and ridge
 * regression at the official code's time-equivalent ridge 2 (lambda + 1/t).
 */
public final class GradientDescentPath {
    private final double lambda, eta;
    private final double[] eig;      // eigenvalues of X'X
    private final RealMatrix vecs;   // their eigenvectors, as columns
    private final RealVector proj;   // V' X'y
    private final RealMatrix gram;   // X'X
    private final RealVector xty;

    /** eta <= 0 takes the official default 1 / (l_max + lambda). */
    public GradientDescentPath(TeacherStudent data, double lambda, double eta) {
        if (!(lambda >= 0) || Double.isInfinite(lambda)) throw new IllegalArgumentException("lambda must be >= 0 and finite; got " + lambda);
        RealMatrix x = data.inputs();
        this.gram = x.transpose().multiply(x);
        this.xty = x.transpose().operate(data.labels());
        EigenDecomposition e = new EigenDecomposition(gram);
        this.eig = e.getRealEigenvalues();
        this.vecs = e.getV();
        this.proj = vecs.transpose().operate(xty);
        double max = 0;
        for (int i = 0; i < eig.length; i++) {
            eig[i] = Math.max(0, eig[i]);  // X'X is positive semi-definite; rounding can make a zero slightly negative
            max = Math.max(max, eig[i]);
        }
        this.lambda = lambda;
        this.eta = eta > 0 ? eta : 1.0 / (max + lambda);
        if (this.eta * (max + lambda) > 2)
            throw new IllegalArgumentException("learning rate " + eta + " diverges: it must be below 2 / (l_max + lambda) = " + 2 / (max + lambda));
    }

    public double learningRate() {
        return eta;
    }

    /** The weights after t steps (t >= 0, real: the closed form interpolates between steps). */
    public RealVector at(double t) {
        double[] c = new double[eig.length];
        for (int i = 0; i < eig.length; i++) {
            double l = eig[i] + lambda;
            if (l == 0) continue;  // a direction the data never moves
            double decay = Math.pow(Math.abs(1 - eta * l), t);
            c[i] = (1 - decay) * proj.getEntry(i) / l;
        }
        return vecs.operate(new ArrayRealVector(c, false));
    }

    /** The weights after `steps` explicit steps w <- w - eta (X'X w - X'y + lambda w). */
    public RealVector iterate(int steps) {
        return iterate(new long[] {steps}, t -> 0).get(0);
    }

    /**
     * Explicit steps w <- w - eta ((1 + alpha(t)) X'X w - X'y + lambda w) from w = 0, the weights
     * after each of the ascending step counts `at`. With the official fig6.py's decaying
     * alpha(t) = 0.6 log(1 + exp(-0.001 t)) / log 2 ({@link #Q_REGULARISATION}) this is its
     * regularisation of Q, which removes the bump.
     */
    public java.util.List<RealVector> iterate(long[] at, java.util.function.LongToDoubleFunction alpha) {
        int d = eig.length;
        double[][] gm = gram.getData();
        double[] b = xty.toArray(), w = new double[d], g = new double[d];
        java.util.List<RealVector> out = new java.util.ArrayList<>();
        long t = 0;
        for (long stop : at) {
            if (stop < t) throw new IllegalArgumentException("step counts must ascend: " + stop + " after " + t);
            for (; t < stop; t++) {
                double curv = 1 + alpha.applyAsDouble(t);
                for (int i = 0; i < d; i++) {
                    double acc = 0;
                    double[] row = gm[i];
                    for (int j = 0; j < d; j++) acc += row[j] * w[j];
                    g[i] = curv * acc - b[i] + lambda * w[i];
                }
                for (int i = 0; i < d; i++) w[i] -= eta * g[i];
            }
            out.add(new ArrayRealVector(w, true));
        }
        return out;
    }

    /** fig6.py's schedule of extra curvature: 0.6 log(1 + e^(-0.001 t)) / log 2, 0.6 at t = 0 and decaying after t ~ 1000. */
    public static final java.util.function.LongToDoubleFunction Q_REGULARISATION = t -> 0.6 * Math.log1p(Math.exp(-0.001 * t)) / Math.log(2);

    /** Ridge regression at the time-equivalent ridge of the official code, (X'X + 2 (lambda + 1/t) I)^-1 X'y. */
    public RealVector ridgeAt(double t) {
        double r = 2 * (lambda + 1 / t);
        double[] c = new double[eig.length];
        for (int i = 0; i < eig.length; i++) c[i] = proj.getEntry(i) / (eig[i] + r);
        return vecs.operate(new ArrayRealVector(c, false));
    }
}
