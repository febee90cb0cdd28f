package dev.tiller.train.robust;

import static org.junit.jupiter.api.Assertions.*;

import dev.tiller.train.Graph;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** CRM's pieces against direct computations, and its claim on the four drop-one scenarios of crm-gauss. */
class CrmTest {
    @Test
    void theExtrapolatedBiasIsTheImportanceWeightedLogPartition() {
        SplittableRandom rnd = new SplittableRandom(2);
        int n = 7, groups = 4;
        float[] e = new float[n * groups], bhat = {0.3f, -0.2f, 0.1f, 0.5f}, logp = {(float) Math.log(0.5), (float) Math.log(0.2), (float) Math.log(1e-8), (float) Math.log(0.3)};
        for (int i = 0; i < e.length; i++) e[i] = (float) (3 * rnd.nextGaussian());
        boolean[] seen = {true, true, false, true};
        float[] b = CrmModel.extrapolatedBias(e, bhat, logp, seen);
        for (int z = 0; z < groups; z++) {
            double sum = 0;
            for (int i = 0; i < n; i++) {
                double denominator = 0;
                for (int zz = 0; zz < groups; zz++) if (seen[zz]) denominator += Math.exp(-e[i * groups + zz] - bhat[zz] + logp[zz]);
                sum += Math.exp(-e[i * groups + z]) / denominator;
            }
            assertEquals(Math.log(sum / n), b[z], 1e-5, "group " + z);
        }
    }

    @Test
    void groupsNumberAttributesInMixedRadixAndClassScoresMarginaliseTheRest() {
        try (Graph g = new Graph(1)) {
            CrmModel m = new CrmModel(g, 3, new int[] {2, 3, 2}, "linear", new int[0], new SplittableRandom(0));
            assertEquals(12, m.groups);
            for (int grp = 0; grp < 12; grp++) assertEquals(grp, m.group(new int[] {m.value(grp, 0), m.value(grp, 1), m.value(grp, 2)}));
            assertEquals(7, m.group(new int[] {1, 0, 1}));
            dev.tiller.train.Tensor x = g.constant(new float[] {0.5f, -1f, 2f}, 1, 3);
            float[] e = m.energy(x).toArray(), s = m.classScores(x).toArray();
            for (int y = 0; y < 2; y++) {
                double sum = 0;
                for (int grp = 0; grp < 12; grp++) if (m.value(grp, 0) == y) sum += Math.exp(-e[grp]);  // B-hat = 0, uniform prior
                assertEquals(Math.log(sum), s[y], 1e-5);
            }
        }
    }

    static RobustTraining.Options options(Method m, String bias) {
        return new RobustTraining.Options(m, "linear", new int[0], 2000, 1, 0.01, 0, 2000, "adam", 0.1, 1, 1, 0, 1000, 1, new float[] {4, 1, 2}, null)
                .with(new RobustTraining.Extras(0.9, true, null, bias, "uniform"));
    }

    @Test
    void crmBeatsErmOnTheGroupItNeverSaw() {
        GroupTable full = CrmGaussData.make(0);
        double star = 0, hat = 0;
        for (int grp = 0; grp < 4; grp++) {
            GroupTable t = full.withoutGroup(grp / 2, new int[] {grp % 2});
            Groups groups = Groups.attributes(t);
            RobustTraining.Result crm = RobustTraining.run(t, groups, groups, options(Method.CRM, "star"), null);
            RobustTraining.Result crmHat = RobustTraining.run(t, groups, groups, options(Method.CRM, "hat"), null);
            RobustTraining.Result erm = RobustTraining.run(t, groups, groups, options(Method.ERM, "star"), null);
            assertEquals(1, crm.unseenGroups().size());
            assertEquals(new Groups.Key(grp / 2, new int[] {grp % 2}), crm.unseenGroups().get(0));
            System.out.printf("crm-gauss without (%d,%d): unseen-group accuracy CRM %.3f, CRM with B-hat %.3f, ERM %.3f%n", grp / 2, grp % 2, crm.testUnseenAcc(),
                    crmHat.testUnseenAcc(), erm.testUnseenAcc());
            assertTrue(crm.testUnseenAcc() >= erm.testUnseenAcc() + 0.15, "CRM " + crm.testUnseenAcc() + " vs ERM " + erm.testUnseenAcc());
            star += crm.testUnseenAcc() / 4;
            hat += crmHat.testUnseenAcc() / 4;
        }
        assertTrue(star > hat, "B* " + star + " vs B-hat " + hat);
    }

    @Test
    void theGroupComplexityDataFollowsTheReference() {
        GroupTable t = CrmGaussData.groupComplexity(1, 3, 4, 1.0);
        assertEquals(3 * 64 * 100, t.rows());
        assertEquals(201, t.dim());
        assertEquals(java.util.List.of("a", "a1"), t.attributeNames());
        assertEquals(4, t.classes());
        Groups g = Groups.attributes(t);
        assertEquals(64, g.count());
        int[] perGroup = new int[g.count()];
        for (int r : t.rowsOf(GroupTable.Split.TEST)) perGroup[g.of(r)]++;
        for (int n : perGroup) assertEquals(100, n);
        for (int r = 0; r < t.rows(); r += 997) {
            assertEquals(1f, t.feature(r, 0));
            for (int j = 1; j <= 100; j++) assertEquals(t.feature(r, j) * t.feature(r, j), t.feature(r, 100 + j), 1e-4f * (1 + t.feature(r, 100 + j)));
        }
        // the scenarios remove nested random shares of the groups from train and val
        java.util.List<CrmScenarios.Run> runs = CrmScenarios.runFractions(CrmGaussData.groupComplexity(1, 2, 3, 3.0), java.util.List.of("erm"), 1, new double[] {0.2, 0.5},
                new RobustTraining.Options(Method.ERM, "linear", new int[0], 20, 1, 0.01, 0, 256, "adam", 0.1, 1, 1, 0, 20, 1, new float[] {4, 1, 2}, null), null, null);
        assertEquals(2, runs.size());
        assertEquals(1, runs.get(0).droppedGroups());  // int(0.2 * 9)
        assertEquals(4, runs.get(1).droppedGroups());
        assertEquals(1, runs.get(0).result().unseenGroups().size());
        assertEquals(4, runs.get(1).result().unseenGroups().size());
        assertTrue(runs.get(1).result().unseenGroups().containsAll(runs.get(0).result().unseenGroups()), "nested");
        assertTrue(CrmScenarios.csv(runs).startsWith("dropped_fraction,dropped_groups,method,seed,"));
    }

    @Test
    void theEnergyHeadsSitOnAnyTrunk() {
        // 8 x 8 single-channel "images": the class brightens the left half, the attribute the top half
        SplittableRandom rnd = new SplittableRandom(4);
        int n = 600, d = 64;
        GroupTable.Split[] split = new GroupTable.Split[n];
        int[] y = new int[n], a = new int[n];
        float[] x = new float[n * d];
        for (int i = 0; i < n; i++) {
            split[i] = i < 400 ? GroupTable.Split.TRAIN : i < 500 ? GroupTable.Split.VAL : GroupTable.Split.TEST;
            y[i] = rnd.nextInt(2);
            a[i] = rnd.nextInt(2);
            for (int p = 0; p < d; p++) x[i * d + p] = (float) ((p % 8 < 4 ? y[i] : 0) + (p / 8 < 4 ? a[i] : 0) + 0.5 * rnd.nextGaussian());
        }
        java.util.List<String> names = new java.util.ArrayList<>();
        for (int p = 0; p < d; p++) names.add("p" + p);
        GroupTable t = new GroupTable("images", names, java.util.List.of("a"), split, y, a, x).withoutGroup(1, new int[] {1});
        for (String trunk : new String[] {"linear", "mlp", "cnn"}) {
            RobustTraining.Options o = new RobustTraining.Options(Method.CRM, trunk, new int[] {16}, 200, 1, 0.01, 0, 64, "adam", 0.1, 1, 1, 0, 100, 1,
                    new float[] {4, 1, 2}, null);
            RobustTraining.Result r = RobustTraining.run(t, Groups.attributes(t), Groups.attributes(t), o, null);
            assertEquals(1, r.unseenGroups().size(), trunk);
            assertTrue(r.testAvg() > 0.6, trunk + ": " + r.testAvg());
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> RobustTraining.run(t, Groups.attributes(t), Groups.attributes(t),
                new RobustTraining.Options(Method.CRM, "toy", new int[0], 5, 1, 0.01, 0, 64, "adam", 0.1, 1, 1, 0, 5, 1, new float[] {4, 1, 2}, null), null));
        assertTrue(e.getMessage().contains("not an additive energy model's trunk"), e.getMessage());
    }
}
