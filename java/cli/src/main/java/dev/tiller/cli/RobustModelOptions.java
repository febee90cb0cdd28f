package dev.tiller.cli;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;

import dev.tiller.train.robust.Method;

import picocli.CommandLine.Option;

/** What tiller robust train and sweep share: the model, the optimizer, GroupDRO's eta, where built-in data comes from. */
final class RobustModelOptions {
    @Option(names = "--model", paramLabel = "NAME", description = "linear, torch-linear (no bias, PyTorch's init: the MAT toy's), mlp, cnn or toy (BalancingGroups' ToyNet), default: ${DEFAULT-VALUE}")
    String model = "linear";

    @Option(names = "--hidden", split = ",", paramLabel = "W,W...", description = "hidden widths of --model mlp, default: 390,390")
    int[] hidden = {390, 390};

    @Option(names = "--optimizer", paramLabel = "sgd|adam", description = "sgd (momentum 0.9, as BalancingGroups) or adam, default: ${DEFAULT-VALUE}")
    String optimizer = "sgd";

    @Option(names = "--momentum", paramLabel = "X", description = "--optimizer sgd: momentum, default: ${DEFAULT-VALUE} (BalancingGroups; the MAT toy: 0)")
    double momentum = 0.9;

    @Option(names = "--eta", paramLabel = "X", description = "GroupDRO step size, default: ${DEFAULT-VALUE}")
    double eta = 0.1;

    @Option(names = "--gammas", split = ",", paramLabel = "SPU,CORE,NOISE", description = "--model toy: feature speeds, default: 4,1,2")
    float[] gammas = {4f, 1f, 2f};

    @Option(names = "--data-dir", paramLabel = "DIR", description = "the source files of a built-in data set (default: its folder of ../shared/data, or TILLER_DATA)")
    Path dataDir;

    @Option(names = "--sampling", paramLabel = "S",
            description = "override the method's sampling: uniform, subsample-classes, subsample-groups, reweight-classes, reweight-groups (XRM's GroupDRO: uniform)")
    String sampling;

    Method.Sampling sampling() {
        if (sampling == null) return null;
        for (Method.Sampling s : Method.Sampling.values()) if (s.name().toLowerCase(Locale.ROOT).replace('_', '-').equals(sampling)) return s;
        throw new IllegalArgumentException("--sampling " + sampling + ": not one of uniform, subsample-classes, subsample-groups, reweight-classes, reweight-groups");
    }

    void check() {
        if (hidden.length == 0 || Arrays.stream(hidden).anyMatch(w -> w < 1)) throw new IllegalArgumentException("--hidden widths must be >= 1");
        if (gammas.length != 3) throw new IllegalArgumentException("--gammas takes three values: spurious, core, noise");
        if (!(eta > 0)) throw new IllegalArgumentException("--eta must be > 0");
        if (!(momentum >= 0 && momentum < 1)) throw new IllegalArgumentException("--momentum must be in [0, 1)");
    }
}
