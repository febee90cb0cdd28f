package dev.tiller.train.text;

import dev.tiller.io.GgufWriter;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.TreeMap;

/**
 * A SentencePiece-style BPE vocabulary trainer. Spaces become U+2581 and start a word (no space
 * prefix, as Gemma); merges never cross words or newlines. The vocabulary follows Gemma's layout:
 * &lt;pad&gt; &lt;eos&gt; &lt;bos&gt; &lt;unk&gt;, the turn markers, "\n" (user-defined), the 256
 * byte-fallback tokens &lt;0xXX&gt;, the characters seen at least minCharCount times, then the
 * merges in order. A merge's score is minus its rank, so that the SentencePiece algorithm of the
 * runtime (highest-scoring adjacent pair first) replays the training merges exactly.
 */
public final class BpeTrainer {
    private BpeTrainer() {}

    public static final String SPACE = "\u2581";
    public static final int PAD = 0, EOS = 1, BOS = 2, UNK = 3, START_OF_TURN = 4, END_OF_TURN = 5, NEWLINE = 6;
    // tokenizer.ggml.token_type values
    static final int NORMAL = 1, UNKNOWN = 2, CONTROL = 3, USER_DEFINED = 4, BYTE = 6;

    public record Vocabulary(List<String> tokens, float[] scores, int[] types) {
        public int size() {
            return tokens.size();
        }

        /** Writes the tokenizer.ggml.* keys the runtime's tokenizer (and llama.cpp's) read. */
        public void writeTo(GgufWriter w) {
            w.setString("tokenizer.ggml.model", "llama");
            w.setStrings("tokenizer.ggml.tokens", tokens);
            w.setF32s("tokenizer.ggml.scores", scores);
            w.setI32s("tokenizer.ggml.token_type", types);
            w.setU32("tokenizer.ggml.bos_token_id", BOS);
            w.setU32("tokenizer.ggml.eos_token_id", EOS);
            w.setU32("tokenizer.ggml.unknown_token_id", UNK);
            w.setU32("tokenizer.ggml.padding_token_id", PAD);
            w.setBool("tokenizer.ggml.add_bos_token", true);
            w.setBool("tokenizer.ggml.add_eos_token", false);
            w.setBool("tokenizer.ggml.add_space_prefix", false);
        }

        /** The runtime's tokenizer over this vocabulary (read from a temporary vocabulary-only GGUF). */
        public dev.tiller.Tokenizer tokenizer() {
            try {
                java.nio.file.Path f = java.nio.file.Files.createTempFile("tiller-vocab", ".gguf");
                try {
                    try (GgufWriter w = new GgufWriter()) {
                        w.setString("general.architecture", "gemma2");
                        writeTo(w);
                        w.write(f);
                    }
                    return dev.tiller.Tokenizer.load(f);
                } finally {
                    java.nio.file.Files.deleteIfExists(f);
                }
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }
    }

    /** Trains on the texts until the vocabulary holds vocabSize tokens (or no pair repeats). */
    public static Vocabulary train(List<String> texts, int vocabSize, int minCharCount) {
        // Words and their counts.
        Map<String, Integer> wordCount = new HashMap<>();
        for (String t : texts) {
            for (String line : t.split("\n", -1)) {
                String s = line.replace(" ", SPACE);
                int at = 0;
                while (at < s.length()) {
                    int end = s.indexOf(SPACE, at + 1);
                    if (end < 0) end = s.length();
                    wordCount.merge(s.substring(at, end), 1, Integer::sum);
                    at = end;
                }
            }
        }
        Map<Integer, Long> charCount = new TreeMap<>();
        wordCount.forEach((w, c) -> w.codePoints().forEach(cp -> charCount.merge(cp, (long) c, Long::sum)));

        List<String> tokens = new ArrayList<>(List.of("<pad>", "<eos>", "<bos>", "<unk>", "<start_of_turn>", "<end_of_turn>", "\n"));
        List<Integer> types = new ArrayList<>(List.of(CONTROL, CONTROL, CONTROL, UNKNOWN, CONTROL, CONTROL, USER_DEFINED));
        for (int b = 0; b < 256; b++) {
            tokens.add(String.format("<0x%02X>", b));
            types.add(BYTE);
        }
        Map<String, Integer> id = new HashMap<>();
        for (Map.Entry<Integer, Long> e : charCount.entrySet()) {
            if (e.getValue() < minCharCount) continue;
            String ch = new String(Character.toChars(e.getKey()));
            id.put(ch, tokens.size());
            tokens.add(ch);
            types.add(NORMAL);
        }
        int firstMerge = tokens.size();

        // Words as symbol-id arrays; -1 marks a rare character (byte fallback), which never merges.
        List<int[]> words = new ArrayList<>();
        List<Integer> counts = new ArrayList<>();
        for (Map.Entry<String, Integer> e : new TreeMap<>(wordCount).entrySet()) {
            int[] sym = e.getKey().codePoints().map(cp -> id.getOrDefault(new String(Character.toChars(cp)), -1)).toArray();
            if (sym.length < 2) continue;
            words.add(sym);
            counts.add(e.getValue());
        }
        Map<Long, Long> pairCount = new HashMap<>();
        Map<Long, Set<Integer>> where = new HashMap<>();
        for (int w = 0; w < words.size(); w++) addPairs(words.get(w), counts.get(w), w, pairCount, where);
        // Highest count first; ties broken by the merged string, so training is deterministic.
        PriorityQueue<long[]> queue = new PriorityQueue<>((x, y) -> x[0] != y[0] ? Long.compare(y[0], x[0])
                : (tokens.get(left(x[1])) + tokens.get(right(x[1]))).compareTo(tokens.get(left(y[1])) + tokens.get(right(y[1]))));
        pairCount.forEach((p, c) -> queue.add(new long[] {c, p}));

        while (tokens.size() < vocabSize && !queue.isEmpty()) {
            long[] top = queue.poll();
            long pair = top[1];
            Long current = pairCount.get(pair);
            if (current == null || current != top[0]) continue;  // stale entry
            if (current < 2) break;
            String merged = tokens.get(left(pair)) + tokens.get(right(pair));
            if (id.containsKey(merged)) {  // the same string from another split: reuse its id
                pairCount.remove(pair);
                continue;
            }
            int newId = tokens.size();
            tokens.add(merged);
            types.add(NORMAL);
            id.put(merged, newId);
            Set<Long> touched = new HashSet<>();
            for (int w : where.getOrDefault(pair, Set.of()).toArray(new Integer[0])) {
                int[] sym = words.get(w);
                int c = counts.get(w);
                removePairs(sym, c, pairCount, touched);
                int[] next = merge(sym, left(pair), right(pair), newId);
                words.set(w, next);
                addPairs(next, c, w, pairCount, where);
                for (int i = 0; i + 1 < next.length; i++) touched.add(key(next[i], next[i + 1]));
            }
            where.remove(pair);
            pairCount.remove(pair);
            for (long p : touched) {
                Long c = pairCount.get(p);
                if (c != null && c > 0) queue.add(new long[] {c, p});
            }
        }
        float[] scores = new float[tokens.size()];  // 0 for specials, bytes and characters
        for (int i = firstMerge; i < tokens.size(); i++) scores[i] = -(i - firstMerge);
        return new Vocabulary(List.copyOf(tokens), scores, types.stream().mapToInt(Integer::intValue).toArray());
    }

    private static long key(int a, int b) {
        return ((long) a << 32) | (b & 0xffffffffL);
    }

    private static int left(long p) {
        return (int) (p >> 32);
    }

    private static int right(long p) {
        return (int) p;
    }

    private static void addPairs(int[] sym, int c, int w, Map<Long, Long> pairCount, Map<Long, Set<Integer>> where) {
        for (int i = 0; i + 1 < sym.length; i++) {
            if (sym[i] < 0 || sym[i + 1] < 0) continue;
            long p = key(sym[i], sym[i + 1]);
            pairCount.merge(p, (long) c, Long::sum);
            where.computeIfAbsent(p, k -> new HashSet<>()).add(w);
        }
    }

    private static void removePairs(int[] sym, int c, Map<Long, Long> pairCount, Set<Long> touched) {
        for (int i = 0; i + 1 < sym.length; i++) {
            if (sym[i] < 0 || sym[i + 1] < 0) continue;
            long p = key(sym[i], sym[i + 1]);
            pairCount.merge(p, (long) -c, Long::sum);
            touched.add(p);
        }
    }

    // Left to right, non-overlapping: "a a a" with (a, a) gives "aa a", as SentencePiece encodes.
    static int[] merge(int[] sym, int a, int b, int ab) {
        int[] out = new int[sym.length];
        int n = 0;
        for (int i = 0; i < sym.length; i++) {
            if (i + 1 < sym.length && sym[i] == a && sym[i + 1] == b) {
                out[n++] = ab;
                i++;
            } else {
                out[n++] = sym[i];
            }
        }
        return Arrays.copyOf(out, n);
    }
}
