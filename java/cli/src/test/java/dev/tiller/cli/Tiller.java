package dev.tiller.cli;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Runs the tiller command in-process with captured stdin/stdout/stderr (tests only). */
final class Tiller {
    private Tiller() {}

    record Result(int status, String out, String err) {
        /** stderr as one string without the trailing newline (for one-line checks). */
        String errLine() {
            return err.strip();
        }
    }

    static Result run(String... args) {
        return withInput(null, args);
    }

    static synchronized Result withInput(String stdin, String... args) {
        PrintStream oldOut = System.out, oldErr = System.err;
        InputStream oldIn = System.in;
        ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        if (stdin != null) System.setIn(new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)));
        try {
            int status = Main.run(args);
            return new Result(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
            System.setIn(oldIn);
        }
    }

    /** The repository's root (the folder holding models/), found from the module's working directory. */
    static Path root() {
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            if (Files.isRegularFile(p.resolve("models/tiller-gemma2-tiny.gguf"))) return p;
        }
        throw new IllegalStateException("cannot find the repository's models/ folder above " + Path.of("").toAbsolutePath());
    }

    static Path models() {
        return root().resolve("models");
    }

    static Path defaultModel() {
        return models().resolve("tiller-gemma2-tiny.gguf");
    }
}
