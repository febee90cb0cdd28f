package dev.tiller.cli;

import picocli.CommandLine.Command;

/** {@code tiller synth ...}: synthetic training data a classifier asks for (docs/synthetic.md). */
@Command(name = "synth", mixinStandardHelpOptions = true,
        description = "Synthetic training data: a class-conditional generator, Deliberate Practice, feedback-guided top-ups, DP's theory.",
        subcommands = {SynthGeneratorCommand.class, SynthSampleCommand.class, SynthDpCommand.class, SynthStaticCommand.class,
                SynthDpTheoryCommand.class, SynthFeedbackCommand.class})
final class SynthCommand implements Runnable {
    @Override
    public void run() {
        new picocli.CommandLine(this).usage(System.out);
    }
}
