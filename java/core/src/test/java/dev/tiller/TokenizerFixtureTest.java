package dev.tiller;

import dev.tiller.testing.Fixtures;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every reference case of both Gemma vocabularies, with special-token parsing (HuggingFace's ids)
 * and without it (llama.cpp's ids_plain). Reads ../shared's copies when tiller.fixtures.dir is set.
 */
class TokenizerFixtureTest {

    static Path dir() {
        return Fixtures.tokenizerDir();
    }

    @ParameterizedTest
    @ValueSource(strings = {"gemma1-2", "gemma3"})
    void everyCaseMatchesTheReference(String vocab) throws IOException {
        ObjectMapper json = new ObjectMapper();
        List<String> lines = Files.readAllLines(dir().resolve("cases-" + vocab + ".jsonl"));
        assertEquals(275, lines.size(), "reference case count");
        int failures = 0;
        StringBuilder report = new StringBuilder();
        try (Tokenizer t = Tokenizer.load(dir().resolve("vocab-" + vocab + ".gguf"))) {
            for (String line : lines) {
                JsonNode c = json.readTree(line);
                String text = c.get("text").asText();
                int[] ids = ints(c.get("ids")), plain = ints(c.get("ids_plain"));
                int[] gotIds = t.encode(text, true), gotPlain = t.encode(text, false);
                if (!java.util.Arrays.equals(ids, gotIds) || !java.util.Arrays.equals(plain, gotPlain)) {
                    if (failures++ < 5) report.append("\n  ").append(text, 0, Math.min(60, text.length()));
                }
            }
        }
        assertEquals(0, failures, failures + " of " + lines.size() + " cases differ:" + report);
    }

    @ParameterizedTest
    @ValueSource(strings = {"gemma1-2", "gemma3"})
    void vocabularyFacts(String vocab) {
        try (Tokenizer t = Tokenizer.load(dir().resolve("vocab-" + vocab + ".gguf"))) {
            assertEquals(2, t.bos());
            assertEquals(1, t.eos());
            assertTrue(t.addsBos());
            int eot = t.tokenId("<end_of_turn>").orElseThrow();
            assertEquals(vocab.equals("gemma3") ? 106 : 107, eot);
            assertEquals(eot, t.eot());
            assertTrue(t.isControl(eot));
            assertEquals("<start_of_turn>", t.tokenText(t.tokenId("<start_of_turn>").orElseThrow()));
            assertArrayEquals(new int[] {2}, t.encode("", true));
            assertArrayEquals(new int[0], t.encode("", false, false));
        }
    }

    private static int[] ints(JsonNode a) {
        int[] out = new int[a.size()];
        for (int i = 0; i < out.length; i++) out[i] = a.get(i).asInt();
        return out;
    }
}
