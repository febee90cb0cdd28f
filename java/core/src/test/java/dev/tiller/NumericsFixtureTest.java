package dev.tiller;

import dev.tiller.steer.ControlVector;
import dev.tiller.testing.Fixtures;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Every case of the fixture manifest against llama.cpp's outputs: logits batched and incremental,
 * per-layer residuals, and control-vector runs, within the documented tolerances.
 */
class NumericsFixtureTest {

    @TestFactory
    Stream<DynamicTest> everyManifestCase() {
        List<Fixtures.Case> cases = Fixtures.cases();
        assertFalse(cases.isEmpty(), "the fixture manifest lists no cases");
        List<DynamicTest> tests = new ArrayList<>();
        for (Fixtures.Case c : cases) {
            tests.add(DynamicTest.dynamicTest(c.model() + " logits (batched)", () -> checkLogits(c, false)));
            tests.add(DynamicTest.dynamicTest(c.model() + " logits (incremental)", () -> checkLogits(c, true)));
            if (c.resid() != null) tests.add(DynamicTest.dynamicTest(c.model() + " residuals", () -> checkResiduals(c)));
            for (Fixtures.CvecRun r : c.cvec()) {
                tests.add(DynamicTest.dynamicTest(c.model() + " control vector x" + r.strength(), () -> checkCvec(c, r)));
            }
        }
        return tests.stream();
    }

    /** The cases at hand (the committed subset, or the full set in CI) test every weight type the runtime reads. */
    @org.junit.jupiter.api.Test
    void theCasesCoverEveryWeightType() {
        java.util.Set<String> seen = new java.util.TreeSet<>();
        for (Fixtures.Case c : Fixtures.cases()) {
            try (Model m = Model.load(c.modelPath())) {
                for (TensorInfo t : m.tensors()) seen.add(t.type());
            }
        }
        assertEquals(new java.util.TreeSet<>(List.of("BF16", "F16", "F32", "Q4_0", "Q4_1", "Q4_K", "Q5_0", "Q5_1", "Q5_K", "Q6_K", "Q8_0")),
                seen);
    }

    /** The kernel path that ran these cases is the one TILLER_CPU asked for, or else the best this CPU has. */
    @org.junit.jupiter.api.Test
    void theKernelPathIsTheOneAskedFor() {
        RuntimeInfo r = RuntimeInfo.get();
        String asked = System.getenv("TILLER_CPU");
        String best = r.cpuFeatures().contains("avx512vnni") ? "avx512" : r.cpuFeatures().contains("avx2") ? "avx2" : "scalar";
        assertEquals(asked == null || asked.isEmpty() ? best : asked, r.kernelPath());
        System.out.println("kernel path: " + r.kernelPath() + (r.repacking() ? " (weights repacked)" : ""));
    }

    private static void checkLogits(Fixtures.Case c, boolean incremental) {
        try (Model model = Model.load(c.modelPath()); Session s = model.newSession(new SessionOptions(c.tokens().length, 2))) {
            assertEquals(c.arch(), model.info().architecture());
            assertEquals(c.nVocab(), model.info().vocabularySize());
            float[] out = incremental ? incremental(s, c.tokens(), c.nVocab()) : s.evaluateAll(c.tokens()).toArray();
            assertWithin(c, Fixtures.readF32(c.logits()), out);
        }
    }

    static float[] incremental(Session s, int[] tokens, int nVocab) {
        float[] out = new float[tokens.length * nVocab];
        for (int i = 0; i < tokens.length; i++) {
            MemorySegment row = s.evaluate(new int[] {tokens[i]}).segment();
            MemorySegment.copy(row, ValueLayout.JAVA_FLOAT, 0, out, i * nVocab, nVocab);
        }
        return out;
    }

    private static void checkResiduals(Fixtures.Case c) {
        List<float[]> ref = Fixtures.readResiduals(c.resid(), c.nLayer());
        try (Model model = Model.load(c.modelPath()); Session s = model.newSession(new SessionOptions(c.tokens().length, 2))) {
            int[] all = new int[c.nLayer()];
            for (int i = 0; i < all.length; i++) all[i] = i;
            s.captureLayers(all);
            s.evaluate(c.tokens());
            for (int il = 0; il < c.nLayer(); il++) {
                float[] out = s.captured(il).toArray();
                float[] r = ref.get(il);
                assertEquals(r.length, out.length, "layer " + il + " size");
                double num = 0, den = 0;
                for (int i = 0; i < r.length; i++) {
                    num += (out[i] - r[i]) * (double) (out[i] - r[i]);
                    den += r[i] * (double) r[i];
                }
                double rel = Math.sqrt(num / den);
                assertTrue(rel <= 1e-3, c.model() + " layer " + il + ": relative error " + rel + " > 1e-3");
            }
        }
    }

    private static void checkCvec(Fixtures.Case c, Fixtures.CvecRun r) {
        try (Model model = Model.load(c.modelPath()); Session s = model.newSession(new SessionOptions(c.tokens().length, 2))) {
            s.setControlVector(ControlVector.load(r.file()).scale(r.strength()));
            float[] out = s.evaluateAll(c.tokens()).toArray();
            LogitComparison cmp = LogitComparison.of(Fixtures.readF32(r.logits()), out, c.nVocab());
            assertTrue(cmp.within(LogitComparison.Tolerance.forWeights("F32")), c.model() + " cvec x" + r.strength() + ": " + cmp);
            // The steered run must differ from the plain one by far more than the tolerance.
            LogitComparison plain = LogitComparison.of(Fixtures.readF32(c.logits()), out, c.nVocab());
            assertTrue(plain.maxAbs() > 0.5, "control vector had no visible effect: " + plain);
        }
    }

    private static void assertWithin(Fixtures.Case c, float[] ref, float[] out) {
        LogitComparison cmp = LogitComparison.of(ref, out, c.nVocab());
        LogitComparison.Tolerance tol = LogitComparison.Tolerance.forWeights(c.weights());
        assertTrue(cmp.within(tol), c.model() + " (" + c.weights() + "): " + cmp + " exceeds " + tol);
    }
}
