package dev.tiller.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;

/** Where benchmark inputs live: the repository's fixtures and ../shared/data. */
final class BenchData {
    private BenchData() {}

    static Path repoRoot() {
        Path p = Path.of("").toAbsolutePath();
        while (p != null && !Files.exists(p.resolve("native/include/tiller.h"))) p = p.getParent();
        if (p == null) throw new IllegalStateException("run the benchmarks from inside the Tiller repository");
        return p;
    }

    static Path gemma3Vocab() {
        return repoRoot().resolve("java/core/src/test/resources/fixtures/tokenizer/vocab-gemma3.gguf");
    }

    /** The first {@code chars} characters of Jane Austen's novels (../shared/data/text/austen). */
    static String austen(int chars) {
        Path dir = Path.of(System.getProperty("tiller.data.dir", repoRoot().resolve("../shared/data").toString())).resolve("text/austen");
        String[] books = {"prideprejudice", "emma", "persuasion", "mansfieldpark", "sensesensibility", "northangerabbey"};
        StringBuilder sb = new StringBuilder(chars);
        try {
            for (String b : books) {
                try (InputStream in = new GZIPInputStream(Files.newInputStream(dir.resolve(b + ".txt.gz")))) {
                    sb.append(new String(in.readAllBytes(), StandardCharsets.UTF_8));
                }
                if (sb.length() >= chars) break;
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the Austen texts under " + dir + " (set tiller.data.dir)", e);
        }
        if (sb.length() < chars) throw new IllegalStateException("only " + sb.length() + " characters of text under " + dir);
        return sb.substring(0, chars);
    }
}
