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

    /** Warns when {@code length} tokens (described by {@code what}) run past the context the model was trained for. */
    static void warnPastTraining(CommandSpec spec, String what, int length, dev.tiller.Model m) {
        int trained = m.info().contextLength();
        if (trained > 0 && length > trained) {
            warn(spec, what + " is longer than the " + trained + " tokens the model was trained for: positions past " + trained
                    + " are outside what it has learnt");
        }
    }

    /** A usage error (one line and a pointer to --help, exit status 2). */
    static ParameterException usage(CommandSpec spec, String message) {
        return new ParameterException(spec.commandLine(), message);
    }
}
