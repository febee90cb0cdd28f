package dev.tiller.train;

import dev.tiller.ModelFormatException;
import dev.tiller.Progress;
import dev.tiller.train.algo.Algorithm;
import dev.tiller.train.optim.Optimizer;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * The one training loop: for each step, the algorithm's loss of the next batch, backward, optional
 * gradient clipping, the optimizer step, the algorithm's state update, then callbacks, a progress
 * line, evaluations every N steps (kept as a {@link MetricsTable}) and checkpoints every M steps.
 * With a checkpoint file that exists, {@link #run} resumes from it: parameters, optimizer state and
 * step count, the metrics so far, and the data order (the batches of the done steps are skipped),
 * so a killed run continues exactly where it stopped.
 *
 * <p>Per step the order of native work is fixed (forward, zero gradients, backward, clip, update),
 * which is what makes a recipe's loss curve repeat digit for digit for a seed.
 *
 * @param <B> what one batch is
 */
public final class Trainer<B> {
    /** The batches, one per step in order. */
    public interface Batches<B> {
        B next();

        /** Passes over the batches of steps already done (resuming); by default draws and drops them. */
        default void skip(long steps) {
            for (long i = 0; i < steps; i++) next();
        }
    }

    /** A finished step: its 0-based index, the schedule's length, the batch's loss. */
    public record Step(long index, long steps, float loss) {}

    /** Metrics after a step (e.g. validation accuracy), by name. */
    @FunctionalInterface
    public interface Evaluation {
        Map<String, Double> evaluate(long stepsDone);
    }

    public record Result(long steps, long resumedAt, double trainSeconds, MetricsTable metrics) {}

    private final Optimizer optimizer;
    private final long steps;
    private double clip;
    private final List<Consumer<Step>> listeners = new ArrayList<>();
    private long evalEvery;
    private Evaluation evaluation;
    private Path checkpoint;
    private long checkpointEvery;
    private Map<String, Tensor> checkpointed;

    public Trainer(Optimizer optimizer, long steps) {
        if (steps < 0) throw new IllegalArgumentException("steps must be >= 0, got " + steps);
        this.optimizer = optimizer;
        this.steps = steps;
    }

    /** Rescales gradients to a joint L2 norm of at most maxNorm before each update. */
    public Trainer<B> clipGradNorm(double maxNorm) {
        this.clip = maxNorm;
        return this;
    }

    /** Called after every step, in the order added. */
    public Trainer<B> onStep(Consumer<Step> listener) {
        listeners.add(listener);
        return this;
    }

    /** A progress line (at most one per interval) with the given detail of the step. */
    public Trainer<B> progress(String what, PrintStream out, double intervalSeconds, Function<Step, String> detail) {
        Progress bar = new Progress(what, steps, out, intervalSeconds);
        return onStep(s -> bar.update(s.index() + 1, detail.apply(s)));
    }

    /** Evaluates every n steps (n = 0: only after the last step) and after the last step. */
    public Trainer<B> evaluate(long everySteps, Evaluation e) {
        this.evalEvery = everySteps;
        this.evaluation = e;
        return this;
    }

    /** Saves params, optimizer and progress to file every n steps and at the end; resumes from it when it exists. */
    public Trainer<B> checkpoint(Path file, long everySteps, Map<String, Tensor> params) {
        if (everySteps < 1) throw new IllegalArgumentException("checkpoint interval must be >= 1 step");
        this.checkpoint = file;
        this.checkpointEvery = everySteps;
        this.checkpointed = params;
        return this;
    }

    public Result run(Algorithm<B> algorithm, Batches<B> batches) {
        MetricsTable metrics = new MetricsTable();
        long start = 0;
        if (checkpoint != null) algorithm.state();  // an algorithm that cannot be checkpointed says so before the first step
        if (checkpoint != null && Files.exists(checkpoint)) {
            Map<String, String> meta = Checkpoint.load(checkpoint, checkpointed, optimizer);
            start = Long.parseLong(require(meta, "step"));
            long planned = Long.parseLong(require(meta, "steps"));
            if (planned != steps) {
                throw new IllegalArgumentException(checkpoint + " is a run of " + planned + " steps, this one has " + steps + " (the schedule differs)");
            }
            metrics = MetricsTable.fromCsv(meta.getOrDefault("metrics", "step\n"));
            String state = meta.get("algorithm");
            if (state != null) algorithm.restore(state);
            else if (algorithm.state() != null) throw new IllegalArgumentException(checkpoint + " holds no state for " + algorithm.getClass().getSimpleName());
            batches.skip(start);
        }
        long nanos = 0;
        for (long s = start; s < steps; s++) {
            long t0 = System.nanoTime();
            B batch = batches.next();
            Tensor loss = algorithm.loss(batch);
            Graph g = loss.graph();
            optimizer.zeroGrad();
            g.backward(loss);
            if (clip > 0) optimizer.clipGradNorm(clip);
            optimizer.step();
            float value = loss.item();
            algorithm.afterStep(batch, s);
            g.clear();
            nanos += System.nanoTime() - t0;
            Step done = new Step(s, steps, value);
            for (Consumer<Step> l : listeners) l.accept(done);
            long n = s + 1;
            if (evaluation != null && (n == steps || evalEvery > 0 && n % evalEvery == 0)) metrics.add(n, evaluation.evaluate(n));
            if (checkpoint != null && (n == steps || n % checkpointEvery == 0)) save(n, metrics, algorithm.state());
        }
        return new Result(steps, start, nanos / 1e9, metrics);
    }

    private void save(long stepsDone, MetricsTable metrics, String algorithmState) {
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put("step", Long.toString(stepsDone));
        meta.put("steps", Long.toString(steps));
        meta.put("metrics", metrics.toCsv());
        if (algorithmState != null) meta.put("algorithm", algorithmState);
        Checkpoint.save(checkpoint, checkpointed, optimizer, meta);
    }

    private String require(Map<String, String> meta, String key) {
        String v = meta.get(key);
        if (v == null) throw new ModelFormatException(0, checkpoint + ": not a Trainer checkpoint (no '" + key + "')");
        return v;
    }
}
