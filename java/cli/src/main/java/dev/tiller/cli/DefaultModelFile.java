package dev.tiller.cli;

import java.nio.file.Path;

import picocli.CommandLine.Option;

/** {@code --model M.gguf}, by default the shipped model: the recipes that measure or extend it. */
final class DefaultModelFile {
    @Option(names = "--model", paramLabel = "M.gguf", description = "default: ${DEFAULT-VALUE}")
    Path model = Path.of("models/tiller-gemma2-tiny.gguf");
}
