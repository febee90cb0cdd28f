package dev.tiller.cli;

import dev.tiller.LogitComparison;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code tiller compare --reference A.f32 --logits B.f32 --vocab N [--weights TYPE]}: how close
 * two logits files are (max |diff|, mean KL, top-1 agreement); exit status 3 when a --weights
 * tolerance is given and exceeded.
 */
@Command(name = "compare", mixinStandardHelpOptions = true,
        description = "Compare two float32 logits files [n_tokens, n_vocab]: max |diff|, mean KL, top-1 agreement.")
final class CompareCommand implements Callable<Integer> {
    @Option(names = "--reference", required = true, paramLabel = "A.f32", description = "reference logits")
    Path reference;

    @Option(names = "--logits", required = true, paramLabel = "B.f32", description = "logits to check")
    Path logits;

    @Option(names = "--vocab", required = true, paramLabel = "N", description = "vocabulary size (row length)")
    int vocab;

    @Option(names = "--weights", paramLabel = "TYPE",
            description = "check against the fixture tolerance of this weight type (F32, F16, BF16 or a quantized type, any case)")
    String weights;

    @Override
    public Integer call() {
        if (vocab < 1) throw new IllegalArgumentException("--vocab must be >= 1, got " + vocab);
        LogitComparison.Tolerance t = weights == null ? null : LogitComparison.Tolerance.forWeights(weights);
        float[] a = read(reference), b = read(logits);
        if (a.length != b.length) {
            throw new IllegalArgumentException(logits + " holds " + b.length / vocab + " rows of " + vocab + " but " + reference + " holds "
                    + a.length / vocab);
        }
        LogitComparison c = LogitComparison.of(a, b, vocab);
        System.out.println(c);
        if (t == null) return 0;
        boolean ok = c.within(t);
        System.out.printf("%s tolerance (max|diff| <= %s, mean KL <= %s, top-1 >= %.0f%%): %s%n", weights.toUpperCase(java.util.Locale.ROOT),
                t.maxAbs(), t.meanKl(), t.top1() * 100, ok ? "within" : "EXCEEDED");
        return ok ? 0 : 3;
    }

    private float[] read(Path p) {
        byte[] bytes;
        try {
            if (Files.isDirectory(p)) throw new IllegalArgumentException(p + " is a folder, not a logits file");
            bytes = Files.readAllBytes(p);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + p, e);
        }
        if (bytes.length == 0 || bytes.length % (4L * vocab) != 0) {
            throw new IllegalArgumentException(p + ": " + bytes.length + " bytes are not whole rows of " + vocab + " float32 logits");
        }
        ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        float[] out = new float[b.remaining() / 4];
        b.asFloatBuffer().get(out);
        return out;
    }
}
