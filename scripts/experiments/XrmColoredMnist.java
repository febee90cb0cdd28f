// XRM + GroupDRO on Colored MNIST ("Discovering environments with XRM", Pezeshki et al. 2024):
// twin networks discover training environments without group labels (label flipping, then
// cross-mistakes); GroupDRO trained on them is then compared with GroupDRO on classes only, on
// the human (colour) environments, and with ERM. Test worst-group accuracy over seeds; the paper's
// ColorMNIST reports 10.0 (ERM), 10.1 (human environments) and 69.7 (XRM environments).
// docs/robustness.md has the full study (Colored Fashion-MNIST, phase 2 searched as XRM's).
//
//   scripts/run scripts/experiments/XrmColoredMnist.java [--quick] [--seeds K] [--out DIR]
//
// Writes DIR/wga.png (default experiments-out/XrmColoredMnist). --quick runs one short XRM draw
// and one epoch of each method on the repository's 2k/1k MNIST subset.

import dev.tiller.train.robust.ColorMnist;
import dev.tiller.train.robust.GroupTable;
import dev.tiller.train.robust.Groups;
import dev.tiller.train.robust.Method;
import dev.tiller.train.robust.RobustTraining;
import dev.tiller.train.robust.Xrm;

import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChartBuilder;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

class XrmColoredMnist {
    public static void main(String[] args) throws Exception {
        List<String> a = List.of(args);
        boolean quick = a.contains("--quick");
        int seeds = a.contains("--seeds") ? Integer.parseInt(a.get(a.indexOf("--seeds") + 1)) : quick ? 1 : 3;
        Path out = Path.of(a.contains("--out") ? a.get(a.indexOf("--out") + 1) : "experiments-out/XrmColoredMnist");
        Path root = Path.of(System.getProperty("tiller.root", "."));
        Path mnist = root.resolve(quick ? "java/train/src/test/resources/mnist-subset" : "../shared/data/mnist");
        GroupTable table = ColorMnist.make(mnist, quick ? "train2k" : "train10k", quick ? "t1k" : "t10k", 0, "cmnist");

        // Phase 1: XRM. Random draws from XRM's ColorMNIST ranges; the largest final flip rate wins.
        Xrm.Result xrm = Xrm.search(table, quick ? 1 : 10, Xrm.colorMnist(quick ? 200 : 1001, 0, 0), System.err, null);
        Groups envs = Groups.environments(table, xrm.env(), "XRM");
        System.err.printf("XRM: flip rate %.3f; environment sizes per class %s%n", xrm.flipRate(), java.util.Arrays.deepToString(xrm.envSizes()));

        // Phase 2: the same network and budget for every group source (Adam, lr 1e-3, wd 1e-4,
        // batch 64; GroupDRO samples uniformly with eta 0.01 as XRM's), selection by validation
        // worst-group accuracy under the groups in use; reported over (label, colour) groups.
        Groups human = Groups.attributes(table);
        Map<String, Groups> sources = new LinkedHashMap<>();
        sources.put("GroupDRO, classes only", Groups.classes(table));
        sources.put("GroupDRO, human environments", human);
        sources.put("GroupDRO, XRM environments", envs);
        sources.put("ERM", Groups.classes(table));
        RobustTraining.Options base = RobustTraining.Options.defaults(Method.GROUPDRO).withModel("mlp", 390, 390).withOptimizer("adam", 1e-3, 1e-4)
                .withEta(0.01).withSampling(Method.Sampling.UNIFORM).withEpochs(quick ? 1 : 8);
        RobustTraining.Options erm = RobustTraining.Options.defaults(Method.ERM).withModel("mlp", 390, 390).withOptimizer("adam", 1e-3, 1e-4)
                .withEpochs(quick ? 1 : 8);

        System.out.println("| groups for training and selection | test worst-group accuracy | test average | paper ColorMNIST |");
        System.out.println("|---|---|---|---|");
        Map<String, Double> means = new LinkedHashMap<>();
        Map<String, String> paper = Map.of("ERM", "10.0", "GroupDRO, human environments", "10.1", "GroupDRO, XRM environments", "69.7");
        for (var source : sources.entrySet()) {
            double[] wga = new double[seeds], avg = new double[seeds];
            for (int s = 0; s < seeds; s++) {
                var options = (source.getKey().equals("ERM") ? erm : base).withSeed(s);
                var r = RobustTraining.run(table, source.getValue(), human, options, null);
                wga[s] = r.testWga();
                avg[s] = r.testAvg();
            }
            means.put(source.getKey(), mean(wga));
            System.out.printf("| %s | %s | %s | %s |%n", source.getKey(), meanStd(wga), meanStd(avg), paper.getOrDefault(source.getKey(), "-"));
        }

        var chart = new CategoryChartBuilder().width(800).height(450).title("Colored MNIST: GroupDRO by the groups it trains on, and ERM")
                .yAxisTitle("test worst-group accuracy").build();
        chart.getStyler().setLegendVisible(false);
        chart.addSeries("mean over seeds", means.keySet().stream().map(k -> k.replace("GroupDRO, ", "")).toList(), List.copyOf(means.values()));
        Files.createDirectories(out);
        BitmapEncoder.saveBitmap(chart, out.resolve("wga.png").toString(), BitmapEncoder.BitmapFormat.PNG);
        System.err.println("wrote " + out.resolve("wga.png"));
    }

    static double mean(double[] v) {
        double m = 0;
        for (double x : v) m += x / v.length;
        return m;
    }

    static String meanStd(double[] v) {
        double m = mean(v), var = 0;
        for (double x : v) var += (x - m) * (x - m) / Math.max(1, v.length - 1);
        return String.format("%.3f +- %.3f", m, Math.sqrt(var));
    }
}
