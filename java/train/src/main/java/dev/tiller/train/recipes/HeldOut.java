package dev.tiller.train.recipes;

import dev.tiller.Session;
import dev.tiller.train.text.BpeTrainer;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Held-out next-token loss through the inference runtime (the shipped GGUF as any user loads it):
 * consecutive windows of len tokens, each evaluated after BOS, every token of the window a target.
 */
public final class HeldOut {
    private HeldOut() {}

    public static int windows(int[] stream, int len) {
        return stream.length / len;
    }

    public static double loss(Session s, int[] stream, int windows, int len) {
        double sum = 0;
        long count = 0;
        for (int w = 0; w < windows; w++) {
            int[] in = new int[len + 1];
            in[0] = BpeTrainer.BOS;
            System.arraycopy(stream, w * len, in, 1, len);
            s.reset();
            MemorySegment logits = s.evaluateAll(in).segment();
            int vocab = (int) (logits.byteSize() / 4 / in.length);
            for (int t = 0; t < len; t++) {
                long row = (long) t * vocab;
                double mx = Double.NEGATIVE_INFINITY, z = 0;
                for (int v = 0; v < vocab; v++) mx = Math.max(mx, logits.getAtIndex(ValueLayout.JAVA_FLOAT, row + v));
                for (int v = 0; v < vocab; v++) z += Math.exp(logits.getAtIndex(ValueLayout.JAVA_FLOAT, row + v) - mx);
                sum += mx + Math.log(z) - logits.getAtIndex(ValueLayout.JAVA_FLOAT, row + stream[w * len + t]);
                count++;
            }
        }
        return sum / count;
    }
}
