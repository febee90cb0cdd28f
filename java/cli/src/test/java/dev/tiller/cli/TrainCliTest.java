package dev.tiller.cli;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** tiller train: the algorithm registry's flags, JSON output, checkpoint and resume, on the committed MNIST subset. */
class TrainCliTest {
    static final Path SUBSET = Path.of("../train/src/test/resources/mnist-subset").toAbsolutePath().normalize();
    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    static String[] mnist(String... extra) {
        String[] base = {"train", "mnist-mlp", "--data", SUBSET.toString(), "--train-set", "train2k", "--test-set", "t1k", "--batch", "64", "-t", "1"};
        String[] all = new String[base.length + extra.length];
        System.arraycopy(base, 0, all, 0, base.length);
        System.arraycopy(extra, 0, all, base.length, extra.length);
        return all;
    }

    @Test
    void unknownAlgorithmsAndHyperParametersAreRefusedNamingWhatExists() {
        Tiller.Result algo = Tiller.run(mnist("--algo", "groupdrp"));
        assertEquals(2, algo.status(), algo.err());
        assertTrue(algo.err().contains("--algo groupdrp: no such algorithm (known: erm, groupdro, mat)"), algo.err());
        Tiller.Result hp = Tiller.run(mnist("--epochs", "1", "--hparam", "eta=0.1"));
        assertEquals(1, hp.status(), hp.err());
        assertTrue(hp.err().contains("erm has no hyper-parameter eta"), hp.err());
    }

    @Test
    void aRunWithACheckpointResumesToTheSameResult() throws Exception {
        Tiller.Result straight = Tiller.run(mnist("--epochs", "2", "--json"));
        assertEquals(0, straight.status(), straight.err());
        JsonNode a = JSON.readTree(straight.out());
        for (String key : new String[] {"test_accuracy", "samples_per_s", "train_seconds", "epochs", "batch", "seed", "algo", "epoch_loss"}) {
            assertTrue(a.has(key), key + " missing: " + straight.out());
        }
        assertEquals("erm", a.get("algo").asText());
        assertTrue(a.get("test_accuracy").asDouble() > 0.8, straight.out());

        Path ckpt = dir.resolve("mnist.safetensors");
        // 2000 examples in batches of 64: 32 steps an epoch; the checkpoint at step 50 lies inside epoch 2.
        Tiller.Result first = Tiller.run(mnist("--epochs", "2", "--json", "--checkpoint", ckpt.toString(), "--checkpoint-every", "50"));
        assertEquals(0, first.status(), first.err());
        assertEquals(a.get("test_accuracy"), JSON.readTree(first.out()).get("test_accuracy"));
        assertTrue(Files.size(ckpt) > 0);
        // Run again: it resumes at the end, trains nothing and reports the recorded evaluation.
        Tiller.Result again = Tiller.run(mnist("--epochs", "2", "--json", "--checkpoint", ckpt.toString(), "--checkpoint-every", "50"));
        assertEquals(0, again.status(), again.err());
        JsonNode b = JSON.readTree(again.out());
        assertEquals(a.get("test_accuracy"), b.get("test_accuracy"));
        assertTrue(b.get("epoch_loss").get(0).isNull(), "epochs not trained in this process have no loss: " + again.out());

        Tiller.Result other = Tiller.run(mnist("--epochs", "3", "--checkpoint", ckpt.toString()));
        assertEquals(1, other.status(), other.err());
        assertTrue(other.err().contains("is a run of 64 steps, this one has 96"), other.err());
    }
}
