package dev.tiller;

import java.lang.foreign.MemorySegment;

/**
 * A Java callback on the residual stream after each block ({@code resid_post(layer)}, after the
 * native steering programs), for custom experiments. It runs on the thread that called
 * {@code evaluate}, once per layer per evaluation (one upcall per layer, not per element).
 * {@code x} holds {@code nTokens x nEmbd} floats of the batch, row-major, and may be modified; it
 * is valid only during the call. An exception thrown by the hook ends the evaluation's use of the
 * hook and is rethrown by {@code evaluate} once the native call returns.
 */
@FunctionalInterface
public interface ResidualHook {
    void onResidual(int layer, int firstPosition, MemorySegment x, int nTokens, int nEmbd);
}
