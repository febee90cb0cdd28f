package dev.tiller;

import dev.tiller.steer.SteeringVector;
import dev.tiller.testing.Fixtures;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

/** The Java residual hook: sees every layer, can edit the stream (same effect as native steering), fails safely. */
class ResidualHookTest {
    private static final int[] TOKENS = {2, 100, 200, 300, 400, 500};

    @Test
    void seesEveryLayerAndMatchesCapture() {
        try (Model m = Model.load(Fixtures.smallModel()); Session s = m.newSession(new SessionOptions(32, 1))) {
            List<Integer> layers = new ArrayList<>();
            float[][] seen = new float[1][];
            s.captureLayers(3);
            s.setResidualHook((layer, pos, x, n, d) -> {
                layers.add(layer);
                assertEquals(0, pos);
                assertEquals(TOKENS.length, n);
                if (layer == 3) seen[0] = x.toArray(ValueLayout.JAVA_FLOAT);
            });
            s.evaluate(TOKENS);
            assertEquals(List.of(0, 1, 2, 3, 4, 5, 6, 7), layers);
            float[] captured = s.captured(3).toArray();
            for (int i = 0; i < captured.length; i++) assertEquals(captured[i], seen[0][i]);
        }
    }

    @Test
    void editingTheStreamEqualsDenseSteering() {
        try (Model m = Model.load(Fixtures.smallModel())) {
            float[] v = new float[64];
            for (int i = 0; i < 64; i++) v[i] = (float) Math.sin(i) * 0.5f;
            float[] viaHook, viaNative;
            try (Session s = m.newSession(new SessionOptions(32, 1))) {
                s.setResidualHook((layer, pos, x, n, d) -> {
                    if (layer != 4) return;
                    for (int t = 0; t < n; t++) {
                        for (int j = 0; j < d; j++) {
                            long at = ((long) t * d + j) * 4;
                            x.set(ValueLayout.JAVA_FLOAT, at, x.get(ValueLayout.JAVA_FLOAT, at) + 2.0f * v[j]);
                        }
                    }
                });
                viaHook = s.evaluateAll(TOKENS).toArray();
            }
            try (Session s = m.newSession(new SessionOptions(32, 1))) {
                s.steer(SteeringVector.dense(4, v, java.util.Map.of()), 2.0f, 0, null, false);
                viaNative = s.evaluateAll(TOKENS).toArray();
            }
            double worst = 0;
            for (int i = 0; i < viaHook.length; i++) worst = Math.max(worst, Math.abs(viaHook[i] - viaNative[i]));
            assertTrue(worst < 1e-4, "max |diff| " + worst);
        }
    }

    @Test
    void anExceptionInTheHookIsRethrownNotFatal() {
        try (Model m = Model.load(Fixtures.smallModel()); Session s = m.newSession(new SessionOptions(32, 1))) {
            s.setResidualHook((layer, pos, x, n, d) -> {
                if (layer == 2) throw new IllegalStateException("boom at layer 2");
            });
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> s.evaluate(TOKENS));
            assertEquals("boom at layer 2", e.getMessage());
            s.setResidualHook(null);
            s.reset();
            FloatView logits = s.evaluate(TOKENS);
            assertEquals(1, logits.rows());
            assertEquals(2048, logits.columns());
        }
    }
}
