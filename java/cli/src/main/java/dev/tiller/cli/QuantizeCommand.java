package dev.tiller.cli;

import dev.tiller.ModelTools;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code tiller quantize IN.gguf OUT.gguf TYPE}: llama.cpp-compatible re-quantization. */
@Command(name = "quantize", mixinStandardHelpOptions = true,
        description = "Write a copy of a GGUF model with its weight matrices in TYPE: Q8_0 Q4_0 Q4_1 Q5_0 Q5_1 Q4_K Q5_K "
                + "Q6_K, the llama.cpp mixes Q4_K_M Q5_K_M, or F32 F16 BF16. Norms stay F32.")
final class QuantizeCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "IN.gguf")
    Path in;

    @Parameters(index = "1", paramLabel = "OUT.gguf")
    Path out;

    @Parameters(index = "2", paramLabel = "TYPE")
    String type;

    @Option(names = "--threads", paramLabel = "N", description = "worker threads (default: one per core)")
    int threads = 0;

    @Override
    public Integer call() {
        long t0 = System.nanoTime();
        ModelTools.quantize(in, out, type, threads);
        System.err.printf("wrote %s (%s) in %.1f s%n", out, type, (System.nanoTime() - t0) / 1e9);
        return 0;
    }
}
