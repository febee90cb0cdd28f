package dev.tiller.cli;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where the offline data sets are: TILLER_DATA, else ../shared/data beside the repository
 * (scripts/tiller passes the repository as tiller.root), else ../shared/data from the working
 * directory.
 */
final class DataDirs {
    private DataDirs() {}

    static Path resolve(Path explicit, String sub) {
        if (explicit != null) return explicit;
        String env = System.getenv("TILLER_DATA");
        if (env != null && !env.isEmpty()) return Path.of(env, sub);
        String root = System.getProperty("tiller.root");
        if (root != null) {
            Path p = Path.of(root).resolve("../shared/data").resolve(sub).normalize();
            if (Files.isDirectory(p)) return p;
        }
        Path p = Path.of("../shared/data").resolve(sub).toAbsolutePath().normalize();
        if (Files.isDirectory(p)) return p;
        throw new IllegalArgumentException("cannot find the data folder '" + sub + "': pass --data DIR or set TILLER_DATA");
    }
}
