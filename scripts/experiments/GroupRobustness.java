// Group robustness in a few lines: ERM against the group-aware methods on UCI Adult with groups
// sex x income (women earning > 50K are 1,179 of the 32,561 training rows), each with tiller robust
// train's defaults (a linear model, 10 epochs of SGD), worst-group test accuracy over seeds.
// docs/robustness.md has the full study (hyper-parameters chosen by validation, 8 x 5 runs).
//
//   scripts/run scripts/experiments/GroupRobustness.java [--quick]
//
// --quick runs one seed of ERM and GroupDRO for 1 epoch on the repository's eighth of Adult.

import dev.tiller.train.robust.AdultData;
import dev.tiller.train.robust.Groups;
import dev.tiller.train.robust.Method;
import dev.tiller.train.robust.RobustTraining;

import java.nio.file.Path;
import java.util.List;

class GroupRobustness {
    public static void main(String[] args) {
        boolean quick = List.of(args).contains("--quick");
        List<Method> methods = quick ? List.of(Method.ERM, Method.GROUPDRO) : List.of(Method.ERM, Method.SUBG, Method.RWG, Method.GROUPDRO, Method.JTT);
        int seeds = quick ? 1 : 3;
        Path adult = Path.of(System.getProperty("tiller.root", ".")).resolve(quick ? "java/train/src/test/resources/adult-subset" : "../shared/data/adult");
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
        }
    }

    static String meanStd(double[] v) {
        double mean = 0, var = 0;
        for (double x : v) mean += x / v.length;
        for (double x : v) var += (x - mean) * (x - mean) / Math.max(1, v.length - 1);
        return String.format("%.3f +- %.3f", mean, Math.sqrt(var));
    }
}
