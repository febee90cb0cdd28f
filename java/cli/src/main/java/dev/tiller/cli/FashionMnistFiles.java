package dev.tiller.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Where Fashion-MNIST's IDX files are: --data-dir, Debian's dataset-fashion-mnist when installed
 * (/usr/share/datasets/fashion-mnist), or Tiller's cache, into which the package is fetched with
 * apt-get download and unpacked with dpkg-deb the first time (no root needed).
 */
final class FashionMnistFiles {
    static final Path INSTALLED = Path.of("/usr/share/datasets/fashion-mnist");
    static final String PACKAGE = "dataset-fashion-mnist";

    private FashionMnistFiles() {}

    static Path dir(Path explicit) {
        if (explicit != null) return explicit;
        if (complete(INSTALLED)) return INSTALLED;
        Path cache = Path.of(System.getProperty("tiller.cache.dir", System.getProperty("user.home") + "/.cache/tiller"), "fashion-mnist");
        Path unpacked = cache.resolve("usr/share/datasets/fashion-mnist");
        if (complete(unpacked)) return unpacked;
        System.err.println("tiller: fetching Debian's " + PACKAGE + " (31 MB) into " + cache + " ...");
        try {
            Files.createDirectories(cache);
            Path tmp = Files.createTempDirectory(cache, "fetch");
            try {
                run(tmp, "apt-get", "download", PACKAGE);
                Path deb;
                try (Stream<Path> s = Files.list(tmp)) {
                    deb = s.filter(p -> p.getFileName().toString().endsWith(".deb")).findFirst()
                            .orElseThrow(() -> new IllegalArgumentException("apt-get download " + PACKAGE + " produced no .deb"));
                }
                run(tmp, "dpkg-deb", "-x", deb.toString(), tmp.resolve("root").toString());
                Path got = tmp.resolve("root/usr/share/datasets/fashion-mnist");
                if (!complete(got)) throw new IllegalArgumentException(PACKAGE + " does not hold the four Fashion-MNIST IDX files");
                Files.createDirectories(unpacked.getParent());
                Files.move(got, unpacked);
            } finally {
                try (Stream<Path> s = Files.walk(tmp)) {
                    for (Path p : s.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
                }
            }
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot fetch " + PACKAGE + " (" + e.getMessage() + "); install it (apt-get install " + PACKAGE
                    + ") or pass --data-dir with its IDX files");
        }
        return unpacked;
    }

    static boolean complete(Path dir) {
        for (String f : List.of("train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz", "t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz")) {
            if (!Files.isRegularFile(dir.resolve(f))) return false;
        }
        return true;
    }

    private static void run(Path dir, String... command) throws IOException {
        Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        try {
            if (!p.waitFor(10, TimeUnit.MINUTES) || p.exitValue() != 0) {
                throw new IOException(String.join(" ", command) + " failed: " + out.strip().lines().reduce((a, b) -> b).orElse(""));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted");
        }
    }
}
