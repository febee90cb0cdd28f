package dev.tiller;

import java.util.List;
import java.util.Map;

/**
 * How to pick the next token. Defaults follow llama.cpp's: temperature 0.8, top-k 40, top-p 0.95,
 * min-p 0.05, no repetition penalty (1.0) over the last 64 tokens. Temperature {@code <= 0} is
 * greedy decoding. The steps run in llama.cpp's order: logit bias, penalties, top-k, top-p, min-p,
 * temperature, then a draw from the remaining distribution with the seeded generator.
 *
 * @param maxTokens tokens to generate at most ({@code <= 0}: until the context is full)
 * @param seed      the random seed; the same seed, prompt and model give the same text
 */
public record SamplingParams(float temperature, int topK, float topP, float minP, float repeatPenalty, int repeatLastN,
        float frequencyPenalty, float presencePenalty, Map<Integer, Float> logitBias, List<String> stop, int maxTokens,
        long seed) {

    public SamplingParams {
        if (!Float.isFinite(temperature)) throw new InvalidArgumentException(0, "temperature must be finite, got " + temperature);
        if (topK < 0) throw new InvalidArgumentException(0, "top-k must be >= 0 (0 disables it), got " + topK);
        if (!(topP > 0 && topP <= 1)) throw new InvalidArgumentException(0, "top-p must be in (0, 1], got " + topP);
        if (!(minP >= 0 && minP < 1)) throw new InvalidArgumentException(0, "min-p must be in [0, 1), got " + minP);
        if (!(repeatPenalty > 0) || !Float.isFinite(repeatPenalty)) {
            throw new InvalidArgumentException(0, "repeat penalty must be positive, got " + repeatPenalty);
        }
        if (repeatLastN < 0) throw new InvalidArgumentException(0, "repeat-last-n must be >= 0");
        if (!Float.isFinite(frequencyPenalty) || !Float.isFinite(presencePenalty)) {
            throw new InvalidArgumentException(0, "penalties must be finite");
        }
        logitBias = Map.copyOf(logitBias);
        for (Map.Entry<Integer, Float> e : logitBias.entrySet()) {
            if (Float.isNaN(e.getValue())) throw new InvalidArgumentException(0, "logit bias of token " + e.getKey() + " is NaN");
        }
        stop = List.copyOf(stop);
        for (String s : stop) if (s.isEmpty()) throw new InvalidArgumentException(0, "stop strings must not be empty");
    }

    public static SamplingParams defaults() {
        return new SamplingParams(0.8f, 40, 0.95f, 0.05f, 1.0f, 64, 0f, 0f, Map.of(), List.of(), 256, 42L);
    }

    public static SamplingParams greedy() {
        return defaults().withTemperature(0f);
    }

    public boolean isGreedy() { return temperature <= 0; }

    public SamplingParams withTemperature(float v) { return new SamplingParams(v, topK, topP, minP, repeatPenalty, repeatLastN, frequencyPenalty, presencePenalty, logitBias, stop, maxTokens, seed); }
    public SamplingParams withTopK(int v) { return new SamplingParams(temperature, v, topP, minP, repeatPenalty, repeatLastN, frequencyPenalty, presencePenalty, logitBias, stop, maxTokens, seed); }
    public SamplingParams withTopP(float v) { return new SamplingParams(temperature, topK, v, minP, repeatPenalty, repeatLastN, frequencyPenalty, presencePenalty, logitBias, stop, maxTokens, seed); }
    public SamplingParams withMinP(float v) { return new SamplingParams(temperature, topK, topP, v, repeatPenalty, repeatLastN, frequencyPenalty, presencePenalty, logitBias, stop, maxTokens, seed); }
    public SamplingParams withRepeatPenalty(float v) { return new SamplingParams(temperature, topK, topP, minP, v, repeatLastN, frequencyPenalty, presencePenalty, logitBias, stop, maxTokens, seed); }
    public SamplingParams withRepeatLastN(int v) { return new SamplingParams(temperature, topK, topP, minP, repeatPenalty, v, frequencyPenalty, presencePenalty, logitBias, stop, maxTokens, seed); }
    public SamplingParams withFrequencyPenalty(float v) { return new SamplingParams(temperature, topK, topP, minP, repeatPenalty, repeatLastN, v, presencePenalty, logitBias, stop, maxTokens, seed); }
    public SamplingParams withPresencePenalty(float v) { return new SamplingParams(temperature, topK, topP, minP, repeatPenalty, repeatLastN, frequencyPenalty, v, logitBias, stop, maxTokens, seed); }
    public SamplingParams withLogitBias(Map<Integer, Float> v) { return new SamplingParams(temperature, topK, topP, minP, repeatPenalty, repeatLastN, frequencyPenalty, presencePenalty, v, stop, maxTokens, seed); }
    public SamplingParams withStop(List<String> v) { return new SamplingParams(temperature, topK, topP, minP, repeatPenalty, repeatLastN, frequencyPenalty, presencePenalty, logitBias, v, maxTokens, seed); }
    public SamplingParams withMaxTokens(int v) { return new SamplingParams(temperature, topK, topP, minP, repeatPenalty, repeatLastN, frequencyPenalty, presencePenalty, logitBias, stop, v, seed); }
    public SamplingParams withSeed(long v) { return new SamplingParams(temperature, topK, topP, minP, repeatPenalty, repeatLastN, frequencyPenalty, presencePenalty, logitBias, stop, maxTokens, v); }
}
