package dev.tiller.train.retrieval;

import dev.tiller.Tokenizer;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Long-context retrieval samples hidden in prose: a pass key ("The pass key is 4 8 1 9 3.") or
 * several key-value facts ("The code of the red door is 7 0 2.") inserted at random depths into a
 * window of filler text, then a question whose answer is the digits. Only a head that reads the
 * fact, far back in the context, can answer: the task on which long-context heads matter. COPY
 * (a span of the prose repeated at the end, cued by its first tokens) is for training: a copy
 * target on every answer token rather than a handful.
 */
public final class RetrievalTask {
    /** COPY is for training: a prose span repeated at the end, copy targets on every token of it. */
    public enum Kind { PASSKEY, RECALL, COPY }

    /** prompt: BOS, filler with the facts, the question; answer: the digits' tokens; needle: where the asked fact starts. */
    public record Sample(Kind kind, int[] prompt, int[] answer, int needle) {
        public int length() {
            return prompt.length + answer.length;
        }
    }

    static final String[] COLOURS = {"red", "blue", "green", "black", "white", "yellow", "brown", "grey"};

    private final Tokenizer tokenizer;
    private final int[] filler;

    /** filler: a token stream of prose (no BOS) to cut windows from. */
    public RetrievalTask(Tokenizer tokenizer, int[] filler) {
        this.tokenizer = tokenizer;
        this.filler = filler;
    }

    /** A sample of exactly {@code length} tokens (prompt and answer), facts between 5% and 85% of the way in. */
    public Sample sample(SplittableRandom rnd, Kind kind, int length) {
        if (kind == Kind.COPY) return copy(rnd, length);
        List<int[]> facts = new ArrayList<>();
        int asked = 0;
        String question, answer;
        if (kind == Kind.PASSKEY) {
            answer = digits(rnd, 5);
            facts.add(encode(" The pass key is" + answer + ". Remember it."));
            question = " What is the pass key? The pass key is";
        } else {
            int n = 4, first = rnd.nextInt(COLOURS.length);
            String[] values = new String[n];
            for (int i = 0; i < n; i++) {
                values[i] = digits(rnd, 3);
                facts.add(encode(" The code of the " + COLOURS[(first + i) % COLOURS.length] + " door is" + values[i] + "."));
            }
            asked = rnd.nextInt(n);
            answer = values[asked];
            question = " What is the code of the " + COLOURS[(first + asked) % COLOURS.length] + " door? The code of the "
                    + COLOURS[(first + asked) % COLOURS.length] + " door is";
        }
        int[] q = encode(question), a = encode(answer);
        int factTokens = facts.stream().mapToInt(f -> f.length).sum();
        int fillerTokens = length - 1 - factTokens - q.length - a.length;
        if (fillerTokens < facts.size()) throw new IllegalArgumentException("length " + length + " is too short for a " + kind + " sample");
        // Insertion points in the filler, sorted: facts keep their order.
        int[] at = new int[facts.size()];
        for (int i = 0; i < at.length; i++) at[i] = (int) (fillerTokens * (0.05 + 0.8 * rnd.nextDouble()));
        java.util.Arrays.sort(at);
        int start = rnd.nextInt(filler.length - fillerTokens);
        int[] prompt = new int[length - a.length];
        int p = 0, f = 0, needle = -1;
        prompt[p++] = tokenizer.bos();
        for (int i = 0; i < facts.size(); i++) {
            while (f < at[i]) prompt[p++] = filler[start + f++];
            if (i == asked) needle = p;
            for (int id : facts.get(i)) prompt[p++] = id;
        }
        while (f < fillerTokens) prompt[p++] = filler[start + f++];
        for (int id : q) prompt[p++] = id;
        return new Sample(kind, prompt, a, needle);
    }

    static final int COPY_CUE = 8, COPY_SPAN = 40;

    /** BOS, prose holding a span between 5% and 60% of the way in, then the span's first tokens; the answer is the rest of it. */
    private Sample copy(SplittableRandom rnd, int length) {
        int fillerTokens = length - 1 - COPY_SPAN;
        if (fillerTokens < COPY_SPAN + 8) throw new IllegalArgumentException("length " + length + " is too short for a COPY sample");
        int start = rnd.nextInt(filler.length - fillerTokens);
        int at = (int) (fillerTokens * (0.05 + 0.55 * rnd.nextDouble()));
        at = Math.min(at, fillerTokens - COPY_SPAN);
        int[] prompt = new int[1 + fillerTokens + COPY_CUE];
        prompt[0] = tokenizer.bos();
        System.arraycopy(filler, start, prompt, 1, fillerTokens);
        System.arraycopy(filler, start + at, prompt, 1 + fillerTokens, COPY_CUE);
        int[] answer = java.util.Arrays.copyOfRange(filler, start + at + COPY_CUE, start + at + COPY_SPAN);
        return new Sample(Kind.COPY, prompt, answer, 1 + at);
    }

    private int[] encode(String text) {
        return tokenizer.encode(text, false, false);
    }

    /** n random digits, each after a space (one token per digit in a BPE vocabulary of words). */
    static String digits(SplittableRandom rnd, int n) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < n; i++) sb.append(' ').append((char) ('0' + rnd.nextInt(10)));
        return sb.toString();
    }
}
