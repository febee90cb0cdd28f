package dev.tiller.io;

import dev.tiller.InvalidArgumentException;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * Files written under a temporary name beside the target and renamed into place only when the
 * whole body succeeded: a failed or killed writer leaves the old file as it was and no half file.
 */
public final class AtomicFiles {
    private AtomicFiles() {}

    @FunctionalInterface
    public interface Body {
        void writeTo(OutputStream out) throws IOException;
    }

    public static void write(Path path, Body body) {
        Path target = checkWritable(path);
        Path tmp;
        try {
            tmp = Files.createTempFile(target.getParent(), "." + target.getFileName(), ".tmp");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + path, e);
        }
        boolean done = false;
        try {
            try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(tmp), 1 << 16)) {
                body.writeTo(out);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot write " + path, e);
            }
            try {
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot move " + tmp + " to " + path, e);
            }
            done = true;
        } finally {
            if (!done) {
                try {
                    Files.deleteIfExists(tmp);
                } catch (IOException ignored) {
                    // the body's failure is the one to report
                }
            }
        }
    }

    public static void writeString(Path path, CharSequence text) {
        write(path, out -> out.write(text.toString().getBytes(StandardCharsets.UTF_8)));
    }

    /**
     * Refuses, before any work is done, an output path that cannot be written: its folder is missing
     * or not a folder, or the path is a folder. Returns the path made absolute.
     */
    public static Path checkWritable(Path path) {
        Path target = path.toAbsolutePath();
        Path parent = target.getParent();
        if (!Files.isDirectory(parent)) {
            throw new InvalidArgumentException(0, "cannot write " + path + ": " + (Files.exists(parent)
                    ? parent + " is not a folder" : "the folder " + parent + " does not exist"));
        }
        if (Files.isDirectory(target)) throw new InvalidArgumentException(0, "cannot write " + path + ": it is a folder");
        return target;
    }
}
