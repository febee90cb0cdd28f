/**
 * Tiller's training engine: tensors and the native graph ({@code dev.tiller.train}, with the one {@code Trainer} loop), training algorithms by name ({@code algo}), layers
 * ({@code nn}), optimizers ({@code optim}), data sets ({@code data}), SAE training ({@code sae}),
 * text tools ({@code text}), long-context retrieval tasks ({@code retrieval}), learning dynamics
 * (grokking prediction, multi-scale double descent: {@code dynamics}), synthetic training data (a
 * class-conditional generator, Deliberate Practice, feedback-guided synthesis: {@code synth}) and the recipes behind
 * {@code tiller train} ({@code recipes}).
 */
@SuppressWarnings({"requires-automatic", "requires-transitive-automatic"}) // commons-math3 has no module descriptor; dynamics/ returns its vectors
module dev.tiller.train {
    requires transitive dev.tiller;
    requires dev.tiller.bindings;
    requires transitive commons.math3;

    exports dev.tiller.train;
    exports dev.tiller.train.algo;
    exports dev.tiller.train.data;
    exports dev.tiller.train.dynamics;
    exports dev.tiller.train.nn;
    exports dev.tiller.train.optim;
    exports dev.tiller.train.recipes;
    exports dev.tiller.train.retrieval;
    exports dev.tiller.train.robust;
    exports dev.tiller.train.sae;
    exports dev.tiller.train.synth;
    exports dev.tiller.train.text;
}
