package dev.tiller;

import java.util.List;
import java.util.Optional;

/**
 * What a loaded model is: architecture, dimensions, layer pattern, vocabulary size and context
 * length, as read from the GGUF metadata and tensors.
 */
public record ModelInfo(String architecture, int vocabularySize, int embeddingLength, int layerCount, int heads,
        int kvHeads, int headDim, int feedForwardLength, int contextLength, int slidingWindow, List<LayerInfo> layers,
        Optional<String> chatTemplate, Optional<String> name) {

    /** The layer pattern as one letter per layer: {@code S} sliding window, {@code G} global attention. */
    public String layerPattern() {
        StringBuilder sb = new StringBuilder(layers.size());
        for (LayerInfo l : layers) sb.append(l.slidingWindow() ? 'S' : 'G');
        return sb.toString();
    }
}
