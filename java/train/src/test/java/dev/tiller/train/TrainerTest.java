package dev.tiller.train;

import static org.junit.jupiter.api.Assertions.*;

import dev.tiller.ModelFormatException;
import dev.tiller.train.algo.Algorithm;
import dev.tiller.train.algo.Algorithms;
import dev.tiller.train.algo.Classifier;
import dev.tiller.train.data.Batch;
import dev.tiller.train.data.Dataset;
import dev.tiller.train.nn.Mlp;
import dev.tiller.train.optim.Adam;
import dev.tiller.train.optim.Optimizer;
import dev.tiller.train.optim.ParamGroup;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The one training loop: its step order, evaluations, checkpoint and exact resume, and the algorithm registry. */
class TrainerTest {
    static final int N = 256, STEPS = 30;

    /** Two Gaussian blobs, batches of 32 drawn from a seeded generator (so resuming must replay the draws). */
    static final class Blobs implements Trainer.Batches<Batch> {
        final float[] x = new float[2 * N];
        final int[] y = new int[N];
        final SplittableRandom draw = new SplittableRandom(3);

        Blobs() {
            SplittableRandom rnd = new SplittableRandom(0);
            for (int i = 0; i < N; i++) {
                y[i] = i % 2;
                x[2 * i] = (float) (rnd.nextGaussian() + (y[i] == 0 ? -1 : 1));
                x[2 * i + 1] = (float) rnd.nextGaussian();
            }
        }

        @Override
        public Batch next() {
            int[] idx = new int[32], lab = new int[32], group = new int[32];
            float[] f = new float[64];
            for (int b = 0; b < 32; b++) {
                int i = draw.nextInt(N);
                idx[b] = i;
                lab[b] = y[i];
                group[b] = y[i];  // groups for GroupDRO: the classes
                f[2 * b] = x[2 * i];
                f[2 * b + 1] = x[2 * i + 1];
            }
            return new Batch(idx, f, 2, lab, group);
        }
    }

    record Run(List<Float> losses, MetricsTable metrics, float[] weights) {}

    /** STEPS steps of ERM on a 2-16-2 MLP; a listener throws after killAfter steps (0: never). */
    static Run run(Path checkpoint, int killAfter) {
        return run(checkpoint, killAfter, "erm");
    }

    static Run run(Path checkpoint, int killAfter, String algorithm) {
        try (Graph g = new Graph(1)) {
            Mlp model = new Mlp(g, new int[] {2, 16, 2}, new SplittableRandom(1));
            Optimizer opt = Adam.adam(List.of(ParamGroup.of(model.parameters())), 1e-2);
            Classifier net = b -> model.forward(g.constant(b.features(), b.size(), b.dim()));
            List<Float> losses = new ArrayList<>();
            Blobs data = new Blobs();
            Trainer<Batch> t = new Trainer<Batch>(opt, STEPS).clipGradNorm(1.0)
                    .onStep(s -> {
                        losses.add(s.loss());
                        if (killAfter > 0 && s.index() + 1 == killAfter) throw new IllegalStateException("killed");
                    })
                    .evaluate(10, n -> Map.of("train_accuracy", accuracy(g, model, data)));
            if (checkpoint != null) t.checkpoint(checkpoint, 10, model.namedParameters());
            Dataset groups = new Dataset(data.x, 2, data.y, data.y, 2);
            Trainer.Result r = t.run(Algorithms.create(algorithm, net, groups, algorithm.equals("groupdro") ? Map.of("eta", "1.0") : Map.of()), data);
            return new Run(losses, r.metrics(), model.parameters().get(0).toArray());
        }
    }

    static double accuracy(Graph g, Mlp model, Blobs d) {
        return g.noGrad(() -> {
            float[] logits = model.forward(g.constant(d.x, N, 2)).toArray();
            int ok = 0;
            for (int i = 0; i < N; i++) if ((logits[2 * i + 1] > logits[2 * i] ? 1 : 0) == d.y[i]) ok++;
            g.clear();
            return (double) ok / N;
        });
    }

    @Test
    void evaluatesEveryNStepsIntoATable() {
        Run r = run(null, 0);
        assertEquals(STEPS, r.losses().size());
        assertEquals(List.of(10L, 20L, 30L), r.metrics().rows().stream().map(MetricsTable.Row::step).toList());
        assertEquals(List.of("train_accuracy"), r.metrics().columns());
        assertTrue(r.metrics().last("train_accuracy") > 0.7, r.metrics().format());
        assertTrue(r.losses().get(STEPS - 1) < r.losses().get(0), "loss should fall: " + r.losses());
        MetricsTable back = MetricsTable.fromCsv(r.metrics().toCsv());
        assertEquals(r.metrics().rows(), back.rows());
    }

    @Test
    void aKilledRunResumesFromItsCheckpointExactly(@TempDir Path dir) {
        Run straight = run(null, 0);
        Path ckpt = dir.resolve("run.safetensors");
        assertThrows(IllegalStateException.class, () -> run(ckpt, 23));  // dies after step 23; the checkpoint holds step 20
        assertTrue(Files.exists(ckpt));
        Run resumed = run(ckpt, 0);
        assertEquals(straight.losses().subList(20, STEPS), resumed.losses());
        assertArrayEquals(straight.weights(), resumed.weights());
        assertEquals(straight.metrics().rows(), resumed.metrics().rows());  // the rows of steps 10 and 20 came from the file
    }

    @Test
    void groupDrosWeightsAreCheckpointedSoThatItResumesExactly(@TempDir Path dir) {
        Run straight = run(null, 0, "groupdro");
        Path ckpt = dir.resolve("dro.safetensors");
        assertThrows(IllegalStateException.class, () -> run(ckpt, 23, "groupdro"));
        Run resumed = run(ckpt, 0, "groupdro");
        assertEquals(straight.losses().subList(20, STEPS), resumed.losses());
        assertArrayEquals(straight.weights(), resumed.weights());
        // ERM's checkpoint holds no group weights: GroupDRO refuses to resume from it, and ERM from GroupDRO's
        Path erm = dir.resolve("erm.safetensors");
        assertThrows(IllegalStateException.class, () -> run(erm, 13, "erm"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> run(erm, 0, "groupdro"));
        assertTrue(e.getMessage().contains("holds no state for GroupDro"), e.getMessage());
        Path dro = dir.resolve("dro2.safetensors");
        assertThrows(IllegalStateException.class, () -> run(dro, 13, "groupdro"));
        e = assertThrows(IllegalArgumentException.class, () -> run(dro, 0, "erm"));
        assertTrue(e.getMessage().contains("written by another algorithm"), e.getMessage());
    }

    @Test
    void aCheckpointOfAnotherScheduleIsRefused(@TempDir Path dir) {
        Path ckpt = dir.resolve("run.safetensors");
        run(ckpt, 0);
        try (Graph g = new Graph(1)) {
            Mlp model = new Mlp(g, new int[] {2, 16, 2}, new SplittableRandom(1));
            Optimizer opt = Adam.adam(List.of(ParamGroup.of(model.parameters())), 1e-2);
            Trainer<Batch> t = new Trainer<Batch>(opt, STEPS + 5).checkpoint(ckpt, 10, model.namedParameters());
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> t.run(Algorithms.create("erm", b -> model.forward(g.constant(b.features(), b.size(), b.dim())), Map.of()), new Blobs()));
            assertTrue(e.getMessage().contains("30 steps") && e.getMessage().contains("35"), e.getMessage());
        }
        try (Graph g = new Graph(1)) {
            Mlp wider = new Mlp(g, new int[] {2, 8, 2}, new SplittableRandom(1));
            Optimizer opt = Adam.adam(List.of(ParamGroup.of(wider.parameters())), 1e-2);
            Trainer<Batch> t = new Trainer<Batch>(opt, STEPS).checkpoint(ckpt, 10, wider.namedParameters());
            ModelFormatException e = assertThrows(ModelFormatException.class,
                    () -> t.run(Algorithms.create("erm", b -> wider.forward(g.constant(b.features(), b.size(), b.dim())), Map.of()), new Blobs()));
            assertTrue(e.getMessage().contains("shape"), e.getMessage());
        }
    }

    @Test
    void theAlgorithmSeesEveryStepAfterTheUpdateWithItsGraphAlive() {
        try (Graph g = new Graph(1)) {
            Mlp model = new Mlp(g, new int[] {2, 4, 2}, new SplittableRandom(1));
            Optimizer opt = Adam.adam(List.of(ParamGroup.of(model.parameters())), 1e-2);
            List<Long> seen = new ArrayList<>();
            Tensor[] lastLogits = new Tensor[1];
            Algorithm<Batch> a = new Algorithm<>() {
                @Override
                public Tensor loss(Batch b) {
                    lastLogits[0] = model.forward(g.constant(b.features(), b.size(), b.dim()));
                    return Losses.crossEntropy(lastLogits[0], b.labels());
                }

                @Override
                public void afterStep(Batch b, long step) {
                    assertEquals(b.size() * 2, lastLogits[0].toArray().length);  // readable: not yet cleared
                    assertEquals(step, opt.steps() - 1);                         // after the update
                    seen.add(step);
                }
            };
            new Trainer<Batch>(opt, 5).run(a, new Blobs());
            assertEquals(List.of(0L, 1L, 2L, 3L, 4L), seen);
        }
    }

    @Test
    void theRegistryNamesWhatExistsAndRefusesUnknownNamesAndHyperParameters() {
        assertTrue(Algorithms.names().contains("erm"));
        Classifier none = b -> {
            throw new AssertionError("not called");
        };
        IllegalArgumentException name = assertThrows(IllegalArgumentException.class, () -> Algorithms.create("groupdrp", none, Map.of()));
        assertTrue(name.getMessage().contains("groupdrp") && name.getMessage().contains("erm"), name.getMessage());
        IllegalArgumentException hp = assertThrows(IllegalArgumentException.class, () -> Algorithms.create("erm", none, Map.of("eta", "0.1")));
        assertTrue(hp.getMessage().contains("erm has no hyper-parameter eta"), hp.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Algorithms.register("erm", (m, d, h) -> null));
    }
}
