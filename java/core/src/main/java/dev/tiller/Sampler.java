package dev.tiller;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Picks tokens from logits as {@link SamplingParams} describe, in llama.cpp's order: logit bias,
 * repetition / frequency / presence penalties over the recent tokens, top-k, top-p, min-p,
 * temperature, and a seeded draw. Not thread-safe: one per generation.
 */
public final class Sampler {
    private final SamplingParams p;
    private final int nVocab;
    private final float[] work;
    private final int[] history;
    private int historyLen;
    private long historyTotal;
    private final SplittableRandom rng;
    private double lastLogProb;

    public Sampler(SamplingParams params, int nVocab) {
        this.p = params;
        this.nVocab = nVocab;
        this.work = new float[nVocab];
        this.history = new int[Math.max(1, params.repeatLastN())];
        this.rng = new SplittableRandom(params.seed());
    }

    /** Records a token of the context (prompt or generated) for the penalties. */
    public void accept(int token) {
        if (p.repeatLastN() == 0) return;
        history[(int) (historyTotal % history.length)] = token;
        historyTotal++;
        historyLen = (int) Math.min(historyTotal, history.length);
    }

    /** Samples from a row of {@code n_vocab} logits in native memory. */
    public int sample(MemorySegment logits) {
        MemorySegment.copy(logits, ValueLayout.JAVA_FLOAT, 0, work, 0, nVocab);
        return sampleWork();
    }

    /**
     * Samples from a row of logits in native memory whose statistics the runtime computed: greedy
     * decoding without bias or penalties then reads one logit instead of the vocabulary.
     */
    public int sample(MemorySegment logits, LogitStats stats) {
        if (p.isGreedy() && p.logitBias().isEmpty() && !penalizes()) {
            lastLogProb = logits.getAtIndex(ValueLayout.JAVA_FLOAT, stats.argmax()) - (double) stats.logSumExp();
            return stats.argmax();
        }
        return sample(logits);
    }

    private boolean penalizes() {
        return p.repeatPenalty() != 1.0f || p.frequencyPenalty() != 0 || p.presencePenalty() != 0;
    }

    public int sample(float[] logits) {
        System.arraycopy(logits, 0, work, 0, nVocab);
        return sampleWork();
    }

    /** Log-probability of the last sampled token under the model's own (unmodified) distribution. */
    public double lastLogProb() {
        return lastLogProb;
    }

    /**
     * The distribution the next draw would use (n_vocab probabilities, zero outside the kept
     * candidates); for greedy decoding, all mass on the arg-max.
     */
    public double[] probabilities(float[] logits) {
        System.arraycopy(logits, 0, work, 0, nVocab);
        adjust();
        double[] out = new double[nVocab];
        if (p.isGreedy()) {
            out[argmax(work)] = 1;
            return out;
        }
        Candidates c = candidates();
        double[] w = c.weights(p.temperature());
        double sum = 0;
        for (double v : w) sum += v;
        for (int i = 0; i < c.n; i++) out[c.ids[i]] = w[i] / sum;
        return out;
    }

    private int sampleWork() {
        double max = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < nVocab; i++) max = Math.max(max, work[i]);
        double sum = 0;
        for (int i = 0; i < nVocab; i++) sum += Math.exp(work[i] - max);
        double lse = max + Math.log(sum);
        adjust();
        int token;
        if (p.isGreedy()) {
            token = argmax(work);
        } else {
            Candidates c = candidates();
            double[] w = c.weights(p.temperature());
            double total = 0;
            for (double v : w) total += v;
            double u = rng.nextDouble() * total;
            int k = 0;
            for (double acc = w[0]; acc <= u && k < c.n - 1; acc += w[++k]) { /* walk the cumulative weights */ }
            token = c.ids[k];
        }
        lastLogProb = rawCopy[token] - lse;
        return token;
    }

    private float[] rawCopy = new float[0];

    /** Applies logit bias and penalties to work (keeping a copy of the raw logits). */
    private void adjust() {
        if (rawCopy.length != nVocab) rawCopy = new float[nVocab];
        System.arraycopy(work, 0, rawCopy, 0, nVocab);
        for (Map.Entry<Integer, Float> e : p.logitBias().entrySet()) {
            int id = e.getKey();
            if (id >= 0 && id < nVocab) work[id] += e.getValue();
        }
        if (!penalizes() || historyLen == 0) return;
        Map<Integer, Integer> counts = new HashMap<>();
        for (int i = 0; i < historyLen; i++) counts.merge(history[i], 1, Integer::sum);
        for (Map.Entry<Integer, Integer> e : counts.entrySet()) {
            int id = e.getKey();
            if (id < 0 || id >= nVocab) continue;
            float l = work[id];
            // llama.cpp: divide positive logits, multiply negative ones, then frequency and presence.
            l = l > 0 ? l / p.repeatPenalty() : l * p.repeatPenalty();
            l -= e.getValue() * p.frequencyPenalty() + p.presencePenalty();
            work[id] = l;
        }
    }

    private static int argmax(float[] v) {
        int best = 0;
        for (int i = 1; i < v.length; i++) if (v[i] > v[best]) best = i;
        return best;
    }

    /** Candidates after top-k, top-p and min-p, sorted by logit descending. */
    private Candidates candidates() {
        int k = p.topK() > 0 ? Math.min(p.topK(), nVocab) : nVocab;
        int[] ids = topIndices(work, k);
        float[] logits = new float[ids.length];
        for (int i = 0; i < ids.length; i++) logits[i] = work[ids[i]];
        int n = 0;
        while (n < ids.length && logits[n] != Float.NEGATIVE_INFINITY) n++;
        if (n == 0) throw new InvalidArgumentException(0, "every token is excluded (logit bias of -infinity on all candidates)");
        double max = logits[0];
        if (p.topP() < 1.0f) {
            double sum = 0;
            double[] e = new double[n];
            for (int i = 0; i < n; i++) sum += e[i] = Math.exp(logits[i] - max);
            double cum = 0;
            for (int i = 0; i < n; i++) {
                cum += e[i] / sum;
                if (cum >= p.topP()) {
                    n = i + 1;
                    break;
                }
            }
        }
        if (p.minP() > 0) {
            double minLogit = max + Math.log(p.minP());
            int m = 0;
            while (m < n && logits[m] >= minLogit) m++;
            n = Math.max(1, m);
        }
        return new Candidates(ids, logits, n);
    }

    /** Indices of the k largest values, sorted descending (ties: lower index first). */
    static int[] topIndices(float[] v, int k) {
        if (k >= v.length) {
            Integer[] all = new Integer[v.length];
            for (int i = 0; i < v.length; i++) all[i] = i;
            Arrays.sort(all, (a, b) -> v[a] != v[b] ? Float.compare(v[b], v[a]) : Integer.compare(a, b));
            int[] out = new int[v.length];
            for (int i = 0; i < v.length; i++) out[i] = all[i];
            return out;
        }
        // Min-heap of the k best so far (root = worst kept).
        int[] heap = new int[k];
        int size = 0;
        for (int i = 0; i < v.length; i++) {
            if (size < k) {
                heap[size] = i;
                siftUp(heap, size++, v);
            } else if (better(i, heap[0], v)) {
                heap[0] = i;
                siftDown(heap, size, v);
            }
        }
        Integer[] sorted = new Integer[size];
        for (int i = 0; i < size; i++) sorted[i] = heap[i];
        Arrays.sort(sorted, (a, b) -> better(a, b, v) ? -1 : better(b, a, v) ? 1 : 0);
        int[] out = new int[size];
        for (int i = 0; i < size; i++) out[i] = sorted[i];
        return out;
    }

    private static boolean better(int a, int b, float[] v) {
        return v[a] > v[b] || (v[a] == v[b] && a < b);
    }

    private static void siftUp(int[] h, int i, float[] v) {
        while (i > 0) {
            int parent = (i - 1) / 2;
            if (!better(h[parent], h[i], v)) break;
            int t = h[parent]; h[parent] = h[i]; h[i] = t;
            i = parent;
        }
    }

    private static void siftDown(int[] h, int size, float[] v) {
        int i = 0;
        while (true) {
            int l = 2 * i + 1, r = l + 1, worst = i;
            if (l < size && better(h[worst], h[l], v)) worst = l;
            if (r < size && better(h[worst], h[r], v)) worst = r;
            if (worst == i) return;
            int t = h[worst]; h[worst] = h[i]; h[i] = t;
            i = worst;
        }
    }

    private record Candidates(int[] ids, float[] logits, int n) {
        /** Unnormalized probabilities at a temperature. */
        double[] weights(float temperature) {
            double[] w = new double[n];
            double max = logits[0];
            for (int i = 0; i < n; i++) w[i] = Math.exp((logits[i] - max) / temperature);
            return w;
        }
    }
}
