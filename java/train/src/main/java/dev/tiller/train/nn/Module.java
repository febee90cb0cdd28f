package dev.tiller.train.nn;

import dev.tiller.train.Graph;
import dev.tiller.train.Tensor;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A set of named parameters and sub-modules. Names nest with dots ("layers.0.weight"); the
 * transformer uses GGUF's tensor names so that a trained model exports without renaming.
 */
public abstract class Module {
    protected final Graph graph;
    private final Map<String, Tensor> params = new LinkedHashMap<>();
    private final Map<String, Module> children = new LinkedHashMap<>();

    protected Module(Graph graph) {
        this.graph = graph;
    }

    /** The graph the parameters live on. */
    public Graph graph() {
        return graph;
    }

    protected Tensor param(String name, float[] init, long... shape) {
        Tensor t = graph.parameter(init, shape);
        params.put(name, t);
        return t;
    }

    protected <M extends Module> M child(String name, M m) {
        children.put(name, m);
        return m;
    }

    /** Every parameter under its dotted name, in creation order. */
    public Map<String, Tensor> namedParameters() {
        Map<String, Tensor> all = new LinkedHashMap<>(params);
        children.forEach((prefix, m) -> m.namedParameters().forEach((n, t) -> all.put(prefix.isEmpty() ? n : prefix + "." + n, t)));
        return all;
    }

    public List<Tensor> parameters() {
        return new ArrayList<>(namedParameters().values());
    }

    public long parameterCount() {
        long n = 0;
        for (Tensor t : parameters()) n += t.size();
        return n;
    }
}
