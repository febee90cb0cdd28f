package dev.tiller.train.data;

import dev.tiller.ModelIOException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;

/** Plain-text corpora: every file of a folder (gzip or not), sorted by name. */
public final class TextCorpus {
    private TextCorpus() {}

    public record Document(String name, String text) {}

    public static List<Document> read(Path dir) {
        List<Path> files;
        try (Stream<Path> s = Files.list(dir)) {
            files = s.filter(Files::isRegularFile).filter(p -> !p.getFileName().toString().startsWith(".")).sorted().toList();
        } catch (IOException e) {
            throw new ModelIOException(0, dir + ": cannot list: " + e.getMessage());
        }
        List<Document> docs = new ArrayList<>();
        for (Path p : files) {
            try (var raw = Files.newInputStream(p); var in = p.toString().endsWith(".gz") ? new GZIPInputStream(raw) : raw) {
                String name = p.getFileName().toString().replaceFirst("\\.gz$", "");
                docs.add(new Document(name, new String(in.readAllBytes(), StandardCharsets.UTF_8)));
            } catch (IOException e) {
                throw new ModelIOException(0, p + ": cannot read: " + e.getMessage());
            }
        }
        return docs;
    }

    private static final Pattern TAG = Pattern.compile("(\\S+)/[^\\s/]+");

    /** Brown corpus form C ("The/at jury/nn"): the words without their tags, one sentence per line. */
    public static String brownUntagged(String tagged) {
        StringBuilder out = new StringBuilder();
        for (String line : tagged.split("\n")) {
            String t = TAG.matcher(line.strip()).replaceAll("$1");
            if (!t.isEmpty()) out.append(t).append('\n');
        }
        return out.toString();
    }
}
