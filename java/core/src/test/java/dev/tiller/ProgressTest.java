package dev.tiller;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The progress lines of long work: what, done/total, percentage; nothing for work that ends while quiet. */
class ProgressTest {
    private static List<String> lines(ByteArrayOutputStream b) {
        return b.toString(StandardCharsets.UTF_8).lines().toList();
    }

    @Test
    void everyUpdateWithNoIntervalAndTheEndAlways() {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        Progress p = new Progress("prompt tokens", 0, new PrintStream(b, true, StandardCharsets.UTF_8), 0, 0);
        p.progress(512, 2048);
        p.progress(1024, 2048);
        p.progress(2048, 2048);
        List<String> l = lines(b);
        assertEquals(3, l.size(), l.toString());
        assertTrue(l.get(0).startsWith("prompt tokens 512/2048 (25.0%, ") && l.get(0).contains(" s left)"), l.get(0));
        assertTrue(l.get(2).startsWith("prompt tokens 2048/2048 (100.0%, ") && !l.get(2).contains("left"), l.get(2));
    }

    @Test
    void workThatEndsWhileQuietPrintsNothingAndIntervalsThinTheLines() {
        ByteArrayOutputStream quiet = new ByteArrayOutputStream();
        Progress q = new Progress("x", 0, new PrintStream(quiet, true, StandardCharsets.UTF_8), 0, 3600);
        for (int i = 1; i <= 10; i++) q.progress(i, 10);
        assertEquals("", quiet.toString(StandardCharsets.UTF_8));
        ByteArrayOutputStream thin = new ByteArrayOutputStream();
        Progress t = new Progress("step", 100, new PrintStream(thin, true, StandardCharsets.UTF_8), 3600);
        for (int i = 1; i <= 100; i++) t.update(i, "loss 1.0");
        List<String> l = lines(thin);
        assertEquals(List.of("step 1/100", "step 100/100"), l.stream().map(s -> s.substring(0, s.indexOf(" ("))).toList());
        assertTrue(l.get(1).endsWith(") loss 1.0"), l.get(1));
    }
}
