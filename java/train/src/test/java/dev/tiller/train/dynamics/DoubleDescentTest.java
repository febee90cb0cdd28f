package dev.tiller.train.dynamics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.apache.commons.math3.linear.RealVector;
import org.junit.jupiter.api.Test;

/**
 * The two-scale theory against an independent evaluation of the spec's formulas, gradient
 * descent's closed form against explicit steps, and the simulation against the theory in the
 * official Figure 3 setting (n 150, d 100, p 60).
 */
class DoubleDescentTest {

    @Test
    void theoryMatchesAnIndependentEvaluationOfTheFormulas() {
        // Values from a separate numpy evaluation of the spec's "Eqs. 12-16" with fig3.py's
        // factor 1/2 on the fast block's ridge (not from this code).
        assertEquals(0.43401220301816973, new TwoScaleTheory(new TeacherStudent.Shape(6, 4, 2, 3.0, 0.5), 0.1).at(2.5).eg(), 1e-9);
        assertEquals(0.36798307675055875, new TwoScaleTheory(new TeacherStudent.Shape(6, 4, 2, 3.0, 0.5), 0.1).at(40).eg(), 1e-9);
        assertEquals(0.42171744641261827, new TwoScaleTheory(new TeacherStudent.Shape(3, 5, 2, 10.0, 0.0), 0.0).at(7).eg(), 1e-9);
    }

    @Test
    void theClosedFormIsGradientDescentStepByStep() {
        TeacherStudent data = TeacherStudent.sample(new TeacherStudent.Shape(30, 12, 5, 20, 0.1), 3);
        for (double lambda : new double[] {0, 0.05}) {
            GradientDescentPath gd = new GradientDescentPath(data, lambda, 0);
            for (int t : new int[] {0, 1, 7, 250}) {
                RealVector closed = gd.at(t), steps = gd.iterate(t);
                assertTrue(closed.getDistance(steps) <= 1e-9 * (1 + steps.getNorm()), "t " + t + ": " + closed.getDistance(steps));
            }
        }
    }

    @Test
    void haarMatricesAreOrthogonal() {
        var q = TeacherStudent.haar(20, new java.util.SplittableRandom(1));
        var id = q.transpose().multiply(q);
        for (int i = 0; i < 20; i++)
            for (int j = 0; j < 20; j++) assertEquals(i == j ? 1 : 0, id.getEntry(i, j), 1e-12);
    }

    @Test
    void twentySeedsOfGradientDescentFollowTheTheoryThroughTheDoubleDescent() {
        TeacherStudent.Shape shape = new TeacherStudent.Shape(150, 100, 60, 50, 0);
        TwoScaleTheory theory = new TwoScaleTheory(shape, 0);
        double[] ts = logspace(0, 5, 41);
        double[] mean = new double[ts.length];
        for (int seed = 0; seed < 20; seed++) {
            TeacherStudent data = TeacherStudent.sample(shape, seed);
            GradientDescentPath gd = new GradientDescentPath(data, 0, 0);
            for (int i = 0; i < ts.length; i++) mean[i] += data.generalisationError(gd.at(ts[i])) / 20;
        }
        double worst = 0;
        for (int i = 0; i < ts.length; i++) worst = Math.max(worst, Math.abs(mean[i] - theory.at(ts[i]).eg()));
        System.out.println("20 seeds of gradient descent against the theory: largest gap " + worst);
        assertTrue(worst <= 0.03, "mean of 20 seeds strays " + worst + " from the theory");
        // The theory's shape: a dip near t ~ 10, a bump near t ~ 100, then the second descent.
        double[] th = new double[ts.length];
        for (int i = 0; i < ts.length; i++) th[i] = theory.at(ts[i]).eg();
        int dip = argExtreme(th, ts, 1, 30, false), bump = argExtreme(th, ts, 30, 1000, true);
        assertTrue(th[dip] < th[bump] - 0.02 && th[dip] > 0.25 && th[dip] < 0.31, "dip " + th[dip] + " at t " + ts[dip]);
        assertTrue(th[bump] > 0.3 && th[bump] < 0.35, "bump " + th[bump] + " at t " + ts[bump]);
        assertTrue(th[ts.length - 1] < 0.01, "E_G at t 1e5: " + th[ts.length - 1]);
    }

    @Test
    void regularisingQShrinksTheBump() {
        // The official fig6.py setting: n 120, d 100, p 70, kappa 30; the bump is the rise from the
        // dip (t <= 30) to the highest point up to t = 1000.
        TeacherStudent.Shape shape = new TeacherStudent.Shape(120, 100, 70, 30, 0);
        long[] at = {1, 2, 3, 5, 7, 10, 15, 20, 30, 50, 70, 100, 150, 200, 300, 500, 700, 1000};
        double[] plain = new double[at.length], reg = new double[at.length];
        for (int seed = 0; seed < 4; seed++) {
            TeacherStudent data = TeacherStudent.sample(shape, seed);
            GradientDescentPath gd = new GradientDescentPath(data, 0, 0);
            java.util.List<RealVector> a = gd.iterate(at, t -> 0), b = gd.iterate(at, GradientDescentPath.Q_REGULARISATION);
            for (int i = 0; i < at.length; i++) {
                plain[i] += data.generalisationError(a.get(i)) / 4;
                reg[i] += data.generalisationError(b.get(i)) / 4;
            }
        }
        double bumpPlain = bump(plain, at), bumpReg = bump(reg, at);
        System.out.println("bump without and with the regularisation of Q: " + bumpPlain + ", " + bumpReg);
        assertTrue(bumpPlain > 0.05, "plain gradient descent's bump " + bumpPlain);
        assertTrue(bumpReg < 0.5 * bumpPlain, "regularised bump " + bumpReg + " against " + bumpPlain);
    }

    private static double bump(double[] e, long[] at) {
        double dip = Double.POSITIVE_INFINITY, top = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < at.length; i++) {
            if (at[i] <= 30) dip = Math.min(dip, e[i]);
            else top = Math.max(top, e[i]);
        }
        return top - dip;
    }

    @Test
    void withOneScaleTheCurveFallsMonotonically() {
        TwoScaleTheory theory = new TwoScaleTheory(new TeacherStudent.Shape(150, 100, 60, 1, 0), 0);
        double prev = Double.POSITIVE_INFINITY;
        for (double t : logspace(-1, 6, 200)) {
            double e = theory.at(t).eg();
            assertTrue(e <= prev + 1e-12, "E_G rises at t " + t);
            prev = e;
        }
    }

    @Test
    void badShapesAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> new TeacherStudent.Shape(150, 100, 60, 0, 0));
        assertThrows(IllegalArgumentException.class, () -> new TeacherStudent.Shape(150, 100, 101, 5, 0));
        assertThrows(IllegalArgumentException.class, () -> new TwoScaleTheory(new TeacherStudent.Shape(150, 100, 100, 5, 0), 0));
        assertThrows(IllegalArgumentException.class, () -> new TwoScaleTheory(new TeacherStudent.Shape(150, 100, 60, 5, 0), 0).at(0));
    }

    static double[] logspace(double lo, double hi, int n) {
        double[] t = new double[n];
        for (int i = 0; i < n; i++) t[i] = Math.pow(10, lo + (hi - lo) * i / (n - 1));
        return t;
    }

    private static int argExtreme(double[] v, double[] ts, double lo, double hi, boolean max) {
        int best = -1;
        for (int i = 0; i < v.length; i++)
            if (ts[i] >= lo && ts[i] <= hi && (best < 0 || (max ? v[i] > v[best] : v[i] < v[best]))) best = i;
        return best;
    }
}
