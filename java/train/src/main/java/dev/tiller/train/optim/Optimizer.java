package dev.tiller.train.optim;

import dev.tiller.train.Graph;
import dev.tiller.train.Tensor;
import java.util.ArrayList;
import java.util.List;

/**
 * Updates parameter groups in place from their gradients (native code); the learning rate comes
 * from a schedule at the step count, which a checkpoint saves and restores.
 */
public abstract class Optimizer {
    protected final List<ParamGroup> groups;
    protected LrSchedule schedule;
    protected long steps;

    protected Optimizer(List<ParamGroup> groups, LrSchedule schedule) {
        if (groups.isEmpty() || groups.stream().anyMatch(g -> g.params().isEmpty())) throw new IllegalArgumentException("a parameter group is empty");
        this.groups = List.copyOf(groups);
        this.schedule = schedule;
    }

    /** One update of every group; parameters without a gradient are skipped. */
    public void step() {
        double lr = schedule.at(steps);
        steps++;
        for (ParamGroup g : groups) update(graph(g), g, lr * g.lrMultiplier());
    }

    /** Applies one update to a group at learning rate lr; steps() already counts this step. */
    protected abstract void update(Graph graph, ParamGroup group, double lr);

    public void zeroGrad() {
        for (ParamGroup g : groups) graph(g).zeroGrad(g.params());
    }

    /** Rescales all gradients to a joint L2 norm of at most maxNorm; returns the norm before. */
    public double clipGradNorm(double maxNorm) {
        List<Tensor> all = parameters();
        return all.get(0).graph().clipGradNorm(all, maxNorm);
    }

    public List<Tensor> parameters() {
        List<Tensor> all = new ArrayList<>();
        for (ParamGroup g : groups) all.addAll(g.params());
        return all;
    }

    public long steps() {
        return steps;
    }

    /** Restores the step count (resuming from a checkpoint). */
    public void setSteps(long steps) {
        this.steps = steps;
    }

    public double currentLr() {
        return schedule.at(steps);
    }

    public Optimizer schedule(LrSchedule s) {
        schedule = s;
        return this;
    }

    private static Graph graph(ParamGroup g) {
        return g.params().get(0).graph();
    }
}
