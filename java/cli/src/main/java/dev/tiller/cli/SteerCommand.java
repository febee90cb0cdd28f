package dev.tiller.cli;

import picocli.CommandLine.Command;

/** {@code tiller steer ...}: build steering vectors (CAA, SAS) and evaluate them. */
@Command(name = "steer", mixinStandardHelpOptions = true, description = "Build steering vectors from contrastive pairs and evaluate them.",
        subcommands = {SteerCommand.Sas.class, SteerCommand.Caa.class, SteerEvalCommand.class})
final class SteerCommand implements Runnable {
    @Override
    public void run() {
        new picocli.CommandLine(this).usage(System.out);
    }

    @Command(name = "sas", mixinStandardHelpOptions = true, description = "Sparse Activation Steering vectors.",
            subcommands = {SteerSasBuildCommand.class})
    static final class Sas implements Runnable {
        @Override
        public void run() {
            new picocli.CommandLine(this).usage(System.out);
        }
    }

    @Command(name = "caa", mixinStandardHelpOptions = true, description = "Contrastive activation addition vectors.",
            subcommands = {SteerCaaBuildCommand.class, SteerNormalizeCommand.class})
    static final class Caa implements Runnable {
        @Override
        public void run() {
            new picocli.CommandLine(this).usage(System.out);
        }
    }
}
