package dev.tiller.cli;

import dev.tiller.train.synth.ColouredGroups;
import dev.tiller.train.synth.ImageData;
import dev.tiller.train.synth.Splits;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * --data-dir of the synth commands and the data sets they know: fmnist (Debian's Fashion-MNIST),
 * mnist (../shared/data/mnist) and cfmnist-groups (fair-coloured Fashion-MNIST labelled by group,
 * {@link ColouredGroups}).
 */
final class SynthDataOptions {
    @Option(names = "--data-dir", paramLabel = "DIR", description = "folder of the data set's IDX files (default: Fashion-MNIST from Debian's package, MNIST from ../shared/data/mnist)")
    Path dataDir;

    Splits load(String dataset) {
        return switch (dataset) {
            case "fmnist" -> {
                Path dir = FashionMnistFiles.dir(dataDir);
                yield Splits.of("fmnist", ImageData.load(dir, "train"), ImageData.load(dir, "t10k"));
            }
            case "cfmnist-groups" -> ColouredGroups.fairSplits(load("fmnist"));
            case "mnist" -> {
                Path dir = DataDirs.resolve(dataDir, "mnist");
                yield Splits.of("mnist", ImageData.load(dir, "train10k"), ImageData.load(dir, "t10k"));
            }
            default -> throw new IllegalArgumentException("unknown data set '" + dataset + "' (fmnist, mnist or cfmnist-groups)");
        };
    }
}
