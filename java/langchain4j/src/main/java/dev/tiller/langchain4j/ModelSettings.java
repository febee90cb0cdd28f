package dev.tiller.langchain4j;

import dev.tiller.Model;

import java.nio.file.Path;

/** The builders' common settings: which model, each session's context and threads, how many calls run at once, the default parameters. */
public abstract class ModelSettings<B extends ModelSettings<B>> {
    Model model;
    Path modelPath;
    int contextLength;
    int threads;
    int parallel = 1;
    TillerChatRequestParameters defaults;

    ModelSettings() {}

    @SuppressWarnings("unchecked")
    private B self() {
        return (B) this;
    }

    /** A loaded model, shared (the chat model does not close it). */
    public B model(Model m) {
        model = m;
        return self();
    }

    /** A GGUF file, loaded by the chat model and closed with it. */
    public B modelPath(Path p) {
        modelPath = p;
        return self();
    }

    /** Tokens of context per session (default: the model's training context, at most 8192). */
    public B contextLength(int n) {
        contextLength = n;
        return self();
    }

    /** Worker threads per session (default 0: one per core). */
    public B threads(int n) {
        threads = n;
        return self();
    }

    /** Calls served at once, each on its own session (default 1; more wait). */
    public B parallel(int n) {
        parallel = n;
        return self();
    }

    /** Parameters for every request; a request's own non-null parameters win. */
    public B defaultRequestParameters(TillerChatRequestParameters p) {
        defaults = p;
        return self();
    }

    TillerChat engine() {
        return new TillerChat(model, modelPath, contextLength, threads, parallel, defaults);
    }
}
