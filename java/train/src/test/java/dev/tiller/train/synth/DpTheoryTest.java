package dev.tiller.train.synth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Theorem 1 against a simulator of the same ridge problem (the spec's check: d 300, lambda 0.1, rho 0.8). */
class DpTheoryTest {
    @Test
    void theoryMatchesSimulationForKeepHard() {
        for (double alpha : new double[] {0.5, 1, 10}) {
            DpTheory t = new DpTheory(300, 0.1, 0.8, alpha, DpTheory.Keep.HARD);
            for (int n : new int[] {300, 1200, 2400}) {
                DpTheory.Simulated s = t.simulate(n, 8, 1);
                assertEquals(s.mean(), t.error(n), 0.005 + 2 * s.std() / Math.sqrt(8), "alpha " + alpha + " n " + n);
            }
        }
    }

    @Test
    void keepEasyAgreesToo() {
        DpTheory t = new DpTheory(200, 0.1, 0.8, 0.5, DpTheory.Keep.EASY);
        DpTheory.Simulated s = t.simulate(1600, 8, 7);
        assertEquals(s.mean(), t.error(1600), 0.005 + 2 * s.std() / Math.sqrt(8));
    }

    @Test
    void keptFractionIsTheNormalMass() {
        // P(|G| <= 1) for a standard normal, from tables: 0.682689.
        assertEquals(0.682689, new DpTheory(10, 0.1, 0.8, 1, DpTheory.Keep.HARD).keptFraction(), 1e-6);
        assertEquals(1 - 0.682689, new DpTheory(10, 0.1, 0.8, 1, DpTheory.Keep.EASY).keptFraction(), 1e-6);
    }

    @Test
    void moderateHardPruningBeatsNoPruningAtTheSameKeptCount() {
        // The spec's theory figure: lambda 0.01, rho 0.99, 2400 kept examples: alpha 0.5 -> 3.3%, no pruning 8.8%.
        DpTheory pruned = new DpTheory(300, 0.01, 0.99, 0.5, DpTheory.Keep.HARD), all = new DpTheory(300, 0.01, 0.99, 50, DpTheory.Keep.HARD);
        double e = pruned.error((int) Math.round(2400 / pruned.keptFraction())), e0 = all.error(2400);
        assertEquals(0.033, e, 0.002);
        assertEquals(0.088, e0, 0.002);
        assertTrue(e < e0);
    }

    @Test
    void badArgumentsAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> new DpTheory(300, Double.NaN, 0.8, 1, DpTheory.Keep.HARD));
        assertThrows(IllegalArgumentException.class, () -> new DpTheory(300, 0.1, 1.0, 1, DpTheory.Keep.HARD));
        assertThrows(IllegalArgumentException.class, () -> new DpTheory(300, 0.1, 0.8, -1, DpTheory.Keep.HARD));
        assertThrows(IllegalArgumentException.class, () -> new DpTheory(1, 0.1, 0.8, 1, DpTheory.Keep.HARD));
    }
}
