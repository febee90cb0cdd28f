package dev.tiller.train.optim;

import dev.tiller.train.Graph;
import java.util.List;

/** Adam, and AdamW with decoupled weight decay (torch.optim semantics). */
public final class Adam extends Optimizer {
    private final double beta1, beta2, eps, weightDecay;
    private final boolean decoupled;

    public Adam(List<ParamGroup> groups, LrSchedule schedule, double beta1, double beta2, double eps, double weightDecay, boolean decoupled) {
        super(groups, schedule);
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.eps = eps;
        this.weightDecay = weightDecay;
        this.decoupled = decoupled;
    }

    /** Adam with PyTorch's defaults (betas 0.9, 0.999, eps 1e-8, no decay). */
    public static Adam adam(List<ParamGroup> groups, double lr) {
        return new Adam(groups, LrSchedule.constant(lr), 0.9, 0.999, 1e-8, 0.0, false);
    }

    /** AdamW with PyTorch's defaults (weight decay 0.01) unless given. */
    public static Adam adamW(List<ParamGroup> groups, double lr, double weightDecay, double beta2) {
        return new Adam(groups, LrSchedule.constant(lr), 0.9, beta2, 1e-8, weightDecay, true);
    }

    @Override
    protected void update(Graph graph, ParamGroup g, double lr) {
        double wd = Double.isNaN(g.weightDecay()) ? weightDecay : g.weightDecay();
        graph.adamStep(g.params(), lr, beta1, beta2, eps, wd, decoupled, steps);
    }
}
