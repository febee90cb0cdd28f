package dev.tiller.train.optim;

import dev.tiller.train.Tensor;
import java.util.List;

/**
 * Parameters that share hyper-parameters: a learning-rate multiplier on the schedule's rate and
 * a weight decay (NaN: the optimizer's default). Typical use: no decay on norms and biases.
 */
public record ParamGroup(List<Tensor> params, double lrMultiplier, double weightDecay) {
    public ParamGroup {
        params = List.copyOf(params);
    }

    public static ParamGroup of(List<Tensor> params) {
        return new ParamGroup(params, 1.0, Double.NaN);
    }
}
