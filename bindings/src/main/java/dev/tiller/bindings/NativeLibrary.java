package dev.tiller.bindings;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.SymbolLookup;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;

/**
 * Finds libtiller and opens it for the generated bindings. Order: the system property
 * {@code tiller.library.path} or environment variable {@code TILLER_LIBRARY_PATH} (a file), else
 * the copy packaged in the jar under {@code /native/<os>-<arch>/}, extracted once into a
 * content-addressed cache directory ({@code tiller.cache.dir}, default {@code ~/.cache/tiller})
 * so that concurrent JVMs share one verified file.
 */
public final class NativeLibrary {
    private static final String LIB_NAME = "libtiller.so";

    private NativeLibrary() {}

    static SymbolLookup lookup() {
        return SymbolLookup.libraryLookup(path(), Arena.global());
    }

    /** The library file that is (or will be) loaded. */
    public static Path path() {
        String explicit = System.getProperty("tiller.library.path", System.getenv("TILLER_LIBRARY_PATH"));
        if (explicit != null && !explicit.isBlank()) {
            Path p = Path.of(explicit);
            if (!Files.isRegularFile(p)) throw new UnsatisfiedLinkError("tiller.library.path points to " + p + ", which is not a file");
            return p;
        }
        return Extracted.PATH;
    }

    /** The platform directory name, e.g. {@code linux-x86_64}. */
    public static String platform() {
        String os = System.getProperty("os.name").toLowerCase(Locale.ROOT);
        String arch = System.getProperty("os.arch").toLowerCase(Locale.ROOT);
        String o = os.contains("linux") ? "linux" : os.contains("mac") ? "macos" : os.contains("win") ? "windows" : os;
        String a = arch.equals("amd64") || arch.equals("x86_64") ? "x86_64" : arch.equals("aarch64") ? "aarch64" : arch;
        return o + "-" + a;
    }

    private static final class Extracted {
        static final Path PATH = extract();

        private static Path extract() {
            String resource = "native/" + platform() + "/" + LIB_NAME;
            byte[] bytes;
            // Through the class loader: on the module path the library lies in another module
            // (tiller-native), whose resource folder is no package and so is not encapsulated.
            try (InputStream in = NativeLibrary.class.getClassLoader().getResourceAsStream(resource)) {
                if (in == null) {
                    throw new UnsatisfiedLinkError("Tiller has no native library for " + platform() + " (looked for " + resource
                            + " on the class path; set tiller.library.path to use a library built elsewhere)");
                }
                bytes = in.readAllBytes();
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + resource, e);
            }
            String hash = sha256(bytes).substring(0, 24);
            Path base = Path.of(System.getProperty("tiller.cache.dir", System.getProperty("user.home") + "/.cache/tiller"));
            Path dir = base.resolve(platform() + "-" + hash);
            Path target = dir.resolve(LIB_NAME);
            try {
                if (Files.isRegularFile(target) && sha256(Files.readAllBytes(target)).startsWith(hash)) return target;
                Files.createDirectories(dir);
                Path tmp = Files.createTempFile(dir, "libtiller", ".tmp");
                Files.write(tmp, bytes);
                try {
                    Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                } catch (AtomicMoveNotSupportedException e) {
                    Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
                }
                return target;
            } catch (IOException e) {
                throw new UncheckedIOException("cannot extract the Tiller native library to " + dir
                        + " (set tiller.cache.dir to a writable directory)", e);
            }
        }

        private static String sha256(byte[] data) {
            try {
                return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
        }
    }
}
