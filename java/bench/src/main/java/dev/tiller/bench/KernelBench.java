package dev.tiller.bench;

import dev.tiller.Model;
import dev.tiller.ModelTools;
import dev.tiller.Session;
import dev.tiller.SessionOptions;
import dev.tiller.TensorInfo;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The matrix kernels of the forward pass, one weight type at a time, on the Gemma-2-2B FFN up
 * projection (9216 x 2304), taking the matrices of 8 layers in turn so that decoding streams them
 * from memory rather than cache, as in a real model: {@code tokens = 1} is decoding
 * (matrix-vector; read as weight bytes per second, against the machine's read bandwidth),
 * {@code tokens = 128} prompt processing (read as integer multiply-adds, 2 ops each, per second,
 * against its VNNI peak). Runs through
 * {@link Session#matmul}, the kernels and threads of the forward pass. The counters
 * {@code weightBytes} and {@code ops} are per second: divide by 1e9 for GB/s and GOP/s.
 * {@code scripts/bench-kernels} prints the machine's limits next to them.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
public class KernelBench {
    static final int LAYERS = 8;

    @Param({"Q8_0", "Q4_0", "Q4_1", "Q5_0", "Q5_1", "Q4_K", "Q5_K", "Q6_K", "F16", "BF16", "F32"})
    public String type;

    @Param({"1", "128"})
    public int tokens;

    @Param({"2"})
    public int threads;

    private Path file;
    private Model model;
    private Session session;
    private Arena arena;
    private MemorySegment x, y;
    private long weightBytes, ops;

    /** Rates per second of the work done (JMH normalises the counters by time). */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    public static class Rates {
        public long weightBytes;
        public long ops;
    }

    @Setup(Level.Trial)
    public void setup() {
        try {
            file = Files.createTempFile("tiller-kernel-bench-", ".gguf");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        // Gemma-2-2B layers with a small vocabulary: the matrices of the real shape, quick to write.
        ModelTools.writeRandomModel(file, new ModelTools.Shape("gemma2", LAYERS, 2304, 8, 4, 256, 9216, 1024), type, 1, threads);
        model = Model.load(file);
        TensorInfo t = model.tensors().stream().filter(i -> i.name().equals(tensor(0))).findFirst().orElseThrow();
        if (!t.type().equals(type)) throw new IllegalStateException(tensor(0) + " was written as " + t.type() + ", not " + type);
        session = model.newSession(new SessionOptions(8, threads));
        long cols = t.shape()[0], rows = t.shape()[1];
        weightBytes = t.data().byteSize();
        ops = 2L * rows * cols * tokens;
        arena = Arena.ofShared();
        x = arena.allocate(ValueLayout.JAVA_FLOAT, cols * tokens);
        y = arena.allocate(ValueLayout.JAVA_FLOAT, rows * tokens);
        SplittableRandom r = new SplittableRandom(2);
        for (long i = 0; i < cols * tokens; i++) x.setAtIndex(ValueLayout.JAVA_FLOAT, i, (float) r.nextGaussian());
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        session.close();
        model.close();
        arena.close();
        Files.deleteIfExists(file);
    }

    private static String tensor(int layer) {
        return "blk." + layer + ".ffn_up.weight";
    }

    private int next;

    @Benchmark
    public void matmul(Rates rates) {
        session.matmul(tensor(next), x, tokens, y);
        next = (next + 1) % LAYERS;
        rates.weightBytes += weightBytes;
        rates.ops += ops;
    }
}
