package dev.tiller.train;

import static org.junit.jupiter.api.Assertions.*;

import dev.tiller.InvalidArgumentException;
import dev.tiller.SessionStateException;
import org.junit.jupiter.api.Test;

/** The Java surface of the engine: values of ops worked by hand, gradients to inputs, errors. */
class TensorOpsTest {
    @Test
    void matmulBroadcastAndSoftmaxGiveHandComputedValues() {
        try (Graph g = new Graph(1)) {
            Tensor a = g.constant(new float[] {1, 2, 3, 4}, 2, 2), b = g.constant(new float[] {5, 6, 7, 8}, 2, 2);
            assertArrayEquals(new float[] {19, 22, 43, 50}, a.matmul(b).toArray());
            assertArrayEquals(new float[] {17, 23, 39, 53}, a.matmul(b, false, true).toArray());
            assertArrayEquals(new float[] {11, 22, 13, 24}, a.add(g.constant(new float[] {10, 20}, 2)).toArray());
            float[] p = g.constant(new float[] {0, (float) Math.log(3)}, 1, 2).softmax().toArray();
            assertEquals(0.25f, p[0], 1e-6f);
            assertEquals(0.75f, p[1], 1e-6f);
            assertEquals(10f, a.sum().item());
            assertArrayEquals(new float[] {3, 7}, a.sum(1, false).toArray());
            assertArrayEquals(new float[] {3, 4}, a.max(0, false).toArray());
            assertArrayEquals(new float[] {1, 3, 2, 4}, a.transpose(0, 1).toArray());
        }
    }

    @Test
    void crossEntropyMatchesItsFormulaAndGradientsReachInputs() {
        try (Graph g = new Graph(1)) {
            float[] z = {1, 2, 0.5f, -1, 0, 3};
            Tensor logits = g.input(z, 2, 3);
            Tensor loss = Losses.crossEntropy(logits, new int[] {1, 2});
            double l0 = Math.log(Math.exp(1) + Math.exp(2) + Math.exp(0.5)) - 2, l1 = Math.log(Math.exp(-1) + Math.exp(0) + Math.exp(3)) - 3;
            assertEquals((l0 + l1) / 2, loss.item(), 1e-6);
            g.backward(loss);
            float[] grad = logits.gradArray();
            // d/dz = (softmax - onehot) / N
            double s0 = Math.exp(1) + Math.exp(2) + Math.exp(0.5);
            assertEquals((Math.exp(2) / s0 - 1) / 2, grad[1], 1e-6);
            assertEquals(Math.exp(1) / s0 / 2, grad[0], 1e-6);
        }
    }

    @Test
    void persistentTensorsSurviveClearAndIntermediatesDoNot() {
        try (Graph g = new Graph(1)) {
            Tensor w = g.parameter(new float[] {1, 2}, 2);
            Tensor y = w.square();
            long before = g.liveTensors();
            g.clear();
            assertEquals(before - 1, g.liveTensors());
            assertArrayEquals(new float[] {1, 2}, w.toArray());
            SessionStateException e = assertThrows(SessionStateException.class, y::toArray);
            assertTrue(e.getMessage().contains("not live"), e.getMessage());
        }
    }

    @Test
    void badInputIsATypedErrorNamingTheProblem() {
        try (Graph g = new Graph(1)) {
            Tensor a = g.constant(new float[6], 2, 3);
            InvalidArgumentException e = assertThrows(InvalidArgumentException.class, () -> a.matmul(a));
            assertTrue(e.getMessage().contains("do not multiply"), e.getMessage());
            e = assertThrows(InvalidArgumentException.class, () -> Losses.crossEntropy(a, new int[] {0, 3}));
            assertTrue(e.getMessage().contains("label 3"), e.getMessage());
            e = assertThrows(InvalidArgumentException.class, () -> g.parameter(new float[] {1}, 1, 1).embedding(new int[] {-1}, 1));
            assertTrue(e.getMessage().contains("outside the vocabulary"), e.getMessage());
            assertThrows(InvalidArgumentException.class, () -> a.reshape(4, 2));
            assertThrows(InvalidArgumentException.class, () -> a.dropout(1.5f, 1));
            try (Graph other = new Graph(1)) {
                assertThrows(IllegalArgumentException.class, () -> a.add(other.constant(new float[] {1}, 1)));
            }
        }
        Graph g = new Graph(1);
        Tensor t = g.constant(new float[] {1}, 1);
        g.close();
        assertThrows(SessionStateException.class, t::neg);
    }

    @Test
    void aMemoryLimitTurnsAHugeOpIntoATypedError() {
        try (Graph g = new Graph(1)) {
            g.setMemoryLimit(1 << 20);
            Tensor col = g.constant(new float[1000], 1000, 1);
            var e = assertThrows(dev.tiller.NativeMemoryException.class, () -> col.matmul(col, false, true));  // 1000 x 1000 floats
            assertTrue(e.getMessage().contains("memory limit"), e.getMessage());
            assertEquals(1000f * 1000f, g.constant(new float[] {1000}, 1, 1).matmul(g.constant(new float[] {1000}, 1, 1)).item());
        }
    }

    @Test
    void concurrentUseOfOneGraphIsEitherServedOrRefusedWithATypedError() throws Exception {
        int n = 64;
        float[] a = new float[n * n];
        for (int i = 0; i < a.length; i++) a[i] = ((i * 37) % 11 - 5) / 8f;
        double expected = 0; // sum of the entries of a . a, in double
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                double cell = 0;
                for (int k = 0; k < n; k++) cell += a[i * n + k] * (double) a[k * n + j];
                expected += cell;
            }
        }
        try (Graph g = new Graph(1)) {
            Tensor big = g.parameter(a, n, n);
            var refusals = new java.util.concurrent.ConcurrentLinkedQueue<String>();
            var wrong = new java.util.concurrent.ConcurrentLinkedQueue<String>();
            var unexpected = new java.util.concurrent.ConcurrentLinkedQueue<Throwable>();
            var served = new java.util.concurrent.atomic.AtomicInteger();
            final double want = expected;
            java.util.concurrent.CyclicBarrier together = new java.util.concurrent.CyclicBarrier(2);
            Runnable work = () -> {
                for (int i = 0; i < 200; i++) {
                    try {
                        if (i % 20 == 0) together.await(); // both threads start each block together
                        float sum = big.matmul(big).sum().item();
                        served.incrementAndGet();
                        if (Math.abs(sum - want) > 1e-3 * Math.abs(want) + 1e-3) wrong.add(sum + " instead of " + want);
                    } catch (SessionStateException e) {
                        refusals.add(e.getMessage());
                    } catch (Throwable e) {
                        unexpected.add(e);
                    }
                }
            };
            Thread t1 = new Thread(work), t2 = new Thread(work);
            t1.start();
            t2.start();
            t1.join();
            t2.join();
            assertTrue(unexpected.isEmpty(), () -> "unexpected: " + unexpected);
            assertTrue(wrong.isEmpty(), () -> "a served call computed a wrong product: " + wrong);
            assertTrue(served.get() > 0, "no call was served");
            for (String m : refusals) assertTrue(m.contains("another thread"), m);
            assertEquals(want, big.matmul(big).sum().item(), 1e-3 * Math.abs(want));
        }
    }
}
