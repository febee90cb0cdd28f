package dev.tiller.cli;

import dev.tiller.AdaptiveAttention;

import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code --t-sink S --t-local L --moments local|bulk}: QAdA's local window and the key set of its Gaussian model. */
final class AttentionWindowOptions {
    @Spec(Spec.Target.MIXEE)
    CommandSpec spec;

    @Option(names = "--t-sink", paramLabel = "S", description = "attention-sink positions always attended (default: ${DEFAULT-VALUE})")
    int tSink = AdaptiveAttention.DEFAULT_T_SINK;

    @Option(names = "--t-local", paramLabel = "L", description = "recent positions always attended (default: ${DEFAULT-VALUE})")
    int tLocal = AdaptiveAttention.DEFAULT_T_LOCAL;

    @Option(names = "--moments", paramLabel = "local|bulk",
            description = "keys whose mean and covariance model the bulk scores: local (the recent window, the paper's) "
                    + "or bulk (the bulk keys, kept as running sums); default: ${DEFAULT-VALUE}")
    String moments = "local";

    /** The rule applied with this window; usage errors name the flag. */
    AdaptiveAttention apply(AdaptiveAttention base) {
        if (tSink < 0) throw Cli.usage(spec, "--t-sink must be >= 0; got " + tSink);
        if (tLocal < 1) throw Cli.usage(spec, "--t-local must be >= 1; got " + tLocal);
        AdaptiveAttention.Moments m;
        try {
            m = AdaptiveAttention.Moments.parse(moments);
        } catch (IllegalArgumentException e) {
            throw Cli.usage(spec, "--moments: " + e.getMessage());
        }
        return base.withWindow(tSink, tLocal).withMoments(m);
    }
}
