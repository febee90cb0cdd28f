package dev.tiller.train;

import static org.junit.jupiter.api.Assertions.*;

import dev.tiller.train.data.Dataset;
import dev.tiller.train.data.Loader;
import dev.tiller.train.data.Sampler;
import dev.tiller.train.data.TextCorpus;
import dev.tiller.train.optim.LrSchedule;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class DataTest {
    @Test
    void samplersAreFunctionsOfSeedAndEpoch() {
        Sampler s = Sampler.shuffled(100, 5);
        assertArrayEquals(s.epoch(3), Sampler.shuffled(100, 5).epoch(3));
        assertFalse(Arrays.equals(s.epoch(0), s.epoch(1)));
        int[] sorted = s.epoch(2).clone();
        Arrays.sort(sorted);
        assertArrayEquals(Sampler.sequential(100).epoch(0), sorted);
    }

    @Test
    void weightedSamplingFollowsTheWeights() {
        int[] draws = Sampler.weighted(new double[] {1, 0, 3}, 40000, 1).epoch(0);
        int[] counts = new int[3];
        for (int i : draws) counts[i]++;
        assertEquals(0, counts[1]);
        assertEquals(0.75, counts[2] / 40000.0, 0.01);
    }

    @Test
    void datasetKeepsPerExampleStateByIndex() {
        Dataset d = new Dataset(new float[] {0, 1, 2, 3, 4, 5}, 2, new int[] {0, 1, 1}, new int[] {0, 0, 1}, 2);
        d.setLabel(1, 0);
        assertEquals(0, d.label(1));
        assertEquals(1, d.originalLabel(1));
        d.store("heldout_logits", 2)[2 * 2 + 1] = 7f;
        assertEquals(7f, d.store("heldout_logits", 2)[5]);
        assertThrows(IllegalArgumentException.class, () -> d.store("heldout_logits", 3));
        List<int[]> batches = new Loader(d, Sampler.sequential(3), 2, false).epoch(0);
        assertEquals(2, batches.size());
        assertArrayEquals(new float[] {4, 5}, new Loader(d, Sampler.sequential(3), 2, false).batch(batches.get(1)).features());
    }

    @Test
    void csvHandlesQuotesAndUciComments(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        java.nio.file.Path f = dir.resolve("t.csv");
        java.nio.file.Files.writeString(f, "|1x3 Cross validator\n39, State-gov, \"a, b\", <=50K\n\n50, Self-emp, \"say \"\"hi\"\"\", >50K.\n");
        List<String[]> rows = dev.tiller.train.data.Csv.read(f, ',');
        assertEquals(2, rows.size());
        assertArrayEquals(new String[] {"39", "State-gov", "a, b", "<=50K"}, rows.get(0));
        assertEquals("say \"hi\"", rows.get(1)[2]);
    }

    @Test
    void adultFromSharedDataHasItsRowCounts() {
        String dir = System.getProperty("tiller.data.dir", "");
        org.junit.jupiter.api.Assumptions.assumeFalse(dir.isBlank(), "runs with -Dtiller.data.dir (../shared/data)");
        java.nio.file.Path adult = java.nio.file.Path.of(dir, "adult");
        java.nio.file.Path train = java.nio.file.Files.exists(adult.resolve("adult.data.gz")) ? adult.resolve("adult.data.gz") : adult.resolve("adult.data");
        List<String[]> rows = dev.tiller.train.data.Csv.read(train, ',');
        assertEquals(32561, rows.size());
        assertEquals(15, rows.get(0).length);
    }

    @Test
    void brownTagsAreStripped() {
        assertEquals("The Fulton County Grand Jury said\n", TextCorpus.brownUntagged("\tThe/at Fulton/np-tl County/nn-tl Grand/jj-tl Jury/nn-tl said/vbd\n"));
    }

    @Test
    void schedulesHaveTheirShapes() {
        LrSchedule wsd = LrSchedule.warmupStableDecay(1.0, 10, 20, 10, 0.0);
        assertEquals(0.1, wsd.at(0), 1e-12);
        assertEquals(1.0, wsd.at(15), 1e-12);
        assertEquals(0.5, wsd.at(35), 1e-12);
        assertEquals(0.0, wsd.at(45), 1e-12);
        LrSchedule cos = LrSchedule.cosine(1.0, 100, 0.0);
        assertEquals(1.0, cos.at(0), 1e-12);
        assertEquals(0.5, cos.at(50), 1e-12);
        assertEquals(0.0, cos.at(100), 1e-12);
    }
}
