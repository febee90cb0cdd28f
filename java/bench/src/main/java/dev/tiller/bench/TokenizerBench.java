package dev.tiller.bench;

import dev.tiller.Tokenizer;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/** Encoding 1 MB of English prose (Jane Austen) with Gemma 3's tokenizer on one thread. */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
@Threads(1)
public class TokenizerBench {
    private Tokenizer tokenizer;
    private String text;

    @Setup
    public void setup() {
        tokenizer = Tokenizer.load(BenchData.gemma3Vocab());
        text = BenchData.austen(1_000_000);
    }

    @TearDown
    public void tearDown() {
        tokenizer.close();
    }

    @Benchmark
    public int[] encodeOneMegabyte() {
        return tokenizer.encode(text, false);
    }
}
