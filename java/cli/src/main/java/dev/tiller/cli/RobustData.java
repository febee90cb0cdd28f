package dev.tiller.cli;

import dev.tiller.train.robust.AdultData;
import dev.tiller.train.robust.ColorMnist;
import dev.tiller.train.robust.CrmGaussData;
import dev.tiller.train.robust.Environments;
import dev.tiller.train.robust.GroupTable;
import dev.tiller.train.robust.Groups;
import dev.tiller.train.robust.MatToyData;
import dev.tiller.train.robust.ToyData;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * --data FILE|NAME: a group table file, or a built-in data set by name: toy (BalancingGroups'
 * toy, generated from the seed), adult (UCI Adult from ../shared/data/adult; the seed picks the
 * val rows), cmnist (XRM's Colored MNIST from the 10k / 10k MNIST of ../shared/data/mnist),
 * cfmnist (the same from Fashion-MNIST's 60k / 10k, Debian's dataset-fashion-mnist; cfmnist-colour:
 * with the colour as attribute instead of the environment), mat-toy
 * (the interpretable experiment of "The Pitfalls of Memorization", noise sigma from --noise),
 * crm-gauss (CRM's Waterbirds-like additive-energy Gaussian, every group present; with
 * --attributes, its group-complexity data).
 */
final class RobustData {
    static final String BUILT_IN = "toy, adult, cmnist, cfmnist, cfmnist-colour, mat-toy, crm-gauss";

    private RobustData() {}

    /**
     * dataDir: where a built-in data set's source files are (null: its folder of ../shared/data or
     * TILLER_DATA); gen: the knobs of the generated ones, each refused for any other data.
     */
    static GroupTable load(String fileOrName, long seed, Path dataDir, GeneratorOptions gen) {
        Path p = Path.of(fileOrName);
        if (Files.isRegularFile(p)) {
            gen.check(p.toString());
            return GroupTable.read(p);
        }
        if (Files.exists(p)) throw new IllegalArgumentException(fileOrName + " is not a file");
        return builtIn(fileOrName, seed, dataDir, gen);
    }

    static GroupTable builtIn(String name, long seed, Path dataDir, GeneratorOptions gen) {
        gen.check(name);
        return switch (name) {
            case "mat-toy" -> MatToyData.make(seed, gen.noise != null ? gen.noise : MatToyData.DEFAULT_NOISE);
            case "crm-gauss" -> gen.attributes == null ? CrmGaussData.make(seed)
                    : CrmGaussData.groupComplexity(seed, gen.attributes, gen.categories != null ? gen.categories : 5, gen.meanScale != null ? gen.meanScale : 1.0);
            case "toy" -> ToyData.make(seed);
            case "adult" -> AdultData.make(DataDirs.resolve(dataDir, "adult"), seed);
            case "cmnist" -> ColorMnist.make(DataDirs.resolve(dataDir, "mnist"), "train10k", "t10k", seed, "cmnist");
            case "cfmnist" -> ColorMnist.make(FashionMnistFiles.dir(dataDir), "train", "t10k", seed, "cfmnist");
            case "cfmnist-colour" -> ColorMnist.withColourAttribute(ColorMnist.make(FashionMnistFiles.dir(dataDir), "train", "t10k", seed, "cfmnist"), "cfmnist-colour");
            default -> throw new IllegalArgumentException("no file and no built-in data set named '" + name + "' (built in: " + BUILT_IN + ")");
        };
    }
    /** --groups attribute|classes|ENVS.csv (null: attribute when the table has attribute columns, else classes). */
    static Groups groups(String groups, GroupTable t) {
        String gs = groups != null ? groups : t.attributeNames().isEmpty() ? "classes" : "attribute";
        return switch (gs) {
            case "attribute" -> {
                if (t.attributeNames().isEmpty()) throw new IllegalArgumentException("--groups attribute: " + t.source() + " has no attribute columns (a, a1, ...)");
                yield Groups.attributes(t);
            }
            case "classes" -> Groups.classes(t);
            default -> {
                Path envs = Path.of(gs);
                if (!Files.isRegularFile(envs)) throw new IllegalArgumentException("--groups " + gs + ": neither attribute, classes nor an environments file");
                yield Groups.environments(t, Environments.read(envs, t), envs.toString());
            }
        };
    }

    /** Whether --groups names an environments file rather than attribute or classes. */
    static boolean isEnvironmentsFile(String groups) {
        return !groups.equals("attribute") && !groups.equals("classes") && Files.isRegularFile(Path.of(groups));
    }

    /** The groups test results are reported under: the table's attributes, or classes without them. */
    static Groups reported(GroupTable t) {
        return t.attributeNames().isEmpty() ? Groups.classes(t) : Groups.attributes(t);
    }
}
