package dev.tiller.cli;

import java.nio.file.Path;

import picocli.CommandLine.Option;

/** {@code --checkpoint FILE [--checkpoint-every N]}: save a training run as it goes and resume it from the file. */
final class CheckpointOptions {
    @Option(names = "--checkpoint", paramLabel = "FILE",
            description = "save parameters, optimizer and progress here (safetensors); when the file exists the run resumes from it")
    Path file;

    @Option(names = "--checkpoint-every", paramLabel = "N", description = "steps between checkpoints, default: ${DEFAULT-VALUE}")
    int every = 200;

    int every() {
        if (every < 1) throw new IllegalArgumentException("--checkpoint-every must be >= 1, got " + every);
        return every;
    }
}
