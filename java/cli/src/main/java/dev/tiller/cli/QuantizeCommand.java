package dev.tiller.cli;

import dev.tiller.ModelTools;
import dev.tiller.Progress;
import dev.tiller.io.AtomicFiles;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
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

    @Option(names = "--allow-requantize",
            description = "re-quantize tensors that are already quantized into another type (loses precision; as llama.cpp's flag)")
    boolean allowRequantize;

    @Option(names = "--in-place", description = "allow OUT to be IN itself (the input is replaced once the new file is complete)")
    boolean inPlace;

    @Mixin
    ThreadsOption threads;

    @Override
    public Integer call() {
        if (!Files.isRegularFile(in)) throw new IllegalArgumentException("cannot read " + in + ": " + (Files.exists(in) ? "not a file" : "no such file"));
        AtomicFiles.checkWritable(out);
        try {
            if (Files.exists(out) && Files.isSameFile(in, out) && !inPlace) {
                throw new IllegalArgumentException(out + " is the input file: give another output, or --in-place to replace the input");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        long t0 = System.nanoTime();
        ModelTools.quantize(in, out, type, threads.threads, allowRequantize, new Progress("weights quantized (elements)", 0, System.err, 2, 1));
        System.err.printf("wrote %s (%s) in %.1f s%n", out, type, (System.nanoTime() - t0) / 1e9);
        return 0;
    }
}
