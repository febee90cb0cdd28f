package dev.tiller.train.recipes;

import dev.tiller.Model;
import dev.tiller.Session;
import dev.tiller.SessionOptions;
import dev.tiller.Tokenizer;
import dev.tiller.train.text.BpeTrainer;
import dev.tiller.train.text.KneserNeyTrigram;
import java.nio.file.Path;

/**
 * Held-out perplexity of a shipped GGUF through the inference runtime, against an interpolated
 * Kneser-Ney trigram trained on the same training tokens and scored on the same targets.
 */
public final class DefaultModelEval {
    private DefaultModelEval() {}

    public record Report(long tokens, double modelLoss, double trigramLoss) {
        public double modelPerplexity() { return Math.exp(modelLoss); }
        public double trigramPerplexity() { return Math.exp(trigramLoss); }
    }

    public static Report run(Path textDir, Path modelFile, int threads) {
        DefaultModel.Split split = DefaultModel.split(textDir);
        try (Model model = Model.load(modelFile); Tokenizer tok = model.tokenizer();
                Session s = model.newSession(new SessionOptions(DefaultModel.SEQ, threads))) {
            int[] train = DefaultModel.stream(tok, split.train()), held = DefaultModel.stream(tok, split.heldOut());
            int len = DefaultModel.SEQ - 1, windows = HeldOut.windows(held, len);
            double nn = HeldOut.loss(s, held, windows, len);
            double kn = new KneserNeyTrigram(train, BpeTrainer.BOS, tok.vocabularySize()).heldOutLoss(held, BpeTrainer.BOS, windows, len);
            return new Report((long) windows * len, nn, kn);
        }
    }
}
