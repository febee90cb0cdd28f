// Group robustness in a few lines: ERM against the group-aware methods on UCI Adult with groups
// sex x income (women earning > 50K are 1,179 of the 32,561 training rows), each with tiller robust
// train's defaults (a linear model, 10 epochs of SGD), worst-group test accuracy over seeds.
// docs/robustness.md has the full study (hyper-parameters chosen by validation, 8 x 5 runs).
//
//   scripts/run scripts/experiments/GroupRobustness.java [--quick] [--out DIR]
//
// Writes DIR/wga.png (default experiments-out/GroupRobustness). --quick runs one seed of ERM and GroupDRO for 1 epoch on the repository's eighth of Adult.

import dev.tiller.train.robust.AdultData;
import dev.tiller.train.robust.Groups;
import dev.tiller.train.robust.Method;
import dev.tiller.train.robust.RobustTraining;

import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChartBuilder;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

class GroupRobustness {
    public static void main(String[] args) throws Exception {
        boolean quick = List.of(args).contains("--quick");
        List<Method> methods = quick ? List.of(Method.ERM, Method.GROUPDRO) : List.of(Method.ERM, Method.SUBG, Method.RWG, Method.GROUPDRO, Method.JTT);
        int seeds = quick ? 1 : 3;
        Path adult = Path.of(System.getProperty("tiller.root", ".")).resolve(quick ? "java/train/src/test/resources/adult-subset" : "../shared/data/adult");
        Path out = Path.of(List.of(args).contains("--out") ? args[List.of(args).indexOf("--out") + 1] : "experiments-out/GroupRobustness");
        var chart = new CategoryChartBuilder().width(700).height(450).title("UCI Adult, groups income x sex").yAxisTitle("test accuracy, mean over seeds").build();
        List<String> names = new ArrayList<>();
        List<Double> worst = new ArrayList<>(), average = new ArrayList<>();
        System.out.println("| method | worst-group test accuracy | average test accuracy |");
        System.out.println("|---|---|---|");
        for (Method m : methods) {
            double[] wga = new double[seeds], avg = new double[seeds];
            for (int s = 0; s < seeds; s++) {
                var table = AdultData.make(adult, s);
                var groups = Groups.attributes(table);  // (income, sex): for model selection and for the report
                var options = RobustTraining.Options.defaults(m).withSeed(s);
                var r = RobustTraining.run(table, groups, groups, quick ? options.withEpochs(1) : options, null);
                wga[s] = r.testWga();
                avg[s] = r.testAvg();
            }
            System.out.printf("| %s | %s | %s |%n", m.cliName(), meanStd(wga), meanStd(avg));
            names.add(m.cliName());
            worst.add(mean(wga));
            average.add(mean(avg));
        }
        chart.addSeries("worst group", names, worst);
        chart.addSeries("average", names, average);
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
