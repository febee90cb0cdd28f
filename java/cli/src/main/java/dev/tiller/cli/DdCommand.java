package dev.tiller.cli;

import picocli.CommandLine.Command;

/** {@code tiller dd ...}: epoch-wise double descent in the two-scale teacher-student model (docs/dynamics.md). */
@Command(name = "dd", mixinStandardHelpOptions = true,
        description = "Epoch-wise double descent of a linear teacher-student model with fast and slow features: theory and simulation.",
        subcommands = {DdTheoryCommand.class, DdSimulateCommand.class})
final class DdCommand implements Runnable {
    @Override
    public void run() {
        new picocli.CommandLine(this).usage(System.out);
    }
}
