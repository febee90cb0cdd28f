package dev.tiller.train.algo;

import dev.tiller.train.Tensor;
import dev.tiller.train.data.Batch;

/** A model as the classification algorithms see it: the logits [n, classes] of a batch's examples. */
@FunctionalInterface
public interface Classifier {
    Tensor logits(Batch batch);
}
