package dev.tiller.train.robust;

import static org.junit.jupiter.api.Assertions.*;

import dev.tiller.train.Graph;
import dev.tiller.train.Tensor;
import dev.tiller.train.Trainer;
import dev.tiller.train.data.Batch;
import dev.tiller.train.data.Dataset;
import dev.tiller.train.nn.Mlp;
import dev.tiller.train.optim.Adam;
import dev.tiller.train.optim.Optimizer;
import dev.tiller.train.optim.ParamGroup;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * XRM on Colored MNIST built from the committed 2k / 1k MNIST subset: the discovered environment is
 * "the colour disagrees with the label", found without any group label, and ENVS.csv reads back
 * as groups.
 */
class XrmTest {
    static Path subset() throws URISyntaxException {
        return Path.of(XrmTest.class.getClassLoader().getResource("mnist-subset/NOTICE").toURI()).getParent();
    }

    @Test
    void twinsFindTheRowsWhoseColourDisagreesWithTheLabel(@TempDir Path dir) throws Exception {
        GroupTable t = ColorMnist.make(subset(), "train2k", "t1k", 0, "cmnist-subset");
        // XRM's ColorMNIST settings for steps and widths; lr and batch inside its search ranges.
        Xrm.Result r = Xrm.run(t, new Xrm.Options(1001, 1e-4, 32, 1e-5, new int[] {390, 390}, 0, 0), null);
        assertFalse(r.degenerate());
        int disagree = 0, disagreeEnv1 = 0, agree = 0, agreeEnv1 = 0;
        for (int row : t.rowsOf(GroupTable.Split.TRAIN)) {
            boolean conflict = ColorMnist.colour(t, row) != t.y(row);
            if (conflict) {
                disagree++;
                if (r.env()[row] == 1) disagreeEnv1++;
            } else {
                agree++;
                if (r.env()[row] == 1) agreeEnv1++;
            }
        }
        double pConflict = (double) disagreeEnv1 / disagree, pAgree = (double) agreeEnv1 / agree;
        System.out.printf("xrm on the subset: flip rate %.3f, P(env=1 | colour != y) %.3f, P(env=1 | colour = y) %.3f%n", r.flipRate(), pConflict, pAgree);
        assertTrue(pConflict >= 0.9, "P(env=1 | colour disagrees) " + pConflict);
        assertTrue(pAgree <= 0.05, "P(env=1 | colour agrees) " + pAgree);
        assertTrue(r.flipRate() > 0.05 && r.flipRate() < 0.3, "flip rate " + r.flipRate());

        Path envs = dir.resolve("ENVS.csv");
        Xrm.writeEnvs(envs, t, r);
        int[] back = Environments.read(envs, t);
        for (int row = 0; row < t.rows(); row++) assertEquals(r.env()[row], back[row], "row " + row);
        Groups g = Groups.environments(t, back, envs.toString());
        g.checkCovers(t, GroupTable.Split.TRAIN, GroupTable.Split.VAL);
    }

    @Test
    void theColouredTableFollowsXrmsConstruction() throws Exception {
        GroupTable t = ColorMnist.make(subset(), "train2k", "t1k", 1, "cmnist-subset");
        assertEquals(392, t.dim());
        assertEquals(2000 * 5 / 6, t.count(GroupTable.Split.TRAIN));
        assertEquals(1000, t.count(GroupTable.Split.TEST));
        int conflictTest = 0;
        for (int row : t.rowsOf(GroupTable.Split.TEST)) {
            if (ColorMnist.colour(t, row) != t.y(row)) conflictTest++;
            assertEquals(0, t.attribute(row, 0));
        }
        assertTrue(conflictTest > 850, "test colour noise 0.9: " + conflictTest + " of 1000 disagree");
        GroupTable coloured = ColorMnist.withColourAttribute(t, "coloured");
        for (int row = 0; row < t.rows(); row += 7) {
            assertEquals(ColorMnist.colour(t, row), coloured.attribute(row, 0));
            assertEquals(t.y(row), coloured.y(row));
            assertEquals(t.split(row), coloured.split(row));
        }
        int conflictTrain = 0;
        for (int row : t.rowsOf(GroupTable.Split.TRAIN)) if (ColorMnist.colour(t, row) != t.y(row)) conflictTrain++;
        assertTrue(conflictTrain > 0.1 * 1666 && conflictTrain < 0.2 * 1666, "train colour noise 0.1 / 0.2: " + conflictTrain);
    }

    @Test
    void twinsRefuseACheckpointBeforeTheFirstStep(@TempDir Path dir) {
        try (Graph g = new Graph(1)) {
            SplittableRandom rnd = new SplittableRandom(0);
            Mlp a = new Mlp(g, new int[] {2, 4, 2}, rnd, true), b = new Mlp(g, new int[] {2, 4, 2}, rnd, true);
            Dataset d = new Dataset(new float[] {0, 1, 1, 0}, 2, new int[] {0, 1}, null, 2);
            List<Tensor> params = new ArrayList<>(a.parameters());
            params.addAll(b.parameters());
            Optimizer opt = Adam.adam(List.of(ParamGroup.of(params)), 1e-3);
            XrmTwins twins = new XrmTwins(g, a::forward, b::forward, new float[] {1, 0}, 2, d, rnd);
            int[] steps = {0};
            Trainer<Batch> t = new Trainer<Batch>(opt, 5)
                    .checkpoint(dir.resolve("x.safetensors"), 1, a.namedParameters()).onStep(s -> steps[0]++);
            UnsupportedOperationException e = assertThrows(UnsupportedOperationException.class, () -> t.run(twins, () -> d.batch(new int[] {0, 1})));
            assertTrue(e.getMessage().contains("cannot be checkpointed"), e.getMessage());
            assertEquals(0, steps[0]);
        }
    }
}
