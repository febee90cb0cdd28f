package dev.tiller.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** tiller grok predict: the JSON contract on a curve of known oscillation energy, phase times, and bad curves. */
class GrokCliTest {

    @Test
    void predictReturnsTheEnergyOfAKnownOscillation(@TempDir Path dir) throws Exception {
        Path curve = dir.resolve("curve.csv");
        StringBuilder s = new StringBuilder("step,train_loss,train_acc,val_loss,val_acc\n");
        for (int t = 0; t < 500; t++) {
            double loss = 3 + Math.cos(2 * Math.PI * t / 400) + 0.25 * Math.sin(2 * Math.PI * 9 * t / 400);
            double trainAcc = t < 3 ? 0 : t < 120 ? 0.5 : 1, valAcc = t < 300 ? 0 : t < 450 ? 0.5 : 1;
            s.append(String.format(Locale.ROOT, "%d,%.17g,%s,%s,%s%n", t, loss, trainAcc, 2.0, valAcc));
        }
        Files.writeString(curve, s);
        Tiller.Result r = Tiller.run("grok", "predict", "--curve", curve.toString(), "--json");
        assertEquals(0, r.status(), r.err());
        JsonNode j = new ObjectMapper().readTree(r.out().strip());
        assertEquals(0.25 * 0.25 / 2, j.get("activity").asDouble(), 1e-12);
        for (String k : List.of("low_freq_amplitude", "mobility", "complexity")) assertTrue(j.get(k).isNumber(), k);
        assertEquals(3, j.get("t1").asLong());
        assertEquals(120, j.get("t2").asLong());
        assertEquals(300, j.get("t3").asLong());
        assertEquals(450, j.get("t4").asLong());
    }

    @Test
    void trainWritesOneRowPerStepAndAPlot(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("run");
        Tiller.Result r = Tiller.run("grok", "train", "--op", "sub", "--p", "13", "--frac", "0.5", "--model", "mlp", "--lr", "1e-2", "--steps", "40",
                "--threads", "2", "--out", out.toString(), "--json");
        assertEquals(0, r.status(), r.err());
        List<String> rows = Files.readAllLines(out.resolve("curve.csv"));
        assertEquals("step,train_loss,train_acc,val_loss,val_acc", rows.get(0));
        assertEquals(41, rows.size());
        assertEquals("39", rows.get(40).split(",")[0]);
        assertTrue(Files.size(out.resolve("curve.png")) > 1000);
        JsonNode j = new ObjectMapper().readTree(r.out().strip().lines().reduce((a, b) -> b).orElseThrow());
        assertEquals(40, j.get("steps").asInt());
        // the curve feeds grok predict
        Tiller.Result p = Tiller.run("grok", "predict", "--curve", out.resolve("curve.csv").toString(), "--steps", "40", "--json");
        assertEquals(0, p.status(), p.err());
    }

    @Test
    void sweepWritesResultsHeatMapsAndASummary(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("sweep");
        Tiller.Result r = Tiller.run("grok", "sweep", "--op", "add", "--p", "7", "--frac", "0.5", "--model", "mlp", "--lrs", "1e-2,1e-3", "--wds", "0.1,1",
                "--seeds", "2", "--steps", "60", "--predict-steps", "40", "--jobs", "2", "--threads", "1", "--out", out.toString());
        assertEquals(0, r.status(), r.err());
        List<String> rows = Files.readAllLines(out.resolve("results.csv"));
        assertEquals("lr,wd,seed,final_val_acc,t4,activity,low_freq_amplitude,mobility,complexity", rows.get(0));
        assertEquals(1 + 2 * 2 * 2, rows.size());
        for (String f : List.of("heatmap-val_acc.png", "heatmap-activity.png", "heatmap-low_freq_amplitude.png", "heatmap-mobility.png", "heatmap-complexity.png"))
            assertTrue(Files.size(out.resolve(f)) > 1000, f);
        String md = Files.readString(out.resolve("summary.md"));
        for (String stat : List.of("| activity |", "| low_freq_amplitude |", "| mobility |", "| complexity |")) assertTrue(md.contains(stat), md);
        Tiller.Result bad = Tiller.run("grok", "sweep", "--op", "add", "--p", "7", "--frac", "0.5", "--lrs", "1e-2,-1", "--wds", "1", "--steps", "60",
                "--predict-steps", "40", "--out", dir.resolve("bad").toString());
        assertEquals(2, bad.status());
        assertTrue(bad.err().contains("--lrs"), bad.err());
        // The grid's learning rates are --lrs: a single --lr would be ignored, so it is refused.
        Tiller.Result single = Tiller.run("grok", "sweep", "--op", "add", "--p", "7", "--frac", "0.5", "--lrs", "1e-2", "--lr", "1e-3", "--wds", "1",
                "--steps", "60", "--predict-steps", "40", "--out", dir.resolve("single").toString());
        assertEquals(2, single.status());
        assertTrue(single.err().contains("--lr"), single.err());
    }

    @Test
    void badTasksAreUsageErrors(@TempDir Path dir) {
        String out = dir.resolve("run").toString();
        Object[][] cases = {
            {new String[] {"grok", "train", "--op", "add", "--p", "15", "--frac", "0.5", "--out", out}, "--p must be a prime"},
            {new String[] {"grok", "train", "--op", "add", "--p", "13", "--frac", "1.5", "--out", out}, "--frac must lie in (0, 1)"},
            {new String[] {"grok", "train", "--op", "pow", "--p", "13", "--frac", "0.5", "--out", out}, "unknown operation 'pow'"},
            {new String[] {"grok", "train", "--op", "add", "--p", "13", "--frac", "0.5", "--model", "cnn", "--out", out}, "unknown model 'cnn'"},
        };
        for (Object[] c : cases) {
            Tiller.Result r = Tiller.run((String[]) c[0]);
            assertEquals(2, r.status(), String.join(" ", (String[]) c[0]));
            assertTrue(r.err().contains((String) c[1]), r.err());
            assertEquals(1, r.err().strip().lines().count(), r.err());
            assertTrue(!Files.exists(dir.resolve("run")));
        }
    }

    @Test
    void badCurvesAreOneClearLine(@TempDir Path dir) throws Exception {
        Path shortCurve = dir.resolve("short.csv"), nan = dir.resolve("nan.csv");
        Files.writeString(shortCurve, "step,train_loss\n0,1\n1,0.9\n");
        Files.writeString(nan, "step,train_loss\n0,1\n1,NaN\n");
        Object[][] cases = {
            {new String[] {"grok", "predict", "--curve", shortCurve.toString()}, "fewer than --steps 400"},
            {new String[] {"grok", "predict", "--curve", nan.toString(), "--steps", "8"}, "row 3, column train_loss"},
            {new String[] {"grok", "predict", "--curve", shortCurve.toString(), "--column", "val_loss"}, "no column 'val_loss'"},
            {new String[] {"grok", "predict", "--curve", shortCurve.toString(), "--cutoff", "0"}, "--cutoff must lie in"},
            {new String[] {"grok", "predict", "--curve", dir.resolve("absent.csv").toString()}, "absent.csv"},
        };
        for (Object[] c : cases) {
            Tiller.Result r = Tiller.run((String[]) c[0]);
            assertTrue(r.status() != 0, String.join(" ", (String[]) c[0]));
            assertTrue(r.err().contains((String) c[1]), r.err());
            assertEquals(1, r.err().strip().lines().count(), r.err());
        }
    }
}
