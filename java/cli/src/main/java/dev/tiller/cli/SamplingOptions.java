package dev.tiller.cli;

import dev.tiller.SamplingParams;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/** Sampling flags shared by generate and chat (llama.cpp's names and defaults). */
final class SamplingOptions {
    @Option(names = "--max-tokens", paramLabel = "N", description = "tokens to generate at most (default: ${DEFAULT-VALUE}; <= 0: until the context is full)")
    int maxTokens = 256;

    @Option(names = "--temperature", paramLabel = "T", description = "0 = greedy (default: ${DEFAULT-VALUE})")
    float temperature = 0.8f;

    @Option(names = "--top-k", paramLabel = "K", description = "0 = off (default: ${DEFAULT-VALUE})")
    int topK = 40;

    @Option(names = "--top-p", paramLabel = "P", description = "1 = off (default: ${DEFAULT-VALUE})")
    float topP = 0.95f;

    @Option(names = "--min-p", paramLabel = "P", description = "0 = off (default: ${DEFAULT-VALUE})")
    float minP = 0.05f;

    @Option(names = "--repeat-penalty", paramLabel = "R", description = "1 = off (default: ${DEFAULT-VALUE})")
    float repeatPenalty = 1.0f;

    @Option(names = "--repeat-last-n", paramLabel = "N", description = "tokens the penalties look back over (default: ${DEFAULT-VALUE})")
    int repeatLastN = 64;

    @Option(names = "--frequency-penalty", paramLabel = "F", description = "default: ${DEFAULT-VALUE}")
    float frequencyPenalty = 0f;

    @Option(names = "--presence-penalty", paramLabel = "F", description = "default: ${DEFAULT-VALUE}")
    float presencePenalty = 0f;

    @Option(names = "--stop", paramLabel = "S", description = "stop when this text appears (repeatable)")
    List<String> stop = new ArrayList<>();

    @Option(names = "--seed", paramLabel = "S", description = "random seed (default: ${DEFAULT-VALUE})")
    long seed = 42;

    SamplingParams params() {
        return SamplingParams.defaults().withMaxTokens(maxTokens).withTemperature(temperature).withTopK(topK)
                .withTopP(topP).withMinP(minP).withRepeatPenalty(repeatPenalty).withRepeatLastN(repeatLastN)
                .withFrequencyPenalty(frequencyPenalty).withPresencePenalty(presencePenalty).withStop(stop).withSeed(seed);
    }
}
