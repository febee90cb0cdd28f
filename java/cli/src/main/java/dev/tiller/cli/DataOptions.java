package dev.tiller.cli;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/** --data and --threads of the training recipes. */
final class DataOptions {
    @Option(names = "--data", paramLabel = "DIR", description = "the data folder (default: the matching folder of ../shared/data, or TILLER_DATA)")
    Path data;

    @Option(names = "--threads", paramLabel = "N", description = "default: one per core")
    int threads = 0;

    /** The data folder: --data itself, else the named subfolder of the shared data. */
    Path dir(String sub) {
        return DataDirs.resolve(data, sub);
    }
}
