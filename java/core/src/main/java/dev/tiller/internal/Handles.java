package dev.tiller.internal;

import java.lang.foreign.MemorySegment;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * How one API package uses another's native handle without making the handle API (the JDK's
 * SharedSecrets pattern): an owner class registers, in its static initializer, how to reach the
 * {@link GuardedHandle} of an instance. Registration precedes any instance, so a lookup never misses.
 */
public final class Handles {
    private static final Map<Class<?>, Function<Object, GuardedHandle>> OWNERS = new ConcurrentHashMap<>();

    private Handles() {}

    public static <O> void register(Class<O> owner, Function<O, GuardedHandle> handleOf) {
        OWNERS.put(owner, o -> handleOf.apply(owner.cast(o)));
    }

    /** Runs fn with the owner's open handle (SessionStateException once it is closed). */
    public static <T> T with(Object owner, Function<MemorySegment, T> fn) {
        return OWNERS.get(owner.getClass()).apply(owner).with(fn);
    }
}
