package dev.tiller.train.dynamics;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Consumer;

/**
 * A grid of grokking runs over learning rate x weight decay x seeds (the paper's Figure 2), each
 * run's final validation accuracy and generalisation step t4 beside the spectral statistics of its
 * first steps of training loss.
 */
public final class GrokSweep {
    /** The grid; every run uses base's task, model and steps, with its own lr, wd and seed. */
    public record Grid(Grokking.Options base, double[] lrs, double[] wds, int seeds, int predictSteps, int jobs) {}

    /** One run: its cell (indices into lrs and wds), seed, outcome and statistics. */
    public record Run(int lrIndex, int wdIndex, double lr, double wd, long seed, double finalValAcc, long t4, LossSpectrum.Stats stats, double seconds) {
        /** Generalised by the last step: validation accuracy >= 0.99. */
        public boolean generalises() {
            return finalValAcc >= 0.99;
        }
    }

    private GrokSweep() {}

    /** Runs the grid, `jobs` runs at a time (each with base.threads() threads); done receives each finished run. */
    public static List<Run> run(Grid g, Consumer<Run> done) {
        if (g.lrs().length == 0 || g.wds().length == 0 || g.seeds() < 1) throw new IllegalArgumentException("an empty grid");
        if (g.predictSteps() > g.base().steps())
            throw new IllegalArgumentException("the statistics' window of " + g.predictSteps() + " steps is longer than the runs' " + g.base().steps());
        List<int[]> cells = new ArrayList<>();
        for (int i = 0; i < g.lrs().length; i++)
            for (int j = 0; j < g.wds().length; j++)
                for (int s = 0; s < g.seeds(); s++) cells.add(new int[] {i, j, s});
        ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, g.jobs()));
        try {
            List<Future<Run>> futures = new ArrayList<>();
            for (int[] c : cells)
                futures.add(pool.submit(() -> {
                    Grokking.Options b = g.base();
                    Grokking.Options o = new Grokking.Options(b.op(), b.p(), b.frac(), b.model(), g.lrs()[c[0]], g.wds()[c[1]], b.steps(), c[2], b.threads());
                    Grokking.Curve curve = Grokking.run(o, null);
                    int last = curve.steps() - 1;
                    Run r = new Run(c[0], c[1], o.lr(), o.wd(), c[2], curve.valAcc()[last], curve.phaseTimes().t4(),
                            LossSpectrum.of(curve.trainLoss(), g.predictSteps()), curve.seconds());
                    if (done != null) synchronized (done) { done.accept(r); }
                    return r;
                }));
            List<Run> runs = new ArrayList<>();
            for (Future<Run> f : futures) runs.add(f.get());
            return runs;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("the sweep was interrupted", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException re) throw re;
            throw new IllegalStateException(e.getCause());
        } finally {
            pool.shutdownNow();
        }
    }
}
