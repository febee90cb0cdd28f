package dev.tiller.train;

import static org.junit.jupiter.api.Assertions.*;

import dev.tiller.train.recipes.MnistMlp;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The MLP recipe on MNIST. Always: a 2k/1k subset committed under test resources. With
 * -Dtiller.data.dir=../shared/data (.ci/run): the acceptance run on the full 10k/10k split.
 */
class MnistMlpTest {
    static Path subset() throws URISyntaxException {
        return Path.of(MnistMlpTest.class.getClassLoader().getResource("mnist-subset/NOTICE").toURI()).getParent();
    }

    @Test
    void learnsTheSubsetAndASeedFixesTheResultWhateverTheThreads() throws Exception {
        MnistMlp.Result a = MnistMlp.run(new MnistMlp.Options(subset(), "train2k", "t1k", 3, 64, 7, 1e-3, 1), null);
        MnistMlp.Result b = MnistMlp.run(new MnistMlp.Options(subset(), "train2k", "t1k", 3, 64, 7, 1e-3, 2), null);
        assertTrue(a.testAccuracy() > 0.85, "test accuracy " + a.testAccuracy());
        assertEquals(a.testAccuracy(), b.testAccuracy());
        assertArrayEquals(a.epochLoss(), b.epochLoss());
        assertTrue(a.epochLoss()[2] < a.epochLoss()[0] / 2, "loss should fall: " + java.util.Arrays.toString(a.epochLoss()));
    }

    @Test
    void fullSplitReaches95PercentInFiveEpochs() {
        String dir = System.getProperty("tiller.data.dir", "");
        org.junit.jupiter.api.Assumptions.assumeFalse(dir.isBlank(), "runs with -Dtiller.data.dir (the full MNIST split of ../shared/data)");
        Path mnist = Path.of(dir, "mnist");
        assertTrue(Files.isDirectory(mnist), "tiller.data.dir=" + dir + " has no mnist folder");
        MnistMlp.Result r = MnistMlp.run(MnistMlp.Options.standard(mnist, 5, 128, 0, 1e-3, 0), null);
        assertTrue(r.testAccuracy() >= 0.95, "test accuracy " + r.testAccuracy());
    }
}
