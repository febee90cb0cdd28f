package dev.tiller.train.retrieval;

import dev.tiller.AdaptiveAttention;
import dev.tiller.HeadRecord;
import dev.tiller.LayerInfo;
import dev.tiller.Session;

import java.util.List;

/**
 * Task accuracy under an attention configuration: each sample's prompt is evaluated with the
 * configuration, its answer decoded greedily and compared exactly; the sparsity is the fraction of
 * the prompts' (global head, query) pairs with bulk keys that attended locally.
 */
public final class RetrievalEval {
    private RetrievalEval() {}

    public record Score(double accuracy, double sparsity, long pairs) {}

    public static Score score(Session s, List<RetrievalTask.Sample> samples, AdaptiveAttention config) {
        int correct = 0;
        long pairs = 0, local = 0;
        List<Integer> global = s.model().info().layers().stream().filter(l -> !l.slidingWindow()).map(LayerInfo::index).toList();
        for (RetrievalTask.Sample sample : samples) {
            s.reset();
            s.setAdaptiveAttention(config);
            s.recordHeads(true);
            s.evaluate(sample.prompt());
            for (int layer : global) {
                HeadRecord r = s.headRecord(layer);
                for (int t = 0; t < r.tokens(); t++) {
                    if (!config.hasBulk(r.firstPosition() + t)) continue;
                    for (int h = 0; h < r.heads(); h++) {
                        pairs++;
                        if (!r.isLong(t, h)) local++;
                    }
                }
            }
            s.recordHeads(false);
            boolean ok = true;
            for (int i = 0; i < sample.answer().length && ok; i++) {
                int next = s.logitStats(0).argmax();
                ok = next == sample.answer()[i];
                if (ok && i + 1 < sample.answer().length) s.evaluate(new int[] {next});
            }
            if (ok) correct++;
        }
        s.setAdaptiveAttention(AdaptiveAttention.dense());
        return new Score((double) correct / samples.size(), pairs == 0 ? Double.NaN : (double) local / pairs, pairs);
    }
}
