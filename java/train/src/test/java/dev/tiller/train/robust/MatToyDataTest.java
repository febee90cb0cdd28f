package dev.tiller.train.robust;

import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;

/** The interpretable experiment's data (interpretable_experiment.py problem_1), checked against its definition. */
class MatToyDataTest {
    @Test
    void followsTheReferenceConstruction() {
        GroupTable t = MatToyData.make(3, 0.5);
        assertEquals(3000, t.rows());
        assertEquals(1800, t.dim());
        int[] minority = new int[3], ones = new int[3];
        double noiseSq = 0;
        long noiseN = 0;
        for (int r = 0; r < t.rows(); r++) {
            int s = t.split(r).ordinal(), y = t.y(r), sign = 2 * y - 1;
            float[] x = t.features(new int[] {r});
            // (0.12 z - 1)(2y - 1): opposite in sign to 2y - 1 unless z > 8.3 (never)
            assertTrue(x[0] * sign < 0 && Math.abs(x[0]) < 2, "core " + x[0]);
            boolean flipped = t.attribute(r, 0) != y;
            if (flipped) minority[s]++;
            assertEquals(flipped, x[1] * sign > 0, "the spurious sign marks the minority, row " + r);
            assertTrue(Math.abs(x[1]) > 2 && Math.abs(x[1]) < 10, "spurious " + x[1]);
            ones[s] += y;
            for (int j = 2; j < x.length; j++) noiseSq += x[j] * x[j];
            noiseN += x.length - 2;
        }
        // the reference's int((1 - 0.9) * 1000) is 99 (the product is 99.99999999999997), int((1 - 0.5) * 1000) 500
        assertArrayEquals(new int[] {99, 500, 500}, minority, "10% of train, 50% of val and test");
        for (int s = 0; s < 3; s++) assertEquals(500, ones[s], 50, "y ~ Bernoulli(1/2)");
        assertEquals(0.5, Math.sqrt(noiseSq / noiseN), 0.005);
        GroupTable quiet = MatToyData.make(3, 0);
        for (float v : quiet.features(new int[] {0, 1500, 2999})) if (v != 0) assertTrue(Math.abs(v) > 0.5, "only core and spurious are non-zero");
        assertThrows(IllegalArgumentException.class, () -> MatToyData.make(0, -1));
    }
}
