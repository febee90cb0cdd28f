package dev.tiller.cli;

import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code -t, --threads N}: worker threads, 0 (the default) for one per core; negative counts are refused. */
final class ThreadsOption {
    @Spec(Spec.Target.MIXEE)
    CommandSpec spec;

    int threads = 0;

    @Option(names = {"-t", "--threads"}, paramLabel = "N", description = "worker threads (default: one per core)")
    void setThreads(int n) {
        if (n < 0) throw Cli.usage(spec, "--threads must be >= 1, or 0 for one per core; got " + n);
        threads = n;
    }
}
