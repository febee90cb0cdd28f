package dev.tiller.train;

import static org.junit.jupiter.api.Assertions.*;

import dev.tiller.train.recipes.DefaultModel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shipped model's recipe is deterministic: rerunning it from the data with the recorded seed
 * reproduces the recorded loss curve of its first steps digit for digit (models/*.train.json).
 * Needs the text of ../shared/data (-Dtiller.data.dir).
 */
class DefaultModelReproTest {
    @Test
    void firstStepsReproduceTheRecordedCurve(@TempDir Path dir) throws Exception {
        String data = System.getProperty("tiller.data.dir", "");
        org.junit.jupiter.api.Assumptions.assumeFalse(data.isBlank(), "runs with -Dtiller.data.dir (the text of ../shared/data)");
        String json = Files.readString(Path.of("../../models/tiller-gemma2-tiny.train.json"));
        long seed = Long.parseLong(field(json, "seed"));
        int batch = Integer.parseInt(field(json, "batch")), steps = Integer.parseInt(field(json, "steps"));
        double lr = Double.parseDouble(field(json, "lr"));
        List<String> recorded = new ArrayList<>();
        Matcher m = Pattern.compile("\\[(\\d+),([0-9.]+)\\]").matcher(json.substring(json.indexOf("\"curve\"")));
        while (m.find() && recorded.size() < 10) recorded.add(m.group(1) + ":" + m.group(2));
        // The same schedule as the full run (it depends on the step count), stopped after 10 steps.
        DefaultModel.Result r = DefaultModel.run(new DefaultModel.Options(Path.of(data, "text"), dir, seed, steps, batch, lr, 0), null, 10);
        List<String> now = new ArrayList<>();
        for (float[] p : r.curve()) now.add((int) p[0] + ":" + String.format(Locale.ROOT, "%.6f", p[1]));
        assertEquals(recorded, now.subList(0, recorded.size()));
    }

    static String field(String json, String key) {
        Matcher m = Pattern.compile("\"" + key + "\":([^,}]+)").matcher(json);
        assertTrue(m.find(), key + " missing");
        return m.group(1);
    }
}
