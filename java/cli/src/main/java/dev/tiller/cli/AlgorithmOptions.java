package dev.tiller.cli;

import dev.tiller.train.algo.Algorithms;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeSet;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code --algo NAME [--hparam KEY=VALUE]...}: the training algorithm of a classification recipe, from the registry. */
final class AlgorithmOptions {
    @Spec(Spec.Target.MIXEE)
    CommandSpec spec;

    String name = "erm";

    @Option(names = "--hparam", paramLabel = "KEY=VALUE", description = "a hyper-parameter of the algorithm (repeatable)")
    Map<String, String> hparams = new LinkedHashMap<>();

    @Option(names = "--algo", paramLabel = "NAME", description = "training algorithm: ${COMPLETION-CANDIDATES} (default: erm)",
            completionCandidates = Names.class)
    void setName(String n) {
        if (!Algorithms.names().contains(n)) throw Cli.usage(spec, "--algo " + n + ": no such algorithm (known: " + String.join(", ", new Names()) + ")");
        name = n;
    }

    static final class Names implements Iterable<String> {
        @Override
        public Iterator<String> iterator() {
            return new TreeSet<>(Algorithms.names()).iterator();
        }
    }
}
