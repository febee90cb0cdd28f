package dev.tiller.internal;

import java.lang.foreign.Arena;

/**
 * The lifetime of a session's views: the arena their segments belong to, and once closed, the call
 * that closed it (so that a stale {@link FloatView} can say what invalidated it).
 */
public final class ViewScope {
    private final Arena arena = Arena.ofShared();
    private volatile String invalidatedBy;

    public Arena arena() {
        return arena;
    }

    public String invalidatedBy() {
        return invalidatedBy;
    }

    /** Records the reason first, so a reader that finds the arena closed also finds the reason. */
    public void invalidate(String by) {
        invalidatedBy = by;
        arena.close();
    }
}
