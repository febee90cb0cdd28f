package dev.tiller.cli;

import picocli.CommandLine.Command;

/** {@code tiller grok ...}: grokking on modular arithmetic and its early spectral signature (docs/dynamics.md). */
@Command(name = "grok", mixinStandardHelpOptions = true,
        description = "Grokking on modular arithmetic and the spectral signature of a training-loss curve's first steps.",
        subcommands = {GrokTrainCommand.class, GrokPredictCommand.class, GrokSweepCommand.class})
final class GrokCommand implements Runnable {
    @Override
    public void run() {
        new picocli.CommandLine(this).usage(System.out);
    }
}
