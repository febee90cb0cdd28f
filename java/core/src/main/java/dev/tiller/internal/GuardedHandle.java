package dev.tiller.internal;

import dev.tiller.SessionStateException;

import java.lang.foreign.MemorySegment;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * A native handle that many threads may use while one may close it: uses hold the read lock,
 * close takes the write lock, so a handle is never freed under a running native call.
 */
public final class GuardedHandle {
    private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
    private final String what;
    private MemorySegment ptr;

    public GuardedHandle(MemorySegment ptr, String what) {
        this.ptr = ptr;
        this.what = what;
    }

    /** Runs fn with the handle; throws SessionStateException once closed. */
    public <T> T with(Function<MemorySegment, T> fn) {
        lock.readLock().lock();
        try {
            if (ptr == null) throw new SessionStateException(0, what + " is closed");
            return fn.apply(ptr);
        } finally {
            lock.readLock().unlock();
        }
    }

    public boolean isOpen() {
        lock.readLock().lock();
        try {
            return ptr != null;
        } finally {
            lock.readLock().unlock();
        }
    }

    /** Frees the handle once (later calls do nothing), after running beforeFree. */
    public void close(Runnable beforeFree, Consumer<MemorySegment> free) {
        lock.writeLock().lock();
        try {
            if (ptr == null) return;
            beforeFree.run();
            free.accept(ptr);
            ptr = null;
        } finally {
            lock.writeLock().unlock();
        }
    }
}
