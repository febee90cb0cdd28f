package dev.tiller.train.optim;

import dev.tiller.train.Tensor;
import java.util.ArrayList;
import java.util.List;

/** An exponential moving average of parameters, kept in persistent tensors of the same graph. */
public final class Ema {
    private final List<Tensor> source, average = new ArrayList<>();
    private final double decay;

    public Ema(List<Tensor> params, double decay) {
        this.source = List.copyOf(params);
        this.decay = decay;
        for (Tensor p : source) average.add(p.graph().persistent(p.toArray(), false, p.shape()));
    }

    /** average = decay * average + (1 - decay) * parameter. */
    public void update() {
        source.get(0).graph().emaUpdate(average, source, decay);
    }

    /** The averaged tensors, in the order of the parameters. */
    public List<Tensor> averages() {
        return List.copyOf(average);
    }
}
