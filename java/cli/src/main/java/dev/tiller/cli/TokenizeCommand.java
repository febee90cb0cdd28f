package dev.tiller.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tiller.Tokenizer;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code tiller tokenize --model M.gguf [--plain] (--text T | --jsonl IN.jsonl)}: one JSON array of
 * ids per input, BOS added as the model's metadata says.
 */
@Command(name = "tokenize", mixinStandardHelpOptions = true,
        description = "Token ids of text, one JSON array per input (vocabulary-only GGUFs work too).")
final class TokenizeCommand implements Callable<Integer> {
    @Option(names = {"-m", "--model"}, required = true, paramLabel = "M.gguf", description = "GGUF model or vocabulary file")
    Path model;

    @Option(names = "--plain", description = "treat special-token text (e.g. <end_of_turn>) as plain text")
    boolean plain;

    @ArgGroup(exclusive = true, multiplicity = "1")
    Input input;

    static final class Input {
        @Option(names = "--text", paramLabel = "T", description = "the text to tokenize")
        String text;

        @Option(names = "--jsonl", paramLabel = "IN.jsonl", description = "lines of {\"text\": ...}; one array per line, in order")
        Path jsonl;
    }

    @Override
    public Integer call() throws IOException {
        PrintStream out = Utf8Out.stdout();
        try (Tokenizer tok = Tokenizer.load(model)) {
            if (input.text != null) {
                out.println(json(tok.encode(input.text, !plain)));
            } else {
                if (Files.isDirectory(input.jsonl)) throw new IllegalArgumentException(input.jsonl + " is a folder, not a JSONL file");
                ObjectMapper mapper = new ObjectMapper();
                try (BufferedReader r = Files.newBufferedReader(input.jsonl, StandardCharsets.UTF_8)) {
                    String line;
                    int n = 0;
                    while ((line = r.readLine()) != null) {
                        n++;
                        if (line.isBlank()) continue;
                        JsonNode node;
                        try {
                            node = mapper.readTree(line);
                        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                            throw new IllegalArgumentException(input.jsonl + ":" + n + ": invalid JSON (" + e.getOriginalMessage() + ")");
                        }
                        JsonNode text = node.get("text");
                        if (text == null || !text.isTextual()) {
                            throw new IllegalArgumentException(input.jsonl + ":" + n + ": expected an object with a string \"text\"");
                        }
                        out.println(json(tok.encode(text.asText(), !plain)));
                    }
                }
            }
        } finally {
            out.flush();
        }
        return 0;
    }

    private static String json(int[] ids) {
        StringBuilder sb = new StringBuilder(ids.length * 6).append('[');
        for (int i = 0; i < ids.length; i++) {
            if (i > 0) sb.append(',');
            sb.append(ids[i]);
        }
        return sb.append(']').toString();
    }
}
