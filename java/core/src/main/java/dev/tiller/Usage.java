package dev.tiller;

/** Token counts and timing of a generation. */
public record Usage(int promptTokens, int generatedTokens, double promptSeconds, double generationSeconds) {
    /** Prompt-processing speed, tokens per second. */
    public double promptTokensPerSecond() {
        return promptSeconds > 0 ? promptTokens / promptSeconds : 0;
    }

    /** Generation speed, tokens per second. */
    public double tokensPerSecond() {
        return generationSeconds > 0 ? generatedTokens / generationSeconds : 0;
    }
}
