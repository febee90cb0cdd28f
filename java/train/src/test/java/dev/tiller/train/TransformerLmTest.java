package dev.tiller.train;

import static org.junit.jupiter.api.Assertions.*;

import dev.tiller.train.nn.TransformerConfig;
import dev.tiller.train.nn.TransformerLm;
import dev.tiller.train.optim.Adam;
import dev.tiller.train.optim.LrSchedule;
import dev.tiller.train.optim.Optimizer;
import dev.tiller.train.optim.ParamGroup;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A 2-layer Gemma-style LM memorises a paragraph; a checkpointed run resumes exactly. */
class TransformerLmTest {
    static final String PARAGRAPH = "It is a truth universally acknowledged, that a single man in possession of a good fortune, "
            + "must be in want of a wife. However little known the feelings or views of such a man may be on his first entering "
            + "a neighbourhood, this truth is so well fixed in the minds of the surrounding families, that he is considered the "
            + "rightful property of some one or other of their daughters.";
    static final int SEQ = 64, BATCH = 4;

    /** Byte-level tokens; the windows of a step start at offsets that depend on the step. */
    record Task(int[] bytes) {
        int[] window(int step, boolean targets) {
            int[] out = new int[BATCH * SEQ];
            int span = bytes.length - SEQ - 1;
            for (int b = 0; b < BATCH; b++) {
                int start = (int) (((long) step * 37 + b * 91) % span);
                for (int t = 0; t < SEQ; t++) out[b * SEQ + t] = bytes[start + t + (targets ? 1 : 0)];
            }
            return out;
        }
    }

    static final TransformerConfig CONFIG = new TransformerConfig(256, 64, 2, 4, 2, 16, 128, SEQ, 10000f, 50f, 30f, true, 1e-6f);

    static TransformerLm model(Graph g) {
        return new TransformerLm(g, CONFIG, new SplittableRandom(11));
    }

    static Optimizer optimizer(TransformerLm m) {
        return new Adam(List.of(ParamGroup.of(m.parameters())), LrSchedule.warmup(LrSchedule.constant(1e-2), 10), 0.9, 0.98, 1e-8, 0.0, true);
    }

    static float step(Graph g, TransformerLm m, Optimizer opt, Task task, int step) {
        Tensor logits = m.forward(task.window(step, false), BATCH, SEQ);
        Tensor loss = Losses.crossEntropy(logits.reshape((long) BATCH * SEQ, CONFIG.vocab()), task.window(step, true));
        opt.zeroGrad();
        g.backward(loss);
        opt.clipGradNorm(1.0);
        opt.step();
        float v = loss.item();
        g.clear();
        return v;
    }

    static Task task() {
        byte[] b = PARAGRAPH.getBytes(StandardCharsets.UTF_8);
        int[] t = new int[b.length];
        for (int i = 0; i < b.length; i++) t[i] = b[i] & 0xff;
        return new Task(t);
    }

    @Test
    void overfitsAParagraphToNearZeroLoss() {
        try (Graph g = new Graph(0)) {
            TransformerLm m = model(g);
            Optimizer opt = optimizer(m);
            Task task = task();
            // The same four windows every step: pure memorisation, so the loss can approach zero
            // (moving windows would leave each window's first positions ambiguous).
            float first = step(g, m, opt, task, 0), last = first;
            for (int s = 1; s < 300; s++) last = step(g, m, opt, task, 0);
            assertTrue(first > 4.0f, "initial loss " + first + " should be near ln 256");
            assertTrue(last < 0.05f, "final loss " + last);
        }
    }

    @Test
    void killThenResumeContinuesTheLossCurveExactly(@TempDir Path dir) {
        Task task = task();
        int total = 40, kill = 25;
        List<Float> straight = new ArrayList<>();
        try (Graph g = new Graph(0)) {
            TransformerLm m = model(g);
            Optimizer opt = optimizer(m);
            for (int s = 0; s < total; s++) straight.add(step(g, m, opt, task, s));
        }
        Path ckpt = dir.resolve("run.safetensors");
        try (Graph g = new Graph(0)) {
            TransformerLm m = model(g);
            Optimizer opt = optimizer(m);
            for (int s = 0; s < kill; s++) step(g, m, opt, task, s);
            Checkpoint.save(ckpt, m.namedParameters(), opt, Map.of("step", Integer.toString(kill)));
        }  // the run "dies" here
        List<Float> resumed = new ArrayList<>();
        try (Graph g = new Graph(0)) {
            TransformerLm m = new TransformerLm(g, CONFIG, new SplittableRandom(999));  // different init: all of it must come from the file
            Optimizer opt = optimizer(m);
            Map<String, String> meta = Checkpoint.load(ckpt, m.namedParameters(), opt);
            for (int s = Integer.parseInt(meta.get("step")); s < total; s++) resumed.add(step(g, m, opt, task, s));
        }
        assertEquals(straight.subList(kill, total), resumed);
    }
}
