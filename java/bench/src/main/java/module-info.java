/**
 * Tiller's JMH benchmarks. Not a library: it exports nothing, and scripts/bench-* run it on the
 * class path, where JMH finds the benchmarks it generated.
 */
@SuppressWarnings("requires-automatic") // JMH has no module descriptor
module dev.tiller.bench {
    requires dev.tiller;
    requires dev.tiller.langchain4j;
    requires jmh.core;
}
