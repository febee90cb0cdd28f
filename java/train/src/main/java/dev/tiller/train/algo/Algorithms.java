package dev.tiller.train.algo;

import dev.tiller.train.data.Batch;
import dev.tiller.train.data.Dataset;

import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The classification algorithms by name (DomainBed's registry): {@code tiller train --algo NAME}
 * and the robustness commands create theirs here. Adding an algorithm is one file and one line.
 */
public final class Algorithms {
    /** Makes an algorithm for a model and its training set (group counts, per-example state); reads its hyper-parameters from hp. */
    @FunctionalInterface
    public interface Factory {
        Algorithm<Batch> create(Classifier model, Dataset train, Hparams hp);
    }

    private static final Map<String, Factory> REGISTRY = new TreeMap<>();

    static {
        register("erm", Erm::new);
        register("groupdro", GroupDro::new);
        register("mat", Mat::new);
    }

    private Algorithms() {}

    public static synchronized void register(String name, Factory factory) {
        if (REGISTRY.putIfAbsent(name, factory) != null) throw new IllegalArgumentException("an algorithm named " + name + " exists");
    }

    public static synchronized Set<String> names() {
        return Set.copyOf(REGISTRY.keySet());
    }

    /** The named algorithm for an algorithm that needs no training set (ERM). */
    public static Algorithm<Batch> create(String name, Classifier model, Map<String, String> hparams) {
        return create(name, model, null, hparams);
    }

    /** The named algorithm; unknown names and unknown hyper-parameters are errors that list what exists. */
    public static Algorithm<Batch> create(String name, Classifier model, Dataset train, Map<String, String> hparams) {
        Factory f;
        synchronized (Algorithms.class) {
            f = REGISTRY.get(name);
        }
        if (f == null) throw new IllegalArgumentException("no algorithm named '" + name + "' (known: " + String.join(", ", new TreeMap<>(REGISTRY).keySet()) + ")");
        Hparams hp = new Hparams(hparams);
        Algorithm<Batch> a = f.create(model, train, hp);
        hp.checkAllRead(name);
        return a;
    }
}
