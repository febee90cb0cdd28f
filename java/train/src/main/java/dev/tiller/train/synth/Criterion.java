package dev.tiller.train.synth;

import java.util.Locale;

/**
 * What the classifier's feedback maximises while a sample is drawn (feedback-guided synthesis's
 * fg_criterion; Deliberate Practice uses ENTROPY): nothing, the entropy of its prediction, its
 * cross-entropy loss for the intended class, or the hardness score of its embedding.
 */
public enum Criterion {
    NONE, ENTROPY, LOSS, HARDNESS;

    public static Criterion parse(String s) {
        for (Criterion c : values()) if (c.name().equalsIgnoreCase(s.strip())) return c;
        throw new IllegalArgumentException("unknown guidance '" + s + "' (none, entropy, loss or hardness)");
    }

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
