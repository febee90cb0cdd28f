package dev.tiller.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The llama.cpp reference fixtures: the subset committed under test resources, or the full set
 * named by the system property {@code tiller.fixtures.dir} (the {@code fixtures} folder of
 * ../shared). A property that names a missing folder fails loudly rather than skipping.
 */
public final class Fixtures {
    private Fixtures() {}

    /** Directory holding manifest.json and the numerics files. */
    public static Path numericsDir() {
        String full = System.getProperty("tiller.fixtures.dir", "");
        if (!full.isBlank()) {
            Path p = Path.of(full).resolve("numerics");
            if (!Files.isRegularFile(p.resolve("manifest.json"))) {
                throw new IllegalStateException("tiller.fixtures.dir=" + full + " has no numerics/manifest.json");
            }
            return p;
        }
        return resource("fixtures/numerics");
    }

    /** Directory holding the tokenizer vocabularies and reference cases. */
    public static Path tokenizerDir() {
        String full = System.getProperty("tiller.fixtures.dir", "");
        return full.isBlank() ? resource("fixtures/tokenizer") : Path.of(full).resolve("tokenizer");
    }

    public static Path resource(String name) {
        try {
            var url = Fixtures.class.getClassLoader().getResource(name);
            if (url == null) throw new IllegalStateException("test resource " + name + " is missing");
            return Path.of(url.toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A model shipped in the repository's models/ folder, found from the working directory up. */
    public static Path shippedModel(String file) {
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent())
            if (java.nio.file.Files.isRegularFile(p.resolve("models").resolve(file))) return p.resolve("models").resolve(file);
        throw new IllegalStateException("models/" + file + " not found above " + Path.of("").toAbsolutePath());
    }

    /** A fixture model small enough for quick API tests (Gemma 3, F32, 8 layers). */
    public static Path smallModel() {
        return resource("fixtures/numerics/gemma3-tiny-F32.gguf");
    }

    public record CvecRun(Path file, float strength, Path logits) {}

    public record Case(String model, Path modelPath, String arch, String weights, int[] tokens, Path logits, int nVocab,
            int nEmbd, int nLayer, Path resid, List<CvecRun> cvec) {
        @Override
        public String toString() {
            return model;
        }
    }

    public static List<Case> cases() {
        Path dir = numericsDir();
        try {
            JsonNode root = new ObjectMapper().readTree(dir.resolve("manifest.json").toFile());
            List<Case> out = new ArrayList<>();
            for (JsonNode c : root.get("cases")) {
                int[] tokens = new int[c.get("tokens").size()];
                for (int i = 0; i < tokens.length; i++) tokens[i] = c.get("tokens").get(i).asInt();
                List<CvecRun> cv = new ArrayList<>();
                if (c.has("cvec")) {
                    for (JsonNode r : c.get("cvec")) {
                        cv.add(new CvecRun(dir.resolve(r.get("file").asText()), (float) r.get("strength").asDouble(),
                                dir.resolve(r.get("logits").asText())));
                    }
                }
                out.add(new Case(c.get("model").asText(), dir.resolve(c.get("model").asText()), c.get("arch").asText(),
                        c.get("weights").asText(), tokens, dir.resolve(c.get("logits").asText()), c.get("n_vocab").asInt(),
                        c.get("n_embd").asInt(), c.get("n_layer").asInt(),
                        c.has("resid") ? dir.resolve(c.get("resid").asText()) : null, cv));
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static float[] readF32(Path p) {
        try {
            ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(p)).order(ByteOrder.LITTLE_ENDIAN);
            float[] out = new float[b.remaining() / 4];
            b.asFloatBuffer().get(out);
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Residual records: layer -> float[n_tokens * n_embd]. */
    public static List<float[]> readResiduals(Path p, int nLayer) {
        try {
            ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(p)).order(ByteOrder.LITTLE_ENDIAN);
            List<float[]> out = new ArrayList<>();
            for (int il = 0; il < nLayer; il++) {
                int layer = b.getInt(), ne0 = b.getInt(), ne1 = b.getInt();
                if (layer != il) throw new IllegalStateException("residual record " + il + " names layer " + layer);
                float[] v = new float[ne0 * ne1];
                b.asFloatBuffer().get(v);
                b.position(b.position() + v.length * 4);
                out.add(v);
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
