package dev.tiller.train.optim;

import dev.tiller.train.Graph;
import java.util.List;

/** SGD with momentum, Nesterov and L2 weight decay (torch.optim.SGD, dampening 0). */
public final class Sgd extends Optimizer {
    private final double momentum, weightDecay;
    private final boolean nesterov;

    public Sgd(List<ParamGroup> groups, LrSchedule schedule, double momentum, double weightDecay, boolean nesterov) {
        super(groups, schedule);
        this.momentum = momentum;
        this.weightDecay = weightDecay;
        this.nesterov = nesterov;
    }

    @Override
    protected void update(Graph graph, ParamGroup g, double lr) {
        double wd = Double.isNaN(g.weightDecay()) ? weightDecay : g.weightDecay();
        graph.sgdStep(g.params(), lr, momentum, wd, nesterov);
    }
}
