package dev.tiller.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** tiller dd theory | simulate: the curve files' contract, the JSON summary, and misuse. */
class DdCliTest {
    private static final String[] SHAPE = {"--n", "150", "--d", "100", "--p", "60", "--kappa", "50", "--t-min", "1", "--t-max", "1e5", "--points", "21"};

    @Test
    void theoryWritesTheCurveAndItsTwoScaleTerms(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("theory.csv");
        Tiller.Result r = Tiller.run(concat(new String[] {"dd", "theory"}, SHAPE, new String[] {"--out", out.toString(), "--json"}));
        assertEquals(0, r.status(), r.err());
        List<String> rows = Files.readAllLines(out);
        assertEquals("t,eg,eg_fast_only,eg_slow_only", rows.get(0));
        assertEquals(22, rows.size());
        assertEquals(1.0, Double.parseDouble(rows.get(1).split(",")[0]));
        assertEquals(1e5, Double.parseDouble(rows.get(21).split(",")[0]));
        JsonNode j = new ObjectMapper().readTree(lastLine(r.out()));
        assertTrue(j.get("double_descent").asBoolean(), r.out());
        assertTrue(j.get("dip_t").asDouble() < j.get("bump_t").asDouble());
    }

    @Test
    void simulateWritesMeanAndSpreadOverSeeds(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("sim.csv");
        Tiller.Result r = Tiller.run(concat(new String[] {"dd", "simulate"}, SHAPE, new String[] {"--seeds", "3", "--out", out.toString(), "--json"}));
        assertEquals(0, r.status(), r.err());
        List<String> rows = Files.readAllLines(out);
        assertEquals("t,eg_mean,eg_std", rows.get(0));
        assertEquals(22, rows.size());
        for (String row : rows.subList(1, rows.size())) assertTrue(Double.parseDouble(row.split(",")[2]) > 0, row);
        JsonNode j = new ObjectMapper().readTree(lastLine(r.out()));
        assertEquals(3, j.get("seeds").asInt());
        assertEquals("gd", j.get("method").asText());
    }

    @Test
    void badInputIsOneClearLineAndWritesNothing(@TempDir Path dir) {
        Path out = dir.resolve("x.csv");
        String[][] bad = {
            {"dd", "theory", "--n", "150", "--d", "100", "--p", "60", "--kappa", "0", "--t-min", "1", "--t-max", "10", "--points", "5", "--out", out.toString()},
            {"dd", "theory", "--n", "150", "--d", "100", "--p", "60", "--kappa", "-3", "--t-min", "1", "--t-max", "10", "--points", "5", "--out", out.toString()},
            {"dd", "theory", "--n", "150", "--d", "100", "--p", "60", "--kappa", "5", "--t-min", "10", "--t-max", "10", "--points", "5", "--out", out.toString()},
            {"dd", "simulate", "--n", "150", "--d", "100", "--p", "60", "--kappa", "5", "--t-min", "1", "--t-max", "10", "--points", "5", "--seeds", "0", "--out", out.toString()},
            {"dd", "simulate", "--n", "150", "--d", "100", "--p", "160", "--kappa", "5", "--t-min", "1", "--t-max", "10", "--points", "5", "--seeds", "2", "--out", out.toString()},
        };
        String[] expect = {"--kappa must be > 0", "--kappa must be > 0", "--t-max must be above --t-min", "--seeds must be >= 1", "--p must lie in"};
        for (int i = 0; i < bad.length; i++) {
            Tiller.Result r = Tiller.run(bad[i]);
            assertEquals(2, r.status(), String.join(" ", bad[i]) + ": " + r.err());
            assertTrue(r.err().contains(expect[i]), r.err());
            assertEquals(1, r.err().strip().lines().count(), r.err());
            assertFalse(Files.exists(out));
        }
    }

    private static String lastLine(String s) {
        List<String> lines = s.strip().lines().toList();
        return lines.get(lines.size() - 1);
    }

    private static String[] concat(String[]... parts) {
        return java.util.Arrays.stream(parts).flatMap(java.util.Arrays::stream).toArray(String[]::new);
    }
}
