package dev.tiller.train.robust;

import static org.junit.jupiter.api.Assertions.*;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

/**
 * The balancing methods on the shared Trainer: the toy of "Simple data balancing" (ERM fits the
 * spurious feature, group balancing does not) and generated tables in the documented format.
 */
class RobustTrainingTest {
    static RobustTraining.Options options(Method m, String model, int epochs, double lr, double wd, int batch) {
        return new RobustTraining.Options(m, model, new int[] {16}, 0, epochs, lr, wd, batch, "sgd", 0.1, 2, 5, 0, 0, 1, new float[] {4, 1, 2}, null);
    }

    static RobustTraining.Result toy(Method m) {
        GroupTable t = ToyData.make(0);
        // lr 1e-5, wd 0.1: a point of the reference's grid (train_toy.py); 100 of its 500 epochs.
        return RobustTraining.run(t, Groups.attributes(t), Groups.attributes(t), options(m, "toy", 100, 1e-5, 0.1, 250), null);
    }

    @Test
    void onTheToyErmFailsTheMinorityAndGroupBalancingDoesNot() {
        RobustTraining.Result erm = toy(Method.ERM), subg = toy(Method.SUBG), rwg = toy(Method.RWG);
        assertTrue(erm.testWga() <= 0.3, "ERM test WGA " + erm.testWga());
        assertTrue(erm.testAvg() >= 0.75, "ERM still gets the majority right: " + erm.testAvg());
        assertTrue(subg.testWga() >= 0.9, "SUBG test WGA " + subg.testWga());
        assertTrue(rwg.testWga() >= 0.9, "RWG test WGA " + rwg.testWga());
        assertEquals(4, erm.testGroups().size());
        assertEquals(1000, erm.testGroups().stream().mapToInt(RobustTraining.GroupResult::n).sum());
    }

    @Test
    void theToyHasTheReferenceProportions() {
        GroupTable t = ToyData.make(3);
        assertEquals(3000, t.rows());
        assertEquals(2 + ToyData.NOISE, t.dim());
        int minority = 0;
        for (int r : t.rowsOf(GroupTable.Split.TRAIN)) if (t.attribute(r, 0) == 0) minority++;
        assertEquals(200, minority);
        for (int r : t.rowsOf(GroupTable.Split.TEST)) assertEquals(0f, t.feature(r, 5), "no noise outside train");
        for (int r : t.rowsOf(GroupTable.Split.TRAIN)) assertEquals(t.y(r) == 1, t.feature(r, 1) < 0, "the core feature always carries the label");
    }

    /** Two classes, a spurious binary attribute agreeing with y in 90% of train rows, 50% in val and test. */
    static GroupTable spurious(long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        int n = 1200;
        GroupTable.Split[] split = new GroupTable.Split[n];
        int[] y = new int[n], a = new int[n];
        float[] x = new float[n * 3];
        for (int i = 0; i < n; i++) {
            split[i] = i < 800 ? GroupTable.Split.TRAIN : i < 1000 ? GroupTable.Split.VAL : GroupTable.Split.TEST;
            y[i] = rnd.nextInt(2);
            double agree = split[i] == GroupTable.Split.TRAIN ? 0.9 : 0.5;
            a[i] = rnd.nextDouble() < agree ? y[i] : 1 - y[i];
            x[3 * i] = (float) ((2 * y[i] - 1) * 0.5 + rnd.nextGaussian());      // weak core feature
            x[3 * i + 1] = (float) ((2 * a[i] - 1) * 2 + 0.3 * rnd.nextGaussian());  // strong spurious feature
            x[3 * i + 2] = (float) rnd.nextGaussian();
        }
        return new GroupTable("generated", List.of("core", "spurious", "noise"), List.of("a"), split, y, a, x);
    }

    @Test
    void everyMethodRunsOnAGeneratedTableAndGroupMethodsBeatErmOnTheWorstGroup() {
        GroupTable t = spurious(1);
        List<String> seen = new ArrayList<>();
        double erm = Double.NaN;
        float[] heldOut = Xrm.run(t, new Xrm.Options(300, 1e-2, 32, 0, new int[] {16}, 0, 1), null).heldOut();
        for (Method m : Method.values()) {
            RobustTraining.Options o = options(m, "mlp", 20, 0.05, 1e-4, 32);
            if (m == Method.MAT) o = o.with(new RobustTraining.Extras(0.9, false, new RobustTraining.MatInputs(heldOut, 0.1, "full")));
            RobustTraining.Result r = RobustTraining.run(t, Groups.attributes(t), Groups.attributes(t), o, null);
            assertTrue(r.testWga() >= 0 && r.testWga() <= r.testAvg(), m + ": " + r.testWga() + " / " + r.testAvg());
            assertEquals(400, r.predictions().length, "val and test rows");
            assertTrue(r.curves().rows().size() >= 2, m + " evaluates once an epoch");
            assertTrue(r.selectedStep() > 0);
            if (m == Method.ERM) erm = r.testWga();
            if (m == Method.SUBG || m == Method.RWG || m == Method.GROUPDRO) {
                assertTrue(r.testWga() > erm + 0.05, m + " test WGA " + r.testWga() + " vs ERM " + erm);
            }
            seen.add(m.cliName());
        }
        assertEquals(List.of("erm", "suby", "subg", "rwy", "rwg", "groupdro", "jtt", "mat", "crm"), seen);
    }

    @Test
    void aSamplingOverrideReplacesTheMethodsOwn() {
        GroupTable t = spurious(6);
        RobustTraining.Options balanced = options(Method.GROUPDRO, "linear", 3, 0.05, 0, 32);
        RobustTraining.Options uniform = new RobustTraining.Options(Method.GROUPDRO, "linear", new int[] {16}, 0, 3, 0.05, 0, 32, "sgd", 0.1, 2, 5, 0, 0, 1,
                new float[] {4, 1, 2}, Method.Sampling.UNIFORM);
        assertEquals(Method.Sampling.REWEIGHT_GROUPS, balanced.samplingInUse());
        assertEquals(Method.Sampling.UNIFORM, uniform.samplingInUse());
        RobustTraining.Result a = RobustTraining.run(t, Groups.attributes(t), Groups.attributes(t), balanced, null);
        RobustTraining.Result b = RobustTraining.run(t, Groups.attributes(t), Groups.attributes(t), uniform, null);
        assertNotEquals(a.curves().toCsv(), b.curves().toCsv(), "other batches, other run");
    }

    @Test
    void aSeedFixesTheRun() {
        GroupTable t = spurious(2);
        RobustTraining.Result a = RobustTraining.run(t, Groups.attributes(t), Groups.attributes(t), options(Method.GROUPDRO, "linear", 5, 0.05, 0, 32), null);
        RobustTraining.Result b = RobustTraining.run(t, Groups.attributes(t), Groups.attributes(t), options(Method.GROUPDRO, "linear", 5, 0.05, 0, 32), null);
        assertArrayEquals(a.predictions(), b.predictions());
        assertEquals(a.curves().toCsv(), b.curves().toCsv());
    }

    @Test
    void subsamplingKeepsTheSmallestGroupSizeOfEveryGroup() {
        GroupTable t = spurious(3);
        var train = RobustTraining.dataset(t, t.rowsOf(GroupTable.Split.TRAIN), Groups.attributes(t));
        int[] kept = Balancing.subsample(train, 0, true);
        int[] count = new int[4];
        for (int i : kept) count[train.group(i)]++;
        int min = Integer.MAX_VALUE;
        int[] all = new int[4];
        for (int i = 0; i < train.size(); i++) all[train.group(i)]++;
        for (int c : all) min = Math.min(min, c);
        for (int c : count) assertEquals(min, c);
        double[] w = Balancing.weights(train, true);
        double mass0 = 0, mass1 = 0;
        for (int i = 0; i < train.size(); i++) if (train.group(i) == 0) mass0 += w[i]; else if (train.group(i) == 1) mass1 += w[i];
        assertEquals(mass0, mass1, 1e-9, "every group weighs the same in RWG");
        assertArrayEquals(new int[] {0, 1, 1, 1, 2}, Balancing.upsampled(new boolean[] {false, true, false}, 3));
    }
}
