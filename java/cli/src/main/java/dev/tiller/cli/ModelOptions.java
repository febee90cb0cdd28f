package dev.tiller.cli;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/** Options shared by the commands that evaluate given token ids: model, tokens, threads. */
final class ModelOptions {
    @Option(names = "--model", required = true, paramLabel = "M.gguf", description = "GGUF model file")
    Path model;

    @Option(names = "--tokens", required = true, split = ",", paramLabel = "ID", description = "token ids, comma-separated")
    int[] tokens;

    @Option(names = "--threads", paramLabel = "N", description = "worker threads (default: one per core)")
    int threads = 0;
}
