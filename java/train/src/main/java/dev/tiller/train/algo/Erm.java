package dev.tiller.train.algo;

import dev.tiller.train.Losses;
import dev.tiller.train.Tensor;
import dev.tiller.train.data.Batch;
import dev.tiller.train.data.Dataset;

/** Empirical risk minimisation: the mean cross-entropy of the batch (every method's baseline). */
public final class Erm implements Algorithm<Batch> {
    private final Classifier model;

    public Erm(Classifier model, Dataset train, Hparams hp) {
        this.model = model;
    }

    @Override
    public Tensor loss(Batch batch) {
        return Losses.crossEntropy(model.logits(batch), batch.labels());
    }
}
