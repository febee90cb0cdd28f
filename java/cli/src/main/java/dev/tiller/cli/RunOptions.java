package dev.tiller.cli;

import dev.tiller.Model;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** Options of the commands that load a model and generate: model file, context, threads. */
final class RunOptions {
    @Option(names = "--model", required = true, paramLabel = "M.gguf", description = "GGUF model file")
    Path model;

    @Option(names = "--context", paramLabel = "N", description = "context length (default: the model's, at most 8192)")
    int context = 0;

    @Option(names = "--threads", paramLabel = "N", description = "worker threads (default: one per core)")
    int threads = 0;

    int contextLength(Model m) {
        return context > 0 ? context : Math.min(m.info().contextLength(), 8192);
    }
}
