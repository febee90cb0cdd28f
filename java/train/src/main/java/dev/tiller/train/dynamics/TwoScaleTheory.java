package dev.tiller.train.dynamics;

/**
 * The closed-form generalisation error over training time of the two-scale teacher-student model
 * (Pezeshki et al. 2022, the official {@code fig3.py:139-170}, transcribed in
 * {@code ../shared/specs/train-multiscale-double-descent.md}): training time t acts as the ridge
 * lambda(t) = 1/t + lambda_reg; the fast block (p directions, s_1 = 1/2) and the slow block
 * (d - p directions, s_2 = 1/(2 kappa)) each get a rescaled ridge, and their order parameters
 * combine into E_G = (1 + sigma^2 - 2R + Q) / 2.
 *
 * <p>Where the official sources differ (spec, open question 2), this follows {@code fig3.py}, whose
 * Figure 3 is the one reproduced: the fast block's ridge carries an extra factor 1/2
 * ({@code lib/analytical.py} has none). "Fast only" freezes the slow block at t -> 0 (nothing of
 * it learned) and "slow only" freezes the fast block at t -> infinity, as {@code lib/analytical.py}
 * splits the two terms.
 */
public final class TwoScaleTheory {
    private final TeacherStudent.Shape s;
    private final double lambdaReg;

    public TwoScaleTheory(TeacherStudent.Shape shape, double lambdaReg) {
        if (!(lambdaReg >= 0) || Double.isInfinite(lambdaReg)) throw new IllegalArgumentException("lambda must be >= 0 and finite; got " + lambdaReg);
        if (shape.p() == 0 || shape.p() == shape.d())
            throw new IllegalArgumentException("the two-scale theory needs both blocks: 0 < p < d; got p = " + shape.p() + ", d = " + shape.d());
        this.s = shape;
        this.lambdaReg = lambdaReg;
    }

    /** E_G at time t and its two single-scale terms. */
    public record Point(double t, double eg, double fastOnly, double slowOnly) {}

    public Point at(double t) {
        if (!(t > 0)) throw new IllegalArgumentException("t must be > 0; got " + t);
        double lambda = 1 / t + lambdaReg;
        double a1 = a(alpha1(), lambda1(lambda)), a2 = a(alpha2(), lambda2(lambda));
        double a1Late = lateA(alpha1(), lambda1(lambdaReg));
        return new Point(t, eg(a1, a2), eg(a1, Double.POSITIVE_INFINITY), eg(a1Late, a2));
    }

    private double alpha1() {
        return (double) s.n() / s.p();
    }

    private double alpha2() {
        return (double) s.n() / (s.d() - s.p());
    }

    private double lambda1(double lambda) {
        double s1 = 0.5;
        return 0.5 * lambda / ((double) s.p() / s.d() * s1 * s1);
    }

    private double lambda2(double lambda) {
        double s2 = 0.5 / s.kappa();
        return lambda / ((double) (s.d() - s.p()) / s.d() * s2 * s2);
    }

    /** a = 1 + 2 lambda / (1 - alpha - lambda + sqrt((1 - alpha - lambda)^2 + 4 lambda)). */
    static double a(double alpha, double lambda) {
        double x = 1 - alpha - lambda, root = Math.sqrt(x * x + 4 * lambda);
        double den = x < 0 ? 4 * lambda / (root - x) : x + root;  // for x < 0 the same value, without cancellation
        return 1 + 2 * lambda / den;
    }

    /** a as lambda -> lambdaReg at t -> infinity; with no ridge the limit is max(1, alpha). */
    private static double lateA(double alpha, double lambda) {
        return lambda > 0 ? a(alpha, lambda) : Math.max(1, alpha);
    }

    /** E_G from the two blocks' a (infinite a: a block that has learned nothing). */
    private double eg(double a1, double a2) {
        double nd = (double) s.n() / s.d(), sig2 = s.sigma() * s.sigma();
        double r1 = nd / a1, r2 = Double.isInfinite(a2) ? 0 : nd / a2;
        double b1 = alpha1() / (a1 * a1 - alpha1()), b2 = Double.isInfinite(a2) ? 0 : alpha2() / (a2 * a2 - alpha2());
        double c1 = 1 + sig2 - 2 * r2 - (2 - a1) / a1 * nd;
        double c2 = Double.isInfinite(a2) ? 0 : 1 + sig2 - 2 * r1 - (2 - a2) / a2 * nd;
        double q1 = (b1 * b2 * c2 + b1 * c1) / (1 - b1 * b2), q2 = (b1 * b2 * c1 + b2 * c2) / (1 - b1 * b2);
        return 0.5 * (1 + sig2 - 2 * (r1 + r2) + q1 + q2);
    }
}
