package dev.tiller.cli;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/** Standard output as UTF-8, whatever the platform's console encoding (generated text is UTF-8). */
final class Utf8Out {
    private Utf8Out() {}

    static PrintStream stdout() {
        return new PrintStream(System.out, true, StandardCharsets.UTF_8);
    }
}
