package dev.tiller.steer;

import dev.tiller.ChatMessage;
import dev.tiller.ChatTemplate;
import dev.tiller.FloatView;
import dev.tiller.InvalidArgumentException;
import dev.tiller.Model;
import dev.tiller.Session;
import dev.tiller.Tokenizer;

import java.util.List;

/**
 * CAA's conventions on a chat model: activations of an A/B answer are read at the answer letter
 * (position -2 of {@code chat(question) + "(A)"}), and the behaviour score of an item is
 * {@code p(matching letter) / (p(A) + p(B))} from the logits after {@code chat(question) + "("}.
 */
public final class BehaviorEval {
    private final Model model;
    private final ChatTemplate template;
    private final Tokenizer tokenizer;

    public BehaviorEval(Model model) {
        this.model = model;
        this.template = model.chatTemplate();
        this.tokenizer = model.tokenizer();
    }

    /** Tokens of the user turn with the question, the start of the model turn, then text (plain). */
    public int[] promptWith(String question, String answerPrefix) {
        int[] head = template.apply(List.of(ChatMessage.user(question)), true);
        int[] tail = tokenizer.encode(answerPrefix, false, false);
        int[] out = java.util.Arrays.copyOf(head, head.length + tail.length);
        System.arraycopy(tail, 0, out, head.length, tail.length);
        return out;
    }

    /** The position where the question's user turn ends (its end-of-turn markup): steering from here on is CAA's "after instruction". */
    public int instructionEnd(String question) {
        int[] head = template.apply(List.of(ChatMessage.user(question)), true);
        return head.length - template.turnHandoverLength();
    }

    /** resid_post(layer) at the answer letter of {@code question + answer}. */
    public float[] activationAtLetter(Session s, int layer, String question, String answer) {
        int[] tokens = promptWith(question, answer);
        if (tokens.length < 2) throw new InvalidArgumentException(0, "answer too short to read a letter");
        s.captureLayers(layer);
        s.reset();
        s.evaluate(tokens);
        return s.captured(layer).row(tokens.length - 2);
    }

    /** p(matching) / (p(A) + p(B)) for one item, with whatever steering the session carries. */
    public double score(Session s, AbDataset.Item item) {
        int yes = letterToken(item.matchingLetter()), no = letterToken(item.notMatchingLetter());
        s.reset();
        FloatView logits = s.evaluate(promptWith(item.question(), "("));
        double ly = logits.get(0, yes), ln = logits.get(0, no);
        // Softmax restricted to the two letters: the full normaliser cancels out.
        double m = Math.max(ly, ln);
        double ey = Math.exp(ly - m), en = Math.exp(ln - m);
        return ey / (ey + en);
    }

    /** The mean score over items. */
    public double meanScore(Session s, List<AbDataset.Item> items) {
        double sum = 0;
        for (AbDataset.Item it : items) sum += score(s, it);
        return sum / items.size();
    }

    private int letterToken(String letter) {
        int[] ids = tokenizer.encode(letter, false, false);
        if (ids.length != 1) throw new InvalidArgumentException(0, "answer letter '" + letter + "' is not a single token");
        return ids[0];
    }
}
