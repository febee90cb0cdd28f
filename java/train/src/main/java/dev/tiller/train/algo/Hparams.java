package dev.tiller.train.algo;

import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * An algorithm's hyper-parameters as given (e.g. {@code --hparam eta=0.01}): typed reads with
 * defaults, and a check that every given name was read, so a misspelt name is an error rather
 * than a silently ignored setting.
 */
public final class Hparams {
    private final Map<String, String> given;
    private final Set<String> read = new LinkedHashSet<>();

    public Hparams(Map<String, String> given) {
        this.given = new LinkedHashMap<>(given);
    }

    public static Hparams none() {
        return new Hparams(Map.of());
    }

    public double get(String name, double fallback) {
        read.add(name);
        String v = given.get(name);
        if (v == null) return fallback;
        try {
            return Double.parseDouble(v);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("hyper-parameter " + name + "=" + v + " is not a number");
        }
    }

    public int get(String name, int fallback) {
        double v = get(name, (double) fallback);
        if (v != Math.rint(v)) throw new IllegalArgumentException("hyper-parameter " + name + "=" + given.get(name) + " is not an integer");
        return (int) v;
    }

    /** One of the allowed words (the first is the default). */
    public String choice(String name, String... allowed) {
        read.add(name);
        String v = given.getOrDefault(name, allowed[0]);
        for (String a : allowed) if (a.equals(v)) return v;
        throw new IllegalArgumentException("hyper-parameter " + name + "=" + v + " is not one of " + String.join(", ", allowed));
    }

    /** Throws naming the given hyper-parameters that the algorithm never read. */
    void checkAllRead(String algorithm) {
        Set<String> unknown = new LinkedHashSet<>(given.keySet());
        unknown.removeAll(read);
        if (!unknown.isEmpty()) {
            throw new IllegalArgumentException(algorithm + " has no hyper-parameter " + String.join(", ", unknown)
                    + (read.isEmpty() ? " (it has none)" : " (it has " + String.join(", ", read) + ")"));
        }
    }
}
