package dev.tiller.cli;

import dev.tiller.LogitComparison;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code tiller compare --reference A.f32 --logits B.f32 --vocab N}: how close two logits files
 * are (max |diff|, mean KL, top-1 agreement); exit status 3 when a --weights tolerance is given
 * and exceeded.
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
            description = "check against the fixture tolerance of this weight type (F32, F16, BF16, or a quantized type)")
    String weights;

    @Override
    public Integer call() throws IOException {
        LogitComparison c = LogitComparison.of(read(reference), read(logits), vocab);
        System.out.println(c);
        if (weights == null) return 0;
        LogitComparison.Tolerance t = LogitComparison.Tolerance.forWeights(weights);
        boolean ok = c.within(t);
        System.out.printf("%s tolerance (max|diff| <= %s, mean KL <= %s, top-1 >= %.0f%%): %s%n", weights, t.maxAbs(), t.meanKl(),
                t.top1() * 100, ok ? "within" : "EXCEEDED");
        return ok ? 0 : 3;
    }

    private static float[] read(Path p) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(p)).order(ByteOrder.LITTLE_ENDIAN);
        float[] out = new float[b.remaining() / 4];
        b.asFloatBuffer().get(out);
        return out;
    }
}
