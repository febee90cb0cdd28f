package dev.tiller.cli;

import dev.tiller.SamplingParams;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** Sampling flags shared by generate and chat (llama.cpp's names, short flags and defaults). */
final class SamplingOptions {
    @Spec(Spec.Target.MIXEE)
    CommandSpec spec;

    /** null: the command's default, which fits the context. */
    Integer maxTokens;

    @Option(names = {"-n", "--max-tokens", "--n-predict"}, paramLabel = "N",
            description = "tokens to generate at most; -1: until the context is full (default: 256, or less when the context is shorter)")
    void setMaxTokens(int n) {
        if (n < 1 && n != -1) throw Cli.usage(spec, "--max-tokens must be >= 1, or -1 for no limit but the context; got " + n);
        maxTokens = n;
    }

    float temperature = 0.8f;

    @Option(names = {"--temp", "--temperature"}, paramLabel = "T", description = "0 = greedy (default: 0.8)")
    void setTemperature(float t) {
        if (!(t >= 0) || Float.isInfinite(t)) throw Cli.usage(spec, "--temperature must be >= 0 (0 = greedy), got " + t);
        temperature = t;
    }

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

    long seed = 42;

    @Option(names = {"-s", "--seed"}, paramLabel = "S", description = "random seed; -1 picks one and prints it (default: 42)")
    void setSeed(long s) {
        if (s < -1) throw Cli.usage(spec, "--seed must be >= 0, or -1 for a random seed; got " + s);
        seed = s;
    }

    final Map<Integer, Float> logitBias = new HashMap<>();

    @Option(names = {"-l", "--logit-bias"}, paramLabel = "ID=BIAS",
            description = "add BIAS to token ID's logit (repeatable); ID=-inf bans it; llama.cpp's ID+BIAS and ID-BIAS also work")
    void addLogitBias(String spec) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("\\s*(\\d+)\\s*(=\\s*([-+]?\\S+)|([-+]\\S+))\\s*").matcher(spec);
        if (!m.matches()) throw Cli.usage(this.spec, "--logit-bias '" + spec + "' is not ID=BIAS (e.g. 15043=-inf or 15043=+1.5)");
        String bias = m.group(3) != null ? m.group(3) : m.group(4);
        float b;
        try {
            b = switch (bias.toLowerCase(java.util.Locale.ROOT)) {
                case "-inf", "-infinity" -> Float.NEGATIVE_INFINITY;
                case "inf", "+inf", "infinity", "+infinity" -> Float.POSITIVE_INFINITY;
                default -> Float.parseFloat(bias);
            };
        } catch (NumberFormatException e) {
            throw Cli.usage(this.spec, "--logit-bias '" + spec + "': '" + bias + "' is not a number");
        }
        if (Float.isNaN(b)) throw Cli.usage(this.spec, "--logit-bias '" + spec + "': the bias is NaN");
        logitBias.put(Integer.parseInt(m.group(1)), b);
    }

    /** The explicit --max-tokens (-1 as 0, "until the context is full") or the command's default. */
    int maxTokens(int commandDefault) {
        return maxTokens == null ? commandDefault : maxTokens == -1 ? 0 : maxTokens;
    }

    /** The seed to use: --seed, or with -1 a random one, printed to stderr so the run can be repeated. */
    long seed() {
        if (seed != -1) return seed;
        seed = new SecureRandom().nextLong() & 0xffffffffL;
        System.err.println("seed " + seed);
        return seed;
    }

    SamplingParams params(int maxTokens, int vocabularySize) {
        for (int id : logitBias.keySet()) {
            if (id >= vocabularySize) {
                throw new IllegalArgumentException("--logit-bias: token " + id + " is outside the vocabulary of " + vocabularySize);
            }
        }
        return SamplingParams.defaults().withMaxTokens(maxTokens).withTemperature(temperature).withTopK(topK)
                .withTopP(topP).withMinP(minP).withRepeatPenalty(repeatPenalty).withRepeatLastN(repeatLastN)
                .withFrequencyPenalty(frequencyPenalty).withPresencePenalty(presencePenalty).withStop(stop)
                .withLogitBias(logitBias).withSeed(seed());
    }
}
