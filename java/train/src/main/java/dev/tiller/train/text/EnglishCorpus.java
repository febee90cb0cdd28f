package dev.tiller.train.text;

import dev.tiller.train.data.TextCorpus;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The public-domain English of ../shared/data/text as paragraphs: Jane Austen's novels (hard line
 * breaks joined, _italics_ marks dropped) and the Brown corpus (tags stripped, its tokenised
 * punctuation re-attached), each paragraph labelled with its source: "austen" or Brown's genre
 * letter (a = press reportage ... p = romance, r = humor).
 */
public final class EnglishCorpus {
    private EnglishCorpus() {}

    public record Paragraph(String source, String text) {}

    public static List<Paragraph> read(Path textDir) {
        List<Paragraph> out = new ArrayList<>();
        for (TextCorpus.Document d : TextCorpus.read(textDir.resolve("austen"))) {
            for (String para : d.text().replace("\r", "").split("\n\\s*\n")) {
                String p = para.replace('\n', ' ').replace("_", "").replaceAll(" +", " ").strip();
                // Headings ("CHAPTER I", "VOLUME II") are not prose.
                if (p.length() < 40 || p.equals(p.toUpperCase())) continue;
                out.add(new Paragraph("austen", p));
            }
        }
        for (TextCorpus.Document d : TextCorpus.read(textDir.resolve("brown"))) {
            if (!d.name().matches("c[a-r]\\d\\d")) continue;
            String genre = d.name().substring(1, 2);
            for (String para : d.text().split("\n\\s*\n")) {
                String p = detokenize(TextCorpus.brownUntagged(para).replace('\n', ' '));
                if (p.length() >= 40) out.add(new Paragraph(genre, p));
            }
        }
        return out;
    }

    private static final Pattern SPACE_BEFORE = Pattern.compile(" ([,.;:!?)\\]'](?:\\s|$)|n't\\b|'s\\b|'re\\b|'ll\\b|'ve\\b|'d\\b|'m\\b)");

    /** Brown's "word , word ``quote''" spacing back to running text. */
    static String detokenize(String s) {
        String t = s.replace("``", "\"").replace("''", "\"").replaceAll(" +", " ").strip();
        t = SPACE_BEFORE.matcher(t).replaceAll("$1");
        t = t.replaceAll("\\( ", "(").replaceAll(" --", " --");
        // Quotes: attach an opening quote to the next word and a closing one to the previous.
        StringBuilder b = new StringBuilder();
        boolean open = true;
        for (int i = 0; i < t.length(); i++) {
            char c = t.charAt(i);
            if (c == '"') {
                if (open) {
                    b.append('"');
                    if (i + 1 < t.length() && t.charAt(i + 1) == ' ') i++;
                } else {
                    if (b.length() > 0 && b.charAt(b.length() - 1) == ' ') b.setLength(b.length() - 1);
                    b.append('"');
                }
                open = !open;
            } else {
                b.append(c);
            }
        }
        return b.toString().strip();
    }
}
