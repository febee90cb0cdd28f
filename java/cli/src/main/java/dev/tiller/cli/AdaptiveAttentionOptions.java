package dev.tiller.cli;

import dev.tiller.AdaptiveAttention;

import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code --adaptive-attention TAU [--t-sink S] [--t-local L] [--moments local|bulk]}: query-adaptive
 * attention on the global layers of {@code logits}, {@code generate} and {@code bench} (0, the
 * default, is dense; 1 is sink + window attention).
 */
final class AdaptiveAttentionOptions {
    @Spec(Spec.Target.MIXEE)
    CommandSpec spec;

    @Option(names = "--adaptive-attention", paramLabel = "TAU",
            description = "QAdA threshold on the global layers: a head reads the bulk of the context for a query when its "
                    + "predicted bulk attention mass is >= TAU (0: dense, 1: sinks + local window only)")
    double tau = 0;

    @Option(names = "--force-local", paramLabel = "FRACTION",
            description = "benchmarks: make this fraction of (head, query) pairs local at random instead of QAdA's rule")
    Double forceLocal;

    @Mixin
    AttentionWindowOptions window;

    AdaptiveAttention config() {
        if (!(tau >= 0 && tau <= 1)) throw Cli.usage(spec, "--adaptive-attention must lie in [0, 1]; got " + tau);
        if (forceLocal != null) {
            if (!(forceLocal >= 0 && forceLocal <= 1)) throw Cli.usage(spec, "--force-local must lie in [0, 1]; got " + forceLocal);
            if (tau != 0) throw Cli.usage(spec, "--force-local replaces QAdA's rule; give it without --adaptive-attention");
            return window.apply(AdaptiveAttention.forced(forceLocal));
        }
        return window.apply(AdaptiveAttention.estimate(tau));
    }
}
