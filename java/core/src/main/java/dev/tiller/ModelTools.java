package dev.tiller;

import dev.tiller.internal.Native;
import dev.tiller.internal.Upcalls;

import static dev.tiller.bindings.tiller_h.*;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Path;
import java.util.Objects;

/** Writing model files: quantization (llama.cpp-compatible) and random-weight models for benchmarks. */
public final class ModelTools {
    private ModelTools() {}

    /** The shape of a Gemma-family model. */
    public record Shape(String arch, int layers, int embedding, int heads, int kvHeads, int headDim, int feedForward,
            int vocabulary) {
        /** Gemma 3 270M: 18 layers, width 640, 4 heads, 1 KV head, head dim 256, FFN 2048, vocabulary 262144. */
        public static Shape gemma3_270m() {
            return new Shape("gemma3", 18, 640, 4, 1, 256, 2048, 262144);
        }

        /** Gemma 2 2B: 26 layers, width 2304, 8 heads, 4 KV heads, head dim 256, FFN 9216, vocabulary 256000. */
        public static Shape gemma2_2b() {
            return new Shape("gemma2", 26, 2304, 8, 4, 256, 9216, 256000);
        }

        /** Gemma 3 1B: 26 layers, width 1152, 4 heads, 1 KV head, head dim 256, FFN 6912, vocabulary 262144. */
        public static Shape gemma3_1b() {
            return new Shape("gemma3", 26, 1152, 4, 1, 256, 6912, 262144);
        }
    }

    /**
     * Re-encodes every weight matrix of a GGUF as {@code type}: Q8_0, Q4_0, Q4_1, Q5_0, Q5_1, Q4_K,
     * Q5_K, Q6_K, the llama.cpp mixes Q4_K_M and Q5_K_M, or F32, F16, BF16. Metadata is copied; a
     * tensor already in its target type is copied as it is. A tensor that is already quantized is
     * not re-quantized into another quantized type (it would lose precision, as llama.cpp warns).
     */
    public static void quantize(Path in, Path out, String type, int threads) {
        quantize(in, out, type, threads, false, null);
    }

    /**
     * {@link #quantize(Path, Path, String, int)}, re-quantizing quantized tensors when
     * {@code allowRequantize} (llama.cpp's --allow-requantize), telling {@code progress} (may be null)
     * the elements done after each tensor.
     */
    public static void quantize(Path in, Path out, String type, int threads, boolean allowRequantize, ProgressListener progress) {
        Objects.requireNonNull(in, "in");
        Objects.requireNonNull(out, "out");
        Objects.requireNonNull(type, "type");
        try (Arena a = Arena.ofConfined()) {
            Upcalls.Progress p = new Upcalls.Progress(progress, a);
            int status = tiller_quantize(Native.cPath(a, in), Native.cPath(a, out), a.allocateFrom(type), threads,
                    allowRequantize ? TILLER_QUANTIZE_ALLOW_REQUANTIZE() : 0, p.stub(), MemorySegment.NULL);
            p.rethrow("progress listener");
            Native.check(status);
        }
    }

    /** Writes a random-weight model of a real shape in a weight type (as for {@link #quantize}). */
    public static void writeRandomModel(Path out, Shape shape, String type, long seed, int threads) {
        Objects.requireNonNull(out, "out");
        Objects.requireNonNull(shape, "shape");
        try (Arena a = Arena.ofConfined()) {
            MemorySegment dims = a.allocateFrom(ValueLayout.JAVA_LONG, shape.layers(), shape.embedding(), shape.heads(),
                    shape.kvHeads(), shape.headDim(), shape.feedForward(), shape.vocabulary());
            Native.check(tiller_write_random_model(Native.cPath(a, out), a.allocateFrom(shape.arch()), dims,
                    a.allocateFrom(Objects.requireNonNull(type, "type")), seed, threads));
        }
    }
}
