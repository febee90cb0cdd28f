package dev.tiller.cli;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** tiller robust train / export in their documented forms, on tables the test writes. */
class RobustCliTest {
    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    /** Two classes with a spurious attribute a (90% agreement in train, 50% elsewhere). */
    Path table() throws IOException {
        SplittableRandom rnd = new SplittableRandom(5);
        StringBuilder s = new StringBuilder("split,y,a,core,spurious\n");
        for (int i = 0; i < 600; i++) {
            String split = i < 400 ? "train" : i < 500 ? "val" : "test";
            int y = rnd.nextInt(2), a = rnd.nextDouble() < (i < 400 ? 0.9 : 0.5) ? y : 1 - y;
            s.append(split).append(',').append(y).append(',').append(a).append(',').append((2 * y - 1) * 0.5 + rnd.nextGaussian()).append(',')
                    .append((2 * a - 1) * 2 + 0.3 * rnd.nextGaussian()).append('\n');
        }
        Path p = dir.resolve("t.csv");
        Files.writeString(p, s);
        return p;
    }

    @Test
    void trainPrintsTheDocumentedJsonAndWritesPredictionsAndCurves() throws IOException {
        Path t = table(), pred = dir.resolve("p.csv"), out = dir.resolve("run");
        Tiller.Result r = Tiller.run("robust", "train", "--data", t.toString(), "--method", "groupdro", "--epochs", "5", "--lr", "0.05", "--batch", "32",
                "--predictions", pred.toString(), "--out", out.toString(), "--json", "-t", "1");
        assertEquals(0, r.status(), r.err());
        String[] lines = r.out().strip().split("\n");
        JsonNode j = JSON.readTree(lines[lines.length - 1]);
        for (String k : List.of("method", "val_wga", "val_avg_acc", "test_wga", "test_avg_acc", "test_groups", "selected_step", "seconds")) {
            assertTrue(j.has(k), k + " missing: " + lines[lines.length - 1]);
        }
        assertEquals("groupdro", j.get("method").asText());
        assertEquals(4, j.get("test_groups").size());
        JsonNode g = j.get("test_groups").get(0);
        assertTrue(g.has("y") && g.get("attributes").isArray() && g.has("n") && g.has("acc"), g.toString());
        List<String> p = Files.readAllLines(pred);
        assertEquals("row,split,pred", p.get(0));
        assertEquals(201, p.size(), "every val and test row");
        assertEquals("400,val," + p.get(1).split(",")[2], p.get(1));
        assertTrue(Files.readString(out.resolve("curves.csv")).startsWith("step,train_loss,val_avg,val_wga,test_avg,test_wga,val_y0_a0"));
        assertTrue(Files.size(out.resolve("curves.png")) > 1000);
        assertEquals(j.get("test_wga"), JSON.readTree(out.resolve("result.json").toFile()).get("test_wga"));
    }

    @Test
    void xrmWritesEnvironmentsThatTrainUses() throws IOException {
        Path table = dir.resolve("cm.csv.gz"), envs = dir.resolve("ENVS.csv");
        dev.tiller.train.robust.ColorMnist.make(Path.of("../train/src/test/resources/mnist-subset"), "train2k", "t1k", 0, "cm").write(table);
        Tiller.Result r = Tiller.run("robust", "xrm", "--data", table.toString(), "--out", envs.toString(), "--trials", "2", "--steps", "300", "--json", "-t", "1");
        assertEquals(0, r.status(), r.err());
        JsonNode j = JSON.readTree(last(r));
        for (String k : List.of("flip_rate", "hparams", "degenerate", "env_sizes")) assertTrue(j.has(k), k + " missing: " + last(r));
        assertEquals(2, j.get("trials").size());
        assertEquals(j.get("flip_rate").asDouble(), Math.max(j.get("trials").get(0).get("flip_rate").asDouble(), j.get("trials").get(1).get("flip_rate").asDouble()));
        List<String> lines = Files.readAllLines(envs);
        assertEquals("row,split,env,ho_0,ho_1", lines.get(0));
        assertEquals(1 + 2000, lines.size(), "every train and val row");
        Tiller.Result train = Tiller.run("robust", "train", "--data", table.toString(), "--method", "groupdro", "--groups", envs.toString(), "--model", "mlp",
                "--hidden", "32", "--steps", "50", "--json", "-t", "1");
        assertEquals(0, train.status(), train.err());
        assertTrue(JSON.readTree(last(train)).get("groups").asText().startsWith("(y, env) from "), last(train));
    }

    @Test
    void correlateTrainsOnEveryTrialsEnvironmentsAndRanksFlipRates() throws IOException {
        Path table = dir.resolve("cm.csv.gz"), envs = dir.resolve("ENVS.csv"), trials = dir.resolve("trials"), out = dir.resolve("corr.csv");
        dev.tiller.train.robust.ColorMnist.make(Path.of("../train/src/test/resources/mnist-subset"), "train2k", "t1k", 0, "cm").write(table);
        Tiller.Result x = Tiller.run("robust", "xrm", "--data", table.toString(), "--out", envs.toString(), "--trials", "4", "--steps", "150", "--json",
                "--trial-envs", trials.toString(), "-t", "1");
        JsonNode xj = JSON.readTree(last(x));
        List<String> index = Files.readAllLines(trials.resolve("trials.csv"));
        assertEquals("trial,lr,batch,weight_decay,seed,flip_rate,degenerate,envs", index.get(0));
        assertEquals(1 + 4, index.size());
        int best = 0;
        for (int k = 0; k < 4; k++) {
            String[] f = index.get(k + 1).split(",");
            assertEquals(String.valueOf(k + 1), f[0]);
            assertEquals(xj.get("trials").get(k).get("flip_rate").asDouble(), Double.parseDouble(f[5]), 0.0, index.get(k + 1));
            if (Double.parseDouble(f[5]) > xj.get("trials").get(best).get("flip_rate").asDouble()) best = k;
        }
        assertEquals(Files.readString(envs), Files.readString(trials.resolve("trial-" + (best + 1) + ".csv")), "ENVS.csv is the selected trial's");

        String[] run = {"--method", "groupdro", "--model", "mlp", "--hidden", "16", "--steps", "40", "--eval-every", "20", "-t", "1"};
        Tiller.Result c = Tiller.run(concat(new String[] {"robust", "correlate", "--data", table.toString(), "--trials", trials.toString(), "--out",
                out.toString(), "--json"}, run));
        JsonNode j = JSON.readTree(last(c));
        assertEquals(4, j.get("trials").size());
        List<double[]> used = new java.util.ArrayList<>();
        for (JsonNode t : j.get("trials")) {
            if (!t.get("degenerate").asBoolean()) used.add(new double[] {t.get("flip_rate").asDouble(), t.get("test_wga").asDouble(), t.get("val_wga").asDouble()});
        }
        assertEquals(used.size(), j.get("trials_used").asInt());
        assertTrue(used.size() >= 3, "these seeds give non-degenerate trials: " + j);
        assertEquals(spearman(used, 1), j.get("spearman_test_wga").asDouble(), 1e-9);
        assertEquals(spearman(used, 2), j.get("spearman_val_wga").asDouble(), 1e-9);
        // Each trial's numbers are those of robust train on that trial's environments.
        JsonNode second = JSON.readTree(last(Tiller.run(concat(new String[] {"robust", "train", "--data", table.toString(), "--groups",
                trials.resolve("trial-2.csv").toString(), "--json"}, run))));
        assertEquals(second.get("test_wga").asDouble(), j.get("trials").get(1).get("test_wga").asDouble(), 0.0);
        assertEquals(1 + 4, Files.readAllLines(out).size());

        Files.writeString(trials.resolve("trials.csv"), index.get(0) + "\n1,0.001,8,0.0001,0,1.5,false,trial-1.csv\n");
        Tiller.Result bad = Tiller.run(concat(new String[] {"robust", "correlate", "--data", table.toString(), "--trials", trials.toString()}, run));
        assertEquals(1, bad.status());
        assertTrue(bad.err().contains(trials.resolve("trials.csv") + ": line 2: column flip_rate: 1.5 is not in [0, 1]"), bad.err());
        Files.writeString(trials.resolve("trials.csv"), index.get(0) + "\n1,0.001,8,0.0001,0,0.1,false,trial-9.csv\n");
        bad = Tiller.run(concat(new String[] {"robust", "correlate", "--data", table.toString(), "--trials", trials.toString()}, run));
        assertEquals(1, bad.status());
        assertTrue(bad.err().contains("line 2: column envs: " + trials.resolve("trial-9.csv") + " is not a file"), bad.err());
    }

    /** Spearman's rho of column 0 against column c: Pearson's r of the ranks, ties at their mean rank. */
    static double spearman(List<double[]> rows, int c) {
        double[] rx = ranks(rows, 0), ry = ranks(rows, c);
        double mx = java.util.Arrays.stream(rx).average().orElseThrow(), my = java.util.Arrays.stream(ry).average().orElseThrow(), sxy = 0, sxx = 0, syy = 0;
        for (int i = 0; i < rx.length; i++) {
            sxy += (rx[i] - mx) * (ry[i] - my);
            sxx += (rx[i] - mx) * (rx[i] - mx);
            syy += (ry[i] - my) * (ry[i] - my);
        }
        return sxy / Math.sqrt(sxx * syy);
    }

    static double[] ranks(List<double[]> rows, int c) {
        double[] r = new double[rows.size()];
        for (int i = 0; i < r.length; i++) {
            int below = 0, equal = 0;
            for (double[] o : rows) {
                if (o[c] < rows.get(i)[c]) below++;
                else if (o[c] == rows.get(i)[c]) equal++;
            }
            r[i] = below + (equal + 1) / 2.0;
        }
        return r;
    }

    @Test
    void matTrainsOnHeldOutLogitsAndRefusesEnvironmentsWithoutThem() throws IOException {
        Path t = table(), envs = dir.resolve("ENVS.csv"), out = dir.resolve("mat");
        assertEquals(0, Tiller.run("robust", "xrm", "--data", t.toString(), "--out", envs.toString(), "--trials", "1", "--steps", "200", "--model", "torch-linear",
                "--optimizer", "sgd", "--loss", "plain", "--lr", "0.05", "--batch", "400", "-t", "1").status());
        String[] run = {"--method", "mat", "--model", "torch-linear", "--optimizer", "sgd", "--momentum", "0", "--lr", "0.05", "--batch", "400", "--steps", "100",
            "--eval-every", "50", "-t", "1"};
        JsonNode j = JSON.readTree(last(Tiller.run(concat(new String[] {"robust", "train", "--data", t.toString(), "--groups", envs.toString(), "--tau", "0.1",
                "--mat-estimate", "batch", "--json"}, run))));
        assertEquals("mat", j.get("method").asText());
        assertTrue(j.get("groups").asText().startsWith("(y, env) from "), j.toString());
        assertEquals(4, j.get("train_groups").size(), j.toString());
        assertTrue(j.get("train_avg_acc").asDouble() > 0.5, j.toString());
        // without an environments file MAT runs XRM itself and selects with its environments
        JsonNode own = JSON.readTree(last(Tiller.run(concat(new String[] {"robust", "train", "--data", t.toString(), "--xrm-trials", "1", "--xrm-steps", "50",
                "--json"}, run))));
        assertTrue(own.get("groups").asText().startsWith("(y, env) from XRM's environments (flip rate "), own.toString());

        // a sweep of MAT draws tau from the reference's choices
        Path sweep = dir.resolve("mat-sweep");
        assertEquals(0, Tiller.run("robust", "sweep", "--data", t.toString(), "--groups", envs.toString(), "--methods", "mat", "--space", "xrm", "--trials", "3",
                "--seeds", "1", "--steps", "20", "--model", "torch-linear", "--out", sweep.toString(), "-t", "1").status());
        for (String row : Files.readAllLines(sweep.resolve("results.csv")).subList(1, 4)) assertTrue(List.of("0.001", "0.01", "0.1").contains(row.split(",")[7]), row);
        Tiller.Result noEnvs = Tiller.run("robust", "sweep", "--data", t.toString(), "--methods", "mat", "--trials", "1", "--seeds", "1", "--out", sweep.toString());
        assertTrue(noEnvs.status() == 1 && noEnvs.err().contains("--methods mat needs --groups ENVS.csv"), noEnvs.err());

        List<String> lines = Files.readAllLines(envs);
        assertEquals("row,split,env,ho_0,ho_1", lines.get(0));
        String[][] bad = {
            {"no ho", "row,split,env", "no held-out logits (columns ho_0..ho_1)"},
            {"one ho", "row,split,env,ho_0", "1 held-out logit columns ho_*, but " + t + " has 2 classes"},
            {"empty", null, "column ho_1: '' is not a number (train rows need their held-out logits)"},
        };
        for (String[] c : bad) {
            StringBuilder s = new StringBuilder();
            for (int i = 0; i < lines.size(); i++) {
                String[] f = lines.get(i).split(",", -1);
                if (c[1] != null) s.append(String.join(",", java.util.Arrays.copyOf(f, c[1].split(",").length)));
                else s.append(i == 1 ? String.join(",", f[0], f[1], f[2], f[3], "") : lines.get(i));
                s.append('\n');
            }
            Path e = dir.resolve("bad-envs.csv");
            Files.writeString(e, c[1] != null ? s.toString().replaceFirst("^[^\n]*", c[1]) : s.toString());
            Tiller.Result r = Tiller.run(concat(new String[] {"robust", "train", "--data", t.toString(), "--groups", e.toString(), "--out", out.toString()}, run));
            assertEquals(1, r.status(), c[0] + ": " + r.err());
            assertTrue(r.err().contains(e.toString()) && r.err().contains(c[2]), c[0] + ": " + r.err());
            assertEquals(1, r.err().strip().split("\n").length, "one line: " + r.err());
            assertFalse(Files.exists(out), "nothing under --out");
        }
        // an ENVS.csv of another data file: a row this table does not have
        Path other = dir.resolve("other-envs.csv");
        Files.writeString(other, String.join("\n", lines) + "\n9999,train,0,0.5,-0.5\n");
        Tiller.Result r = Tiller.run(concat(new String[] {"robust", "train", "--data", t.toString(), "--groups", other.toString(), "--out", out.toString()}, run));
        assertEquals(1, r.status(), r.err());
        assertTrue(r.err().contains(other + ": line " + (lines.size() + 1) + ", column row: 9999 is not a row of " + t), r.err());
        assertFalse(Files.exists(out), "nothing under --out");
    }

    @Test
    void crmPredictsAGroupThatTrainingNeverSawAndReportsIt() throws IOException {
        Path full = dir.resolve("cg.csv"), dropped = dir.resolve("cg-drop.csv");
        assertEquals(0, Tiller.run("robust", "export", "--dataset", "crm-gauss", "--out", full.toString()).status());
        List<String> lines = Files.readAllLines(full);
        List<String> head = List.of(lines.get(0).split(","));
        int s = head.indexOf("split"), y = head.indexOf("y"), a = head.indexOf("a");
        StringBuilder kept = new StringBuilder(lines.get(0)).append('\n');
        for (String l : lines.subList(1, lines.size())) {
            String[] f = l.split(",");
            if (f[s].equals("test") || !(f[y].equals("0") && f[a].equals("1"))) kept.append(l).append('\n');
        }
        Files.writeString(dropped, kept);
        String[] run = {"robust", "train", "--data", dropped.toString(), "--model", "linear", "--optimizer", "adam", "--lr", "0.01", "--wd", "0", "--batch", "2000",
            "--steps", "300", "--eval-every", "300", "--json", "-t", "1"};
        JsonNode crm = JSON.readTree(last(Tiller.run(concat(run, new String[] {"--method", "crm"}))));
        JsonNode hat = JSON.readTree(last(Tiller.run(concat(run, new String[] {"--method", "crm", "--crm-bias", "hat", "--crm-prior", "train"}))));
        JsonNode erm = JSON.readTree(last(Tiller.run(concat(run, new String[] {"--method", "erm"}))));
        for (JsonNode j : List.of(crm, hat, erm)) {
            assertEquals("[{\"y\":0,\"attributes\":[1]}]", j.get("unseen_groups").toString(), j.toString());
            double unseen = j.get("test_unseen_acc").asDouble();
            JsonNode g = j.get("test_groups").get(1);  // y=0 a=[1]
            assertEquals(g.get("acc").asDouble(), unseen, 1e-12, "the unseen group's accuracy: " + j);
        }
        assertTrue(crm.get("test_unseen_acc").asDouble() > erm.get("test_unseen_acc").asDouble(), crm + " vs " + erm);
        assertNotEquals(crm.get("test_unseen_acc").asDouble(), hat.get("test_unseen_acc").asDouble());
        Tiller.Result none = Tiller.run("robust", "train", "--data", writeNoAttributes().toString(), "--method", "crm", "--steps", "5");
        assertEquals(1, none.status());
        assertTrue(none.err().contains("has no attribute columns"), none.err());
    }

    @Test
    void crmScenariosDropEachGroupInTurn() throws IOException {
        Path out = dir.resolve("scen");
        Tiller.Result r = Tiller.run("robust", "crm-scenarios", "--data", "crm-gauss", "--out", out.toString(), "--methods", "crm,crm-bhat-train,erm", "--seeds", "1",
                "--model", "linear", "--optimizer", "adam", "--lr", "0.01", "--wd", "0", "--batch", "2000", "--steps", "100", "--eval-every", "100", "-t", "1");
        assertEquals(0, r.status(), r.err());
        List<String> rows = Files.readAllLines(out.resolve("results.csv"));
        assertEquals("dropped_y,dropped_attributes,method,seed,test_avg_acc,test_balanced_acc,test_wga,test_unseen_acc,val_wga,selected_step,seconds", rows.get(0));
        assertEquals(1 + 4 * 3, rows.size());
        assertTrue(rows.get(1).startsWith("0,0,crm,0,"), rows.get(1));
        String md = Files.readString(out.resolve("summary.md"));
        assertEquals(md, r.out());
        for (String m : List.of("| crm |", "| crm-bhat-train |", "| erm |", "| y=1 a=[1] |")) assertTrue(md.contains(m), m + " in " + md);
        Tiller.Result bad = Tiller.run("robust", "crm-scenarios", "--data", "crm-gauss", "--out", dir.resolve("bad").toString(), "--methods", "crm,mat");
        assertEquals(1, bad.status());
        assertTrue(bad.err().contains("crm-scenarios: mat is not one of its methods"), bad.err());
        assertFalse(Files.exists(dir.resolve("bad")), "nothing under --out");
    }

    Path writeNoAttributes() throws IOException {
        Path p = dir.resolve("plain.csv");
        Files.writeString(p, "split,y,x\ntrain,0,0.1\ntrain,1,0.9\nval,0,0.2\nval,1,0.8\ntest,0,0\ntest,1,1\n");
        return p;
    }

    @Test
    void sweepWritesResultsAndASummary() throws IOException {
        Path out = dir.resolve("sweep");
        Tiller.Result r = Tiller.run("robust", "sweep", "--data", table().toString(), "--methods", "erm,subg", "--trials", "2", "--seeds", "2",
                "--epochs", "2", "--lrs", "0.05", "--wds", "0", "--batches", "32", "--out", out.toString(), "-t", "1");
        assertEquals(0, r.status(), r.err());
        List<String> rows = Files.readAllLines(out.resolve("results.csv"));
        assertEquals(1 + 2 * 2 * 2, rows.size());
        assertTrue(rows.get(1).startsWith("erm,0,0,0.05,0.0,32,"), rows.get(1));
        String md = Files.readString(out.resolve("summary.md"));
        assertTrue(md.contains("| erm | ") && md.contains("| subg | "), md);
        assertEquals(md, r.out());

        Path xrm = dir.resolve("sweep-xrm");
        Tiller.Result x = Tiller.run("robust", "sweep", "--data", table().toString(), "--methods", "groupdro", "--trials", "3", "--seeds", "1", "--space", "xrm",
                "--steps", "20", "--eval-every", "10", "--out", xrm.toString(), "-t", "1");
        assertEquals(0, x.status(), x.err());
        List<String> xr = Files.readAllLines(xrm.resolve("results.csv"));
        assertEquals(1 + 3, xr.size());
        java.util.Set<String> etas = new java.util.HashSet<>();
        for (String row : xr.subList(1, xr.size())) {
            String[] f = row.split(",");
            assertTrue(Double.parseDouble(f[3]) >= 1e-5 && Double.parseDouble(f[3]) <= 1e-3, row);
            etas.add(f[6]);
            assertTrue(List.of("0", "10", "20").contains(f[14]), "evaluated every 10 steps: " + row);
        }
        assertEquals(3, etas.size(), "eta is drawn: " + xr);
        Tiller.Result mixed = Tiller.run("robust", "sweep", "--data", table().toString(), "--methods", "erm", "--trials", "1", "--seeds", "1", "--space", "xrm",
                "--lrs", "0.1", "--out", dir.resolve("mixed").toString());
        assertEquals(1, mixed.status());
        assertTrue(mixed.err().contains("--lrs, --wds, --batches and --jtt-* are for --space balancing"), mixed.err());
    }

    @Test
    void aBuiltInDataSetExportsToATableThatTrainsTheSame() throws IOException {
        Path f = dir.resolve("toy.csv.gz");
        Tiller.Result e = Tiller.run("robust", "export", "--dataset", "toy", "--out", f.toString());
        assertEquals(0, e.status(), e.err());
        String[] args = {"--method", "subg", "--model", "toy", "--lr", "1e-5", "--wd", "0.1", "--batch", "250", "--epochs", "20", "--json", "-t", "1"};
        JsonNode byName = JSON.readTree(last(Tiller.run(concat(new String[] {"robust", "train", "--data", "toy"}, args))));
        JsonNode byFile = JSON.readTree(last(Tiller.run(concat(new String[] {"robust", "train", "--data", f.toString()}, args))));
        assertEquals(byName.get("test_groups"), byFile.get("test_groups"));
        assertEquals(byName.get("selected_step"), byFile.get("selected_step"));
    }

    @Test
    void badInputIsOneLineWithStatus1AndLeavesNothingUnderOut() throws IOException {
        Path out = dir.resolve("out");
        String[][] cases = {
            {"split,y,x\ntrain,0,1\ntrain,1,abc\nval,0,1\nval,1,2\n", "row 1, column x: 'abc' is not a number"},
            {"split,y,x\ntrain,0,1\nval,0,2\ntrain,1,NaN\n", "row 2, column x: 'NaN' is not a finite number"},
            {"split,y,a,x\ntrain,0,0,1\ntrain,0,1,2\nval,0,0,1\n", "the val split has no row of group y=0 a=[1]"},
            {"split,y,x\ntrain,-1,1\nval,0,1\n", "row 0, column y: class -1 is negative"},
        };
        for (String[] c : cases) {
            Path t = dir.resolve("bad.csv");
            Files.writeString(t, c[0]);
            Tiller.Result r = Tiller.run("robust", "train", "--data", t.toString(), "--method", "erm", "--out", out.toString(), "--epochs", "1");
            assertEquals(1, r.status(), r.err());
            assertTrue(r.err().contains(t.toString()) && r.err().contains(c[1]), r.err());
            assertEquals(1, r.err().strip().split("\n").length, "one line: " + r.err());
            assertFalse(Files.exists(out), "nothing under --out");
        }
        Tiller.Result envs = Tiller.run("robust", "train", "--data", table().toString(), "--method", "erm", "--groups", dir.resolve("nope.csv").toString());
        assertEquals(1, envs.status());
        assertTrue(envs.err().contains("neither attribute, classes nor an environments file"), envs.err());
        Tiller.Result sampling = Tiller.run("robust", "train", "--data", table().toString(), "--method", "groupdro", "--sampling", "balanced");
        assertEquals(1, sampling.status());
        assertTrue(sampling.err().contains("--sampling balanced: not one of uniform, subsample-classes"), sampling.err());
        Tiller.Result fashion = Tiller.run("robust", "export", "--dataset", "cfmnist", "--data", dir.toString(), "--out", dir.resolve("cf.csv").toString());
        assertEquals(1, fashion.status());
        assertTrue(fashion.err().contains("cfmnist: " + dir.resolve("train-images-idx3-ubyte.gz") + " is missing"), fashion.err());
        assertFalse(FashionMnistFiles.complete(dir));
        Tiller.Result noise = Tiller.run("robust", "train", "--data", "toy", "--method", "erm", "--noise", "0.1");
        assertEquals(1, noise.status());
        assertTrue(noise.err().contains("--noise is mat-toy's, not toy's"), noise.err());
        Tiller.Result unknown = Tiller.run("robust", "train", "--data", "cmnst", "--method", "erm");
        assertEquals(1, unknown.status());
        assertTrue(unknown.err().contains("no file and no built-in data set named 'cmnst'"), unknown.err());
    }

    static String last(Tiller.Result r) {
        assertEquals(0, r.status(), r.err());
        String[] lines = r.out().strip().split("\n");
        return lines[lines.length - 1];
    }

    static String[] concat(String[] a, String[] b) {
        String[] c = new String[a.length + b.length];
        System.arraycopy(a, 0, c, 0, a.length);
        System.arraycopy(b, 0, c, a.length, b.length);
        return c;
    }
}
