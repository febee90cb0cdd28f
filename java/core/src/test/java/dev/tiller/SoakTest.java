package dev.tiller;

import dev.tiller.testing.Fixtures;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SegmentAllocator;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Long-running checks, excluded from the default test run (tag "soak"; .ci/run runs them):
 * no native memory growth over many create/generate/close cycles, and concurrent generation on
 * one model equal to sequential generation.
 */
@Tag("soak")
class SoakTest {

    // glibc's struct mallinfo2: ten size_t fields; hblkhd (4) + uordblks (7) = bytes in use.
    private static final MethodHandle MALLINFO2 = Linker.nativeLinker().downcallHandle(
            Linker.nativeLinker().defaultLookup().find("mallinfo2").orElseThrow(),
            FunctionDescriptor.of(MemoryLayout.structLayout(MemoryLayout.sequenceLayout(10, ValueLayout.JAVA_LONG))));

    /** Bytes allocated with malloc in this process (glibc mallinfo2). */
    static long mallocInUse() {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment info = (MemorySegment) MALLINFO2.invokeExact((SegmentAllocator) a);
            return info.getAtIndex(ValueLayout.JAVA_LONG, 4) + info.getAtIndex(ValueLayout.JAVA_LONG, 7);
        } catch (Throwable e) {
            throw new IllegalStateException("mallinfo2 failed", e);
        }
    }

    /** Resident set size of this process in KiB (Linux). */
    static long rssKib() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("VmRSS:")) return Long.parseLong(line.replaceAll("[^0-9]", ""));
        }
        throw new IllegalStateException("no VmRSS in /proc/self/status");
    }

    private static int[] generate(Model m, int seed, int tokens) {
        try (Session s = m.newSession(new SessionOptions(128, 1))) {
            List<Integer> ids = new ArrayList<>();
            s.generate(new int[] {1, 10 + seed, 20 + seed}, SamplingParams.defaults().withTemperature(1.5f).withSeed(seed)
                    .withMaxTokens(tokens).withLogitBias(java.util.Map.of(2, Float.NEGATIVE_INFINITY)))
                    .forEachRemaining(t -> ids.add(t.id()));
            return ids.stream().mapToInt(Integer::intValue).toArray();
        }
    }

    @Test
    void tenThousandCreateGenerateCloseCyclesDoNotGrowNativeMemory() throws IOException, InterruptedException {
        long t0 = System.nanoTime();
        for (int i = 0; i < 1000; i++) cycle(i); // warm-up: JIT, heap sizing, allocator arenas
        long rssA = settledRss(), mallocA = mallocInUse();
        for (int i = 0; i < 10_000; i++) cycle(i);
        long rssB = settledRss(), mallocB = mallocInUse();
        double secs = (System.nanoTime() - t0) / 1e9;
        System.out.printf("soak: 10000 create/generate/close cycles in %.1f s; native malloc in use %d -> %d bytes (%+d); "
                + "process RSS %d -> %d KiB (%+d, includes the Java heap)%n", secs, mallocA, mallocB, mallocB - mallocA,
                rssA, rssB, rssB - rssA);
        // Native memory: a leak of even 100 bytes per cycle would show as 1 MB.
        assertTrue(mallocB - mallocA < 1 << 20, "native malloc grew by " + (mallocB - mallocA) + " bytes over 10000 cycles");
    }

    private static long settledRss() throws IOException, InterruptedException {
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(100); // let cleaners free unreachable native objects
        }
        return rssKib();
    }

    private static void cycle(int i) {
        try (Model m = Model.load(Fixtures.smallModel()); Session s = m.newSession(new SessionOptions(32, 1))) {
            s.captureLayers(1);
            s.generate(new int[] {1, i % 2000 + 3}, SamplingParams.greedy().withMaxTokens(2)).complete();
        }
    }

    @Test
    void eightThreadsOnOneModelMatchSingleThreadedRuns() throws Exception {
        try (Model m = Model.load(Fixtures.smallModel())) {
            int[][] expected = new int[8][];
            for (int k = 0; k < 8; k++) expected[k] = generate(m, k, 64);
            long t0 = System.nanoTime();
            ExecutorService pool = Executors.newFixedThreadPool(8);
            try {
                List<Future<int[]>> futures = new ArrayList<>();
                for (int round = 0; round < 5; round++) {
                    for (int k = 0; k < 8; k++) {
                        final int seed = k;
                        futures.add(pool.submit(() -> generate(m, seed, 64)));
                    }
                }
                for (int i = 0; i < futures.size(); i++) {
                    assertEquals(java.util.Arrays.toString(expected[i % 8]), java.util.Arrays.toString(futures.get(i).get()));
                }
            } finally {
                pool.shutdownNow();
            }
            System.out.printf("soak: 40 concurrent generations of 64 tokens on 8 threads in %.1f s, all equal to sequential runs%n",
                    (System.nanoTime() - t0) / 1e9);
        }
    }
}
