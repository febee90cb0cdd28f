package dev.tiller;

/**
 * One decoder layer: whether it uses sliding-window attention, its head counts, feed-forward width
 * and RoPE base/scale.
 */
public record LayerInfo(int index, boolean slidingWindow, int heads, int kvHeads, int feedForward, float ropeBase,
        float ropeScale) {}
