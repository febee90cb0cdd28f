package dev.tiller.cli;

import dev.tiller.train.robust.GroupTable;

import java.nio.file.Path;
import java.util.concurrent.Callable;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code tiller robust export --dataset NAME --out F.csv[.gz]}: a built-in data set as a group table. */
@Command(name = "export", mixinStandardHelpOptions = true, description = "Write a built-in data set as a group table (CSV, gzip when F ends in .gz).")
final class RobustExportCommand implements Callable<Integer> {
    @Option(names = "--dataset", required = true, paramLabel = "NAME", description = "built-in data set: " + RobustData.BUILT_IN)
    String dataset;

    @Option(names = "--out", required = true, paramLabel = "F.csv[.gz]")
    Path out;

    @Option(names = "--data", paramLabel = "DIR", description = "the source files of the data set (default: its folder of ../shared/data, or TILLER_DATA)")
    Path dataDir;

    @Option(names = "--seed", paramLabel = "S", description = "for generated data and random splits, default: ${DEFAULT-VALUE}")
    long seed = 0;

    @Mixin
    GeneratorOptions gen;

    @Override
    public Integer call() {
        GroupTable t = RobustData.builtIn(dataset, seed, dataDir, gen);
        t.write(out);
        System.err.printf("wrote %s: %d rows (train %d, val %d, test %d), %d features, %d classes%n", out, t.rows(),
                t.count(GroupTable.Split.TRAIN), t.count(GroupTable.Split.VAL),
                t.count(GroupTable.Split.TEST), t.dim(), t.classes());
        return 0;
    }
}
