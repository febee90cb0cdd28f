package dev.tiller.train;

import static dev.tiller.bindings.tiller_h.*;

/** Loss functions. */
public final class Losses {
    private Losses() {}

    public enum Reduction { MEAN, SUM, NONE }

    /** Mean cross-entropy of logits [N, C] against labels [N]. */
    public static Tensor crossEntropy(Tensor logits, int[] labels) {
        return crossEntropy(logits, labels, null, null, Reduction.MEAN);
    }

    /**
     * loss_i = w_i * -log softmax(z_i + o_i)[y_i], reduced by mean over N, sum, or not at all ([N]).
     * weights [N] and offset [N, C] are constants and may be null (MAT and CRM use the offset).
     */
    public static Tensor crossEntropy(Tensor logits, int[] labels, Tensor weights, Tensor offset, Reduction reduction) {
        // A null input travels as handle 0, "none", to the native op.
        Tensor[] in = offset != null ? new Tensor[] {logits, weights, offset} : weights != null ? new Tensor[] {logits, weights} : new Tensor[] {logits};
        return logits.graph().op(TILLER_OP_CROSS_ENTROPY(), in, new long[] {reduction.ordinal()}, new float[0], labels);
    }

    /** Mean squared error. */
    public static Tensor mse(Tensor a, Tensor b) {
        return a.graph().op(TILLER_OP_MSE(), new Tensor[] {a, b}, new long[0], new float[0], null);
    }
}
