package dev.tiller.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tiller.Model;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code tiller heads retrieval-eval} on the default model (which never saw retrieval samples:
 * this checks the sweep's bookkeeping, not a score): one row per rule and setting, dense attends
 * everything, sink + window nothing of the bulk, the oracle's sparsity grows with tau; the label
 * errors per layer come for both moment options with the same oracle; bad
 * arguments are refused before anything is written. Needs the text of ../shared/data
 * (-Dtiller.data.dir), as CI gives it.
 */
class HeadsRetrievalEvalCliTest {
    @TempDir
    Path dir;

    static String data() {
        String data = System.getProperty("tiller.data.dir", "");
        Assumptions.assumeFalse(data.isBlank(), "runs with -Dtiller.data.dir (the text of ../shared/data)");
        return Path.of(data, "text").toString();
    }

    @Test
    void sweepWritesOneRowPerRuleAndSetting() throws IOException {
        Path out = dir.resolve("eval");
        Tiller.Result r = Tiller.run("heads", "retrieval-eval", "--model", Tiller.defaultModel().toString(), "--data", data(),
                "--samples", "4", "--calibration", "2", "--length", "160", "--t-sink", "4", "--t-local", "32", "--out", out.toString(), "-t", "2");
        assertEquals(0, r.status(), r.err());
        List<String> rows = Files.readAllLines(out.resolve("results.csv"));
        assertEquals("rule,moments,setting,sparsity,accuracy", rows.get(0));
        int taus = HeadsRetrievalEvalCommand.TAUS.length;
        assertEquals(1 + 3 * taus + HeadsRetrievalEvalCommand.STATIC_SPARSITY.length + 1, rows.size() - 1);
        String[] dense = rows.get(1).split(","), window = rows.get(rows.size() - 1).split(",");
        assertEquals("dense", dense[0]);
        assertEquals(0.0, Double.parseDouble(dense[3]));
        assertEquals("sink+window", window[0]);
        assertEquals(1.0, Double.parseDouble(window[3]));
        double previous = -1;
        for (String row : rows.subList(1, rows.size())) {
            String[] f = row.split(",");
            double accuracy = Double.parseDouble(f[4]);
            assertTrue(accuracy >= 0 && accuracy <= 1, row);
            if (f[0].equals("oracle")) {
                double sparsity = Double.parseDouble(f[3]);
                assertTrue(sparsity >= previous, "the oracle's sparsity never falls as tau grows: " + row);
                previous = sparsity;
            }
        }
        assertTrue(Files.size(out.resolve("accuracy.png")) > 1000);
        List<String> errors = Files.readAllLines(out.resolve("errors.csv"));
        assertEquals("moments,tau,layer,sparsity,oracle_sparsity,fp_rate,fn_rate", errors.get(0));
        long global;
        try (Model m = Model.load(Tiller.defaultModel())) {
            global = m.info().layers().stream().filter(l -> !l.slidingWindow()).count();
        }
        assertEquals(2 * taus * (global + 1), errors.size() - 1, "per moment option and tau: each global layer and all");
        // The oracle's labels do not depend on the moments: the same sparsity in both halves.
        for (int i = 1; i <= taus * (global + 1); i++)
            assertEquals(errors.get(i).split(",")[4], errors.get(i + (int) (taus * (global + 1))).split(",")[4]);
    }

    @Test
    void badArgumentsWriteNothing() {
        Path out = dir.resolve("never");
        String m = Tiller.defaultModel().toString();
        String[][] bad = {
            {"heads", "retrieval-eval", "--model", m, "--samples", "1", "--out", out.toString()},
            {"heads", "retrieval-eval", "--model", m, "--length", "32", "--out", out.toString()},
            {"heads", "retrieval-eval", "--model", m, "--t-local", "0", "--out", out.toString()},
        };
        for (String[] args : bad) {
            Tiller.Result r = Tiller.run(args);
            assertTrue(r.status() != 0, String.join(" ", args));
            assertEquals(1, r.err().strip().lines().count(), r.err());
        }
        assertFalse(Files.exists(out));
    }
}
