package dev.tiller.train.data;

import dev.tiller.ModelIOException;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPInputStream;

/**
 * Comma-separated text (gzip or not): fields trimmed, double-quoted fields may hold separators,
 * blank lines and lines starting with '|' (UCI's comments, as in adult.test) skipped.
 */
public final class Csv {
    private Csv() {}

    public static List<String[]> read(Path path, char separator) {
        List<String[]> rows = new ArrayList<>();
        try (var raw = Files.newInputStream(path);
             var in = new BufferedReader(new InputStreamReader(path.toString().endsWith(".gz") ? new GZIPInputStream(raw) : raw, StandardCharsets.UTF_8))) {
            for (String line; (line = in.readLine()) != null; ) {
                if (line.isBlank() || line.startsWith("|")) continue;
                rows.add(split(line, separator));
            }
        } catch (IOException e) {
            throw new ModelIOException(0, path + ": cannot read: " + e.getMessage());
        }
        return rows;
    }

    static String[] split(String line, char sep) {
        List<String> out = new ArrayList<>();
        StringBuilder f = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (c == '"') {
                if (quoted && i + 1 < line.length() && line.charAt(i + 1) == '"') {
                    f.append('"');
                    i++;
                } else {
                    quoted = !quoted;
                }
            } else if (c == sep && !quoted) {
                out.add(f.toString().trim());
                f.setLength(0);
            } else {
                f.append(c);
            }
        }
        out.add(f.toString().trim());
        return out.toArray(new String[0]);
    }
}
