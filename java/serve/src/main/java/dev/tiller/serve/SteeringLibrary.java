package dev.tiller.serve;

import dev.tiller.Session;
import dev.tiller.TillerException;
import dev.tiller.steer.ControlVector;
import dev.tiller.steer.Sae;
import dev.tiller.steer.SteerPositions;
import dev.tiller.steer.SteeringFiles;
import dev.tiller.steer.SteeringVector;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The vectors a server may apply: the start-up {@code --steer} files, applied to every request,
 * and the files of {@code --steering-dir}, which requests name. A name is a file name of that
 * directory (with or without its extension: {@code .safetensors} for Tiller steering vectors,
 * {@code .gguf} for llama.cpp control vectors); anything else, and anything that resolves outside
 * the directory, is refused. Files are read once and kept while unchanged.
 */
final class SteeringLibrary implements AutoCloseable {
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,199}");

    /** A readable vector: a Tiller steering vector (with its SAE when sparse) or a control vector. */
    record Entry(String name, Path file, SteeringVector vector, Sae sae, ControlVector control, long modified) {
        String kind() {
            return control != null ? "control" : vector.isSparse() ? "sas" : "caa";
        }
    }

    /** A start-up vector: a file and its strength. */
    record Startup(Path file, float strength) {}

    private final Path dir;
    private final Path serverSae;
    private final List<Entry> startup = new ArrayList<>();
    private final List<Float> startupStrengths = new ArrayList<>();
    private final Map<String, Entry> cache = new ConcurrentHashMap<>();
    private final Map<Path, Sae> saes = new ConcurrentHashMap<>();

    SteeringLibrary(Path dir, Path sae, List<Startup> startupVectors) {
        try {
            this.dir = dir == null ? null : dir.toRealPath();
        } catch (IOException e) {
            throw new IllegalArgumentException("--steering-dir " + dir + " is not a readable folder: " + e.getMessage());
        }
        if (this.dir != null && !Files.isDirectory(this.dir)) throw new IllegalArgumentException("--steering-dir " + dir + " is not a folder");
        this.serverSae = sae;
        try {
            for (Startup s : startupVectors) {
                Entry e = read(s.file().getFileName().toString(), s.file());
                if (e.control() != null) throw new IllegalArgumentException(s.file() + " is a GGUF control vector: --steer takes Tiller steering vectors");
                startup.add(e);
                startupStrengths.add(s.strength());
            }
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    /** The server's --sae, loaded once; null when it has none. */
    Sae serverSae() {
        return serverSae == null ? null : saes.computeIfAbsent(serverSae.toAbsolutePath().normalize(), Sae::load);
    }

    /** The directory's vectors, by name (unreadable files are listed with their problem). */
    List<Map<String, Object>> list() {
        List<Map<String, Object>> out = new ArrayList<>();
        if (dir == null) return out;
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : files.sorted().toList()) {
                String file = f.getFileName().toString();
                if (!(file.endsWith(".safetensors") || file.endsWith(".gguf")) || !NAME.matcher(file).matches()) continue;
                Map<String, Object> m = new TreeMap<>();
                m.put("id", file.substring(0, file.lastIndexOf('.')));
                m.put("file", file);
                try {
                    Entry e = resolve(file);
                    m.put("kind", e.kind());
                    if (e.vector() != null) m.put("layer", e.vector().layer());
                } catch (ApiError e) {
                    m.put("error", e.getMessage());
                }
                out.add(m);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }

    /** A vector of the directory by name; 404 when there is none of that name, 400 for a name that is not a plain file name. */
    Entry resolve(String name) {
        if (!NAME.matcher(name).matches() || name.contains("..")) {
            throw ApiError.badRequest("steering", "steering vector names are plain file names of the steering directory, not '" + name + "'");
        }
        if (dir == null) throw ApiError.notFound("steering", "vector_not_found", "this server has no --steering-dir: it knows no vector '" + name + "'");
        for (String candidate : name.endsWith(".safetensors") || name.endsWith(".gguf") ? List.of(name) : List.of(name + ".safetensors", name + ".gguf")) {
            Path f = dir.resolve(candidate);
            if (!Files.isRegularFile(f)) continue;
            Path real;
            try {
                real = f.toRealPath();
            } catch (IOException e) {
                continue;
            }
            // A link that leads out of the directory is not one of its vectors.
            if (!real.getParent().equals(dir)) continue;
            long modified = modified(real);
            Entry cached = cache.get(candidate);
            if (cached != null && cached.modified() == modified) return cached;
            Entry e;
            try {
                e = read(name, real);
            } catch (TillerException | IllegalArgumentException | UncheckedIOException ex) {
                // The server's fault, not the request's; its folder stays out of the reply.
                throw ApiError.internal("steering vector '" + name + "' cannot be read: " + ex.getMessage().replace(dir + dir.getFileSystem().getSeparator(), ""));
            }
            cache.put(candidate, e);
            return e;
        }
        throw ApiError.notFound("steering", "vector_not_found", "no steering vector '" + name + "' (GET /v1/steering lists them)");
    }

    private Entry read(String name, Path file) {
        long modified = modified(file);
        if (file.getFileName().toString().endsWith(".gguf")) return new Entry(name, file, null, null, ControlVector.load(file), modified);
        SteeringVector v = SteeringFiles.load(file);
        Sae sae = null;
        if (v.isSparse()) {
            Path saePath = serverSae != null ? serverSae : SteeringFiles.recordedSae(file, v).orElseThrow(
                    () -> new IllegalArgumentException(file.getFileName() + " is a SAS vector that records no SAE, and the server has no --sae"));
            sae = serverSae != null ? serverSae() : saes.computeIfAbsent(saePath.toAbsolutePath().normalize(), Sae::load);
        }
        return new Entry(name, file, v, sae, null, modified);
    }

    private static long modified(Path f) {
        try {
            return Files.getLastModifiedTime(f).toMillis();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Sets the session's steering for one request: the start-up vectors (from startupFrom), then the
     * request's, whose control vectors add up to one control vector over layers 1 .. n-1.
     */
    void apply(Session session, List<SteeringRequest> requested, int startupFrom, int promptLength, int instructionEnd) {
        session.clearSteering();
        session.clearControlVector();
        for (int i = 0; i < startup.size(); i++) steer(session, startup.get(i), startupStrengths.get(i), startupFrom);
        ControlVector control = null;
        for (SteeringRequest r : requested) {
            Entry e = resolve(r.vector());
            if (e.control() != null) {
                if (r.positions() != SteerPositions.ALL) {
                    throw ApiError.badRequest("steering", "'" + r.vector() + "' is a control vector: it changes every token (positions 'all')");
                }
                ControlVector scaled = e.control().scale(r.strength());
                control = control == null ? scaled : control.plus(scaled);
            } else {
                steer(session, e, r.strength(), r.positions().from(promptLength, instructionEnd));
            }
        }
        if (control != null) session.setControlVector(control);
    }

    private static void steer(Session session, Entry e, float strength, int from) {
        session.steer(e.vector(), strength, from, e.sae(), e.vector().jumpSigma());
    }

    @Override
    public void close() {
        saes.values().forEach(Sae::close);
        saes.clear();
    }
}
