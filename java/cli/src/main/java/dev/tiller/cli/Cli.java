package dev.tiller.cli;

import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;

/** Warnings and usage errors worded the same way by every command. */
final class Cli {
    private Cli() {}

    /** One line on stderr, prefixed with the whole command: {@code tiller generate: warning: ...}. */
    static void warn(CommandSpec spec, String message) {
        System.err.println(spec.qualifiedName() + ": warning: " + message);
    }

    /** A usage error (one line and a pointer to --help, exit status 2). */
    static ParameterException usage(CommandSpec spec, String message) {
        return new ParameterException(spec.commandLine(), message);
    }
}
