package dev.tiller.train.dynamics;

/**
 * The phase times of a grokking run (Notsawo et al. 2023, section 2.2): t1, the first step with
 * training accuracy above 0; t2, the first with training accuracy 1 (memorised); t3, the first with
 * validation accuracy above 0; t4, the first with validation accuracy 1 (generalised). -1 where a
 * run never gets there. Steps are the curve's own step numbers.
 */
public record PhaseTimes(long t1, long t2, long t3, long t4) {
    public static PhaseTimes of(long[] steps, double[] trainAcc, double[] valAcc) {
        return new PhaseTimes(first(steps, trainAcc, false), first(steps, trainAcc, true), first(steps, valAcc, false), first(steps, valAcc, true));
    }

    private static long first(long[] steps, double[] acc, boolean full) {
        for (int i = 0; i < acc.length; i++)
            if (full ? acc[i] >= 1 - 1e-12 : acc[i] > 0) return steps[i];
        return -1;
    }
}
