package dev.tiller.train.robust;

import static org.junit.jupiter.api.Assertions.*;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The sweep protocol: every (method, trial, seed) runs, the trial with the best mean val WGA is selected, mean +- std over its seeds. */
class RobustSweepTest {
    @Test
    void selectsTheTrialWithTheBestMeanValidationWorstGroupAccuracy() {
        GroupTable t = RobustTrainingTest.spurious(4);
        RobustSweep.Space space = new RobustSweep.Choices(new double[] {1e-4, 0.05}, new double[] {0}, new int[] {32}, new int[] {1}, new int[] {5});
        RobustTraining.Options base = RobustTrainingTest.options(Method.ERM, "linear", 3, 0, 0, 1);
        List<RobustSweep.Run> runs = RobustSweep.run(t, Groups.attributes(t), Groups.attributes(t), List.of(Method.ERM, Method.RWG), 3, 2, space, base, null, null);
        assertEquals(2 * 3 * 2, runs.size());
        List<RobustSweep.Summary> s = RobustSweep.summarize(runs);
        assertEquals(List.of(Method.ERM, Method.RWG), s.stream().map(RobustSweep.Summary::method).toList());
        for (RobustSweep.Summary x : s) {
            List<RobustSweep.Run> trial = runs.stream().filter(r -> r.method() == x.method() && r.trial() == x.trial()).toList();
            assertEquals(2, trial.size());
            double mean = (trial.get(0).result().testWga() + trial.get(1).result().testWga()) / 2;
            assertEquals(mean, x.testWgaMean(), 1e-12);
            assertEquals(Math.abs(trial.get(0).result().testWga() - trial.get(1).result().testWga()) / Math.sqrt(2), x.testWgaStd(), 1e-12);
            for (int k = 0; k < 3; k++) {
                int kk = k;
                double other = runs.stream().filter(r -> r.method() == x.method() && r.trial() == kk).mapToDouble(r -> r.result().valWga()).average().orElseThrow();
                assertTrue(x.valWga() >= other, "trial " + x.trial() + " selected over " + k);
            }
        }
        String csv = RobustSweep.csv(runs);
        assertEquals(13, csv.split("\n").length);
        assertTrue(csv.startsWith("method,trial,seed,lr,wd,batch,eta,tau,jtt_epochs,jtt_up,val_wga,val_avg_acc,test_wga,test_avg_acc"));
        String md = RobustSweep.markdown(s, "generated", "(y, a)", 3);
        assertTrue(md.contains("| erm |") && md.contains("| rwg |") && md.contains("+-"), md);
    }

    @Test
    void xrmsSpaceDrawsLogUniformlyFromItsRanges() {
        RobustSweep.Space xrm = new RobustSweep.XrmColorMnist();
        java.util.SplittableRandom rnd = new java.util.SplittableRandom(1);
        double sumLogLr = 0, sumLogEta = 0;
        java.util.Set<Integer> batches = new java.util.TreeSet<>();
        int n = 2000;
        for (int i = 0; i < n; i++) {
            RobustSweep.Draw d = xrm.draw(rnd, 0.5, 0.7);
            assertTrue(d.lr() >= 1e-5 && d.lr() <= 1e-3, d.toString());
            assertTrue(d.wd() >= 1e-6 && d.wd() <= 1e-3, d.toString());
            assertTrue(d.eta() >= 1e-3 && d.eta() <= 1e-1, d.toString());
            assertTrue(d.batch() >= 8 && d.batch() <= 63, d.toString());
            assertTrue(d.tau() == 0.001 || d.tau() == 0.01 || d.tau() == 0.1, d.toString());
            batches.add(d.batch());
            sumLogLr += Math.log10(d.lr());
            sumLogEta += Math.log10(d.eta());
        }
        // uniform in the exponent: means -4 and -2, standard error 0.013
        assertEquals(-4, sumLogLr / n, 0.06);
        assertEquals(-2, sumLogEta / n, 0.06);
        assertEquals(8, batches.iterator().next());
        assertTrue(batches.size() > 40, batches.toString());
        // the choices keep the run's eta and tau
        RobustSweep.Draw kept = RobustSweep.Choices.balancingGroups().draw(rnd, 0.5, 0.7);
        assertEquals(0.5, kept.eta());
        assertEquals(0.7, kept.tau());
    }
}
