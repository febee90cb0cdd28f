package dev.tiller.train.optim;

/** The learning rate at an optimizer step (counted from 0). */
@FunctionalInterface
public interface LrSchedule {
    double at(long step);

    static LrSchedule constant(double lr) {
        return step -> lr;
    }

    /** Cosine decay from lr to minLr over totalSteps, minLr afterwards. */
    static LrSchedule cosine(double lr, long totalSteps, double minLr) {
        return step -> step >= totalSteps ? minLr : minLr + 0.5 * (lr - minLr) * (1 + Math.cos(Math.PI * step / totalSteps));
    }

    /** Linear warm-up from lr / warmup to the inner schedule over the first warmup steps. */
    static LrSchedule warmup(LrSchedule inner, long warmup) {
        return step -> step < warmup ? inner.at(step) * (step + 1) / warmup : inner.at(step);
    }

    /**
     * Warm-up-stable-decay: linear warm-up to lr, constant, then a linear cool-down to minLr over
     * the last decay steps (the schedule of Deliberate Practice).
     */
    static LrSchedule warmupStableDecay(double lr, long warmup, long stable, long decay, double minLr) {
        return step -> {
            if (step < warmup) return lr * (step + 1) / warmup;
            if (step < warmup + stable) return lr;
            long t = step - warmup - stable;
            return t >= decay ? minLr : lr + (minLr - lr) * t / decay;
        };
    }
}
