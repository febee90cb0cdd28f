package dev.tiller;

/**
 * How far logits are from a reference (for example llama.cpp's, or an F32 model's against its
 * quantized copy): maximum absolute difference, mean over positions of
 * KL(softmax(ref) || softmax(out)), and top-1 agreement. The tolerances are those the project's
 * reference fixtures use per weight type.
 */
public record LogitComparison(double maxAbs, double meanKl, double top1) {

    public static LogitComparison of(float[] ref, float[] out, int nVocab) {
        if (ref.length != out.length || nVocab <= 0 || ref.length % nVocab != 0) {
            throw new InvalidArgumentException(0, "logits of " + out.length + " values cannot be compared with a reference of "
                    + ref.length + " values in rows of " + nVocab);
        }
        int rows = ref.length / nVocab;
        double maxAbs = 0, kl = 0;
        int agree = 0;
        for (int t = 0; t < rows; t++) {
            int off = t * nVocab;
            double mr = Double.NEGATIVE_INFINITY, mo = Double.NEGATIVE_INFINITY;
            int ar = 0, ao = 0;
            for (int i = 0; i < nVocab; i++) {
                maxAbs = Math.max(maxAbs, Math.abs(ref[off + i] - out[off + i]));
                if (ref[off + i] > mr) { mr = ref[off + i]; ar = i; }
                if (out[off + i] > mo) { mo = out[off + i]; ao = i; }
            }
            double sr = 0, so = 0;
            for (int i = 0; i < nVocab; i++) {
                sr += Math.exp(ref[off + i] - mr);
                so += Math.exp(out[off + i] - mo);
            }
            double lsr = Math.log(sr), lso = Math.log(so), k = 0;
            for (int i = 0; i < nVocab; i++) {
                double lr = ref[off + i] - mr - lsr, lo = out[off + i] - mo - lso;
                k += Math.exp(lr) * (lr - lo);
            }
            kl += k;
            if (ar == ao) agree++;
        }
        return new LogitComparison(maxAbs, kl / rows, (double) agree / rows);
    }

    /** The tolerance row of the fixtures README for a weight type. */
    public record Tolerance(double maxAbs, double meanKl, double top1) {
        /** The weight types with a tolerance row (the quantized ones share one). */
        public static final java.util.List<String> WEIGHT_TYPES = java.util.List.of("F32", "F16", "BF16", "Q8_0", "Q4_0", "Q4_1",
                "Q5_0", "Q5_1", "Q4_K", "Q5_K", "Q6_K", "Q4_K_M", "Q5_K_M");

        /** The row of a weight type, named in any case; an unknown name is refused, not given the loosest row. */
        public static Tolerance forWeights(String weights) {
            String w = java.util.Objects.requireNonNull(weights, "weights").toUpperCase(java.util.Locale.ROOT);
            if (!WEIGHT_TYPES.contains(w)) {
                throw new InvalidArgumentException(0, "unknown weight type '" + weights + "' (one of " + String.join(", ", WEIGHT_TYPES) + ")");
            }
            return switch (w) {
                case "F32" -> new Tolerance(0.05, 1e-6, 1.0);
                case "F16" -> new Tolerance(0.1, 1e-6, 1.0);
                case "BF16" -> new Tolerance(0.5, 1e-5, 0.98);
                default -> new Tolerance(1.5, 1e-3, 0.95);
            };
        }
    }

    public boolean within(Tolerance t) {
        return maxAbs <= t.maxAbs() && meanKl <= t.meanKl() && top1 >= t.top1();
    }

    @Override
    public String toString() {
        return String.format("max|diff| %.4g, mean KL %.3g, top-1 %.1f%%", maxAbs, meanKl, top1 * 100);
    }
}
