package dev.tiller.cli;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/** What a file is by its first bytes, so that a file given to the wrong flag gets a pointer to the right one. */
enum FileKind {
    GGUF, SAFETENSORS, NPZ, SAELENS_FOLDER, FOLDER, MISSING, OTHER;

    static FileKind of(Path p) {
        if (Files.isDirectory(p)) return Files.isRegularFile(p.resolve("cfg.json")) ? SAELENS_FOLDER : FOLDER;
        if (!Files.exists(p)) return MISSING;
        byte[] head = new byte[9];
        int n;
        try (InputStream in = Files.newInputStream(p)) {
            n = in.readNBytes(head, 0, head.length);
        } catch (IOException e) {
            return OTHER;
        }
        if (n >= 4 && head[0] == 'G' && head[1] == 'G' && head[2] == 'U' && head[3] == 'F') return GGUF;
        if (n >= 4 && head[0] == 'P' && head[1] == 'K' && head[2] == 3 && head[3] == 4) return NPZ;
        if (n == 9 && head[8] == '{' && head[6] == 0 && head[7] == 0) return SAFETENSORS; // u64 header length, then JSON
        return OTHER;
    }
}
