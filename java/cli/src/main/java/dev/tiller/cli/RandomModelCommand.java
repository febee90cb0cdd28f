package dev.tiller.cli;

import dev.tiller.ModelTools;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Hidden: {@code tiller random-model --shape gemma2-2b --type Q4_0 --out F.gguf} for benchmarks. */
@Command(name = "random-model", hidden = true, mixinStandardHelpOptions = true,
        description = "Write a random-weight GGUF of a real Gemma shape (for speed measurements; its outputs are noise).")
final class RandomModelCommand implements Callable<Integer> {
    @Option(names = "--shape", required = true, paramLabel = "NAME", description = "gemma3-270m, gemma3-1b or gemma2-2b")
    String shape;

    @Option(names = "--type", required = true, paramLabel = "TYPE", description = "weight type, as for quantize")
    String type;

    @Option(names = "--out", required = true, paramLabel = "F.gguf")
    Path out;

    @Option(names = "--seed", description = "default: ${DEFAULT-VALUE}")
    long seed = 1;

    @Mixin
    ThreadsOption threadsOption;

    @Override
    public Integer call() {
        ModelTools.Shape s = switch (shape) {
            case "gemma3-270m" -> ModelTools.Shape.gemma3_270m();
            case "gemma3-1b" -> ModelTools.Shape.gemma3_1b();
            case "gemma2-2b" -> ModelTools.Shape.gemma2_2b();
            default -> throw new IllegalArgumentException("unknown shape '" + shape + "' (gemma3-270m, gemma3-1b, gemma2-2b)");
        };
        long t0 = System.nanoTime();
        ModelTools.writeRandomModel(out, s, type, seed, threadsOption.threads);
        System.err.printf("wrote %s (%s %s) in %.1f s%n", out, shape, type, (System.nanoTime() - t0) / 1e9);
        return 0;
    }
}
