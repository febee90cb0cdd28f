package dev.tiller.cli;

import java.nio.file.Path;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** --data and --threads of the training recipes. */
final class DataOptions {
    @Option(names = "--data", paramLabel = "DIR", description = "the data folder (default: the matching folder of ../shared/data, or TILLER_DATA)")
    Path data;

    @Mixin
    ThreadsOption threadsOption;

    int threads() {
        return threadsOption.threads;
    }

    /** The data folder: --data itself, else the named subfolder of the shared data. */
    Path dir(String sub) {
        return DataDirs.resolve(data, sub);
    }
}
