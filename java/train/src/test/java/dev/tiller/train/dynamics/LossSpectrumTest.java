package dev.tiller.train.dynamics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tiller.train.data.DataFormatException;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;

import org.apache.commons.math3.complex.Complex;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The DFT of any length, the detrending, the statistics on curves of known oscillation, and the curve reader. */
class LossSpectrumTest {

    @Test
    void theDftOfAnyLengthIsTheDefinition() {
        SplittableRandom rnd = new SplittableRandom(2);
        for (int n : new int[] {1, 2, 7, 64, 400, 401}) {
            double[] x = rnd.doubles(n, -1, 1).toArray();
            Complex[] got = Dft.forward(x);
            for (int k = 0; k < n; k++) {
                double re = 0, im = 0;
                for (int j = 0; j < n; j++) {
                    double a = -2 * Math.PI * ((long) j * k % n) / n;
                    re += x[j] * Math.cos(a);
                    im += x[j] * Math.sin(a);
                }
                assertEquals(re, got[k].getReal(), 1e-9 * n, "n " + n + " k " + k);
                assertEquals(im, got[k].getImaginary(), 1e-9 * n, "n " + n + " k " + k);
            }
            double[] back = Dft.inverseReal(got);
            for (int j = 0; j < n; j++) assertEquals(x[j], back[j], 1e-12);
        }
    }

    @Test
    void aCurveOfKnownOscillationReturnsItsEnergy() {
        // A trend made of components below the cut-off (exactly removable) plus two oscillations
        // at 7 and 40 cycles per window: activity = (A^2 + B^2) / 2.
        int n = 400;
        double a = 0.3, b = 0.05;
        double[] l = new double[n];
        for (int t = 0; t < n; t++)
            l[t] = 2.5 + 0.8 * Math.cos(2 * Math.PI * t / n) + 0.2 * Math.sin(2 * Math.PI * 3 * t / n)
                    + a * Math.sin(2 * Math.PI * 7 * t / n + 0.4) + b * Math.cos(2 * Math.PI * 40 * t / n);
        LossSpectrum.Stats s = LossSpectrum.of(l, n, 5, 20);
        assertEquals((a * a + b * b) / 2, s.activity(), 1e-12);
        double spectral = LossSpectrum.spectralEnergy(l, n, 5);
        assertEquals(s.activity(), spectral, 1e-9 * s.activity(), "Parseval");
        // Low-frequency amplitude: |X_k| / n is half the amplitude of each component at k = 1..20.
        assertEquals((0.8 + 0.2 + a) / 2, s.lowFreqAmplitude(), 1e-12);
    }

    @Test
    void hjorthParametersOfASinusoid() {
        // For x_t = sin(2 pi k t / n) over whole periods, first differences are a sinusoid of
        // amplitude 2 sin(pi k / n): mobility 2 sin(pi k / n), complexity 1.
        int n = 400, k = 25;
        double[] l = new double[n + 10];
        for (int t = 0; t < l.length; t++) l[t] = 1 + Math.sin(2 * Math.PI * k * t / n);
        LossSpectrum.Stats s = LossSpectrum.of(l, n, 5, 20);
        assertEquals(0.5, s.activity(), 1e-12);
        assertEquals(2 * Math.sin(Math.PI * k / n), s.mobility(), 2e-3);
        assertEquals(1, s.complexity(), 5e-3);
    }

    @Test
    void badCurvesAreRefused(@TempDir Path dir) throws Exception {
        assertThrows(IllegalArgumentException.class, () -> LossSpectrum.of(new double[100], 400, 5, 20));
        double[] withNan = new double[400];
        withNan[17] = Double.NaN;
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> LossSpectrum.of(withNan, 400, 5, 20));
        assertTrue(e.getMessage().contains("17"), e.getMessage());
        Path f = dir.resolve("c.csv");
        Files.writeString(f, "step,train_loss\n0,1.5\n1,nan\n");
        DataFormatException d = assertThrows(DataFormatException.class, () -> CurveCsv.read(f));
        assertTrue(d.getMessage().contains("row 3") && d.getMessage().contains("train_loss"), d.getMessage());
        Files.writeString(f, "step,train_loss\n0,1.5\n1,1.2\n");
        CurveCsv c = CurveCsv.read(f);
        DataFormatException missing = assertThrows(DataFormatException.class, () -> c.column("val_loss"));
        assertTrue(missing.getMessage().contains("val_loss") && missing.getMessage().contains("train_loss"), missing.getMessage());
        assertNull(c.phaseTimes());
    }

    @Test
    void phaseTimesAreTheFirstStepsOfEachPhase() {
        long[] steps = {0, 10, 20, 30, 40};
        PhaseTimes p = PhaseTimes.of(steps, new double[] {0, 0.5, 1, 1, 1}, new double[] {0, 0, 0, 0.4, 1});
        assertEquals(new PhaseTimes(10, 20, 30, 40), p);
        assertEquals(-1, PhaseTimes.of(steps, new double[] {0, 0.5, 1, 1, 1}, new double[5]).t4());
    }
}
