package dev.tiller.cli;

import dev.tiller.TillerException;
import java.io.IOException;
import java.io.UncheckedIOException;
import picocli.CommandLine;

/** Turns expected failures into one line on stderr and a non-zero exit status. */
final class ErrorHandler implements CommandLine.IExecutionExceptionHandler {
    @Override
    public int handleExecutionException(Exception ex, CommandLine cmd, CommandLine.ParseResult parsed) {
        if (ex instanceof TillerException || ex instanceof IOException || ex instanceof UncheckedIOException
                || ex instanceof IllegalArgumentException) {
            cmd.getErr().println("tiller " + cmd.getCommandName() + ": " + oneLine(ex.getMessage()));
            return 1;
        }
        cmd.getErr().println("tiller " + cmd.getCommandName() + ": internal error: " + ex);
        ex.printStackTrace(cmd.getErr());
        return 2;
    }

    private static String oneLine(String s) {
        return s == null ? "(no message)" : s.replace('\n', ' ');
    }
}
