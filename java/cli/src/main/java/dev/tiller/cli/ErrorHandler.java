package dev.tiller.cli;

import dev.tiller.TillerException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import picocli.CommandLine;

/**
 * Turns expected failures into one line on stderr, prefixed with the whole command
 * ({@code tiller steer sas build: ...}), and a non-zero exit status; file errors name the file and
 * the reason.
 */
final class ErrorHandler implements CommandLine.IExecutionExceptionHandler {
    @Override
    public int handleExecutionException(Exception ex, CommandLine cmd, CommandLine.ParseResult parsed) {
        String name = cmd.getCommandSpec().qualifiedName();
        if (ex instanceof TillerException || ex instanceof IOException || ex instanceof UncheckedIOException
                || ex instanceof IllegalArgumentException) {
            cmd.getErr().println(name + ": " + describe(ex));
            return 1;
        }
        cmd.getErr().println(name + ": internal error: " + ex);
        ex.printStackTrace(cmd.getErr());
        return 2;
    }

    /** One line: the message, with the file and reason of a file-system error however deep it sits. */
    static String describe(Throwable ex) {
        String own = ex instanceof FileSystemException f ? fileError(f) : ex.getMessage();
        Throwable cause = ex.getCause();
        if (cause != null && cause != ex && (ex instanceof UncheckedIOException || cause instanceof IOException)) {
            String inner = describe(cause);
            if (own == null || own.equals(cause.toString()) || own.equals(cause.getMessage())) {
                own = inner;
            } else if (cause instanceof FileSystemException f && f.getFile() != null && own.endsWith(f.getFile())
                    && inner.startsWith(f.getFile() + ": ")) {
                own = own + inner.substring(f.getFile().length()); // "cannot read X: reason", the file named once
            } else {
                own = own + ": " + inner;
            }
        }
        return own == null ? ex.getClass().getSimpleName() : own.replace('\n', ' ');
    }

    private static String fileError(FileSystemException f) {
        String file = f.getFile() != null ? f.getFile() : "(no file named)";
        String reason = f.getReason();
        if (reason == null) {
            reason = switch (f) {
                case NoSuchFileException e -> "no such file or directory";
                case AccessDeniedException e -> "permission denied";
                case FileAlreadyExistsException e -> "already exists";
                case NotDirectoryException e -> "not a directory";
                case DirectoryNotEmptyException e -> "directory not empty";
                default -> f.getClass().getSimpleName();
            };
        }
        return file + (f.getOtherFile() != null ? " -> " + f.getOtherFile() : "") + ": " + reason;
    }
}
