package dev.tiller.steer;

import dev.tiller.ModelFormatException;
import dev.tiller.ModelIOException;
import dev.tiller.io.MiniJson;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A/B behaviour datasets in the CAA format: {@code question} (with its "(A) ... (B) ..." choices)
 * and the answers {@code answer_matching_behavior} / {@code answer_not_matching_behavior}, such as
 * "(A)". Read from a JSON array (CAA's files) or JSON lines.
 */
public final class AbDataset {
    public record Item(String question, String matching, String notMatching) {
        /** The letter of the behaviour-matching answer ("(A)" -> "A"). */
        public String matchingLetter() {
            return letter(matching);
        }

        public String notMatchingLetter() {
            return letter(notMatching);
        }

        private static String letter(String answer) {
            String a = answer.strip();
            if (a.startsWith("(") && a.length() >= 2) return a.substring(1, 2);
            return a.isEmpty() ? a : a.substring(0, 1);
        }
    }

    private AbDataset() {}

    public static List<Item> load(Path path) {
        String text;
        try {
            text = Files.readString(path, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new ModelIOException(0, path + ": cannot read: " + e.getMessage());
        }
        List<Object> rows = new ArrayList<>();
        try {
            if (text.stripLeading().startsWith("[")) {
                rows.addAll((List<?>) MiniJson.parse(text));
            } else {
                for (String line : text.split("\n")) if (!line.isBlank()) rows.add(MiniJson.parse(line));
            }
        } catch (IllegalArgumentException | ClassCastException e) {
            throw new ModelFormatException(0, path + ": " + e.getMessage());
        }
        List<Item> items = new ArrayList<>();
        for (int i = 0; i < rows.size(); i++) {
            if (!(rows.get(i) instanceof Map<?, ?> m) || !(m.get("question") instanceof String q)
                    || !(m.get("answer_matching_behavior") instanceof String yes)
                    || !(m.get("answer_not_matching_behavior") instanceof String no)) {
                throw new ModelFormatException(0, path + ": item " + (i + 1)
                        + " needs question, answer_matching_behavior and answer_not_matching_behavior strings");
            }
            items.add(new Item(q, yes, no));
        }
        if (items.isEmpty()) throw new ModelFormatException(0, path + ": no items");
        return items;
    }
}
