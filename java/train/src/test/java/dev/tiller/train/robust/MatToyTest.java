package dev.tiller.train.robust;

import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;

/**
 * The MAT toy's story at under a third of its size (300 rows per split, 598 noise features, so
 * that a linear model can still memorize): with noise ERM fits every training row but fails the
 * minority at test; without noise it does not; MAT, shifted by the held-out logits of linear XRM
 * twins, recovers the minority. The protocol is the interpretable experiment's: full-batch plain
 * SGD, no momentum, the last step kept.
 */
class MatToyTest {
    static final int ROWS = 300, DIM = 600;

    static RobustTraining.Options options(Method m, double lr, RobustTraining.MatInputs mat) {
        return new RobustTraining.Options(m, "torch-linear", new int[0], 1000, 1, lr, 0, ROWS, "sgd", 0.1, 1, 1, 0, 500, 1, new float[] {4, 1, 2}, null)
                .with(new RobustTraining.Extras(0, true, mat));
    }

    /** Accuracy over the minority (attribute != y) rows of a split, from per-group results. */
    static double minority(java.util.List<RobustTraining.GroupResult> groups) {
        int n = 0;
        double ok = 0;
        for (RobustTraining.GroupResult g : groups) {
            if (g.key().attributes()[0] == g.key().y()) continue;
            n += g.n();
            ok += g.accuracy() * g.n();
        }
        return ok / n;
    }

    @Test
    void memorizationHurtsErmAndMatUndoesIt() {
        GroupTable noisy = MatToyData.make(0, 0.5, ROWS, DIM), clean = MatToyData.make(0, 0, ROWS, DIM);
        Groups g = Groups.attributes(noisy);
        RobustTraining.Result erm = RobustTraining.run(noisy, g, g, options(Method.ERM, 1e-2, null), null);
        RobustTraining.Result ermClean = RobustTraining.run(clean, Groups.attributes(clean), Groups.attributes(clean), options(Method.ERM, 3e-2, null), null);
        Xrm.Result xrm = Xrm.run(noisy, new Xrm.Options(1000, 1e-2, ROWS, 0, "torch-linear", new int[0], 0, 1, "sgd", false), null);
        RobustTraining.Result mat = RobustTraining.run(noisy, g, g, options(Method.MAT, 1e-2, new RobustTraining.MatInputs(xrm.heldOut(), 0.1, "full")), null);
        System.out.printf("mat toy (%d rows, %d dims): ERM minority test %.3f train %.3f; clean ERM %.3f; XRM flip rate %.3f; MAT minority test %.3f%n", ROWS, DIM,
                minority(erm.testGroups()), erm.trainAvg(), minority(ermClean.testGroups()), xrm.flipRate(), minority(mat.testGroups()));
        assertEquals(1.0, erm.trainAvg(), 1e-9, "ERM fits every training row");
        assertTrue(minority(erm.testGroups()) <= 0.3, "ERM with noise fails the minority: " + minority(erm.testGroups()));
        assertTrue(minority(ermClean.testGroups()) >= 0.95, "ERM without noise does not: " + minority(ermClean.testGroups()));
        assertTrue(minority(mat.testGroups()) >= 0.85, "MAT recovers it: " + minority(mat.testGroups()));
    }
}
