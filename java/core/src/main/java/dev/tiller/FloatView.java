package dev.tiller;

import dev.tiller.internal.ViewScope;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * A read-only {@code rows x columns} float matrix in native memory owned by a {@link Session}: the
 * logits or captured residuals of an evaluation, never copied. A view lasts until its session
 * invalidates it (an evaluation that moves or rewrites its buffer, {@code decodeGreedy},
 * {@code captureLayers}, {@code close}); reading it afterwards throws a
 * {@link SessionStateException} that names the call that invalidated it. Copy what must outlive
 * the next evaluation with {@link #toArray()} or {@link #row(int)}.
 */
public final class FloatView {
    private final MemorySegment segment;
    private final int rows, columns;
    private final String what;
    private final ViewScope scope;

    FloatView(MemorySegment segment, int rows, int columns, String what, ViewScope scope) {
        this.segment = segment;
        this.rows = rows;
        this.columns = columns;
        this.what = what;
        this.scope = scope;
    }

    public int rows() {
        return rows;
    }

    public int columns() {
        return columns;
    }

    /** The value at (row, column). */
    public float get(int row, int column) {
        check();
        if (row < 0 || row >= rows || column < 0 || column >= columns) {
            throw new InvalidArgumentException(0, "(" + row + ", " + column + ") is outside this " + rows + " x " + columns + " view");
        }
        return segment.getAtIndex(ValueLayout.JAVA_FLOAT, (long) row * columns + column);
    }

    /** The value at a row-major index. */
    public float get(long index) {
        check();
        if (index < 0 || index >= (long) rows * columns) {
            throw new InvalidArgumentException(0, "index " + index + " is outside this " + rows + " x " + columns + " view");
        }
        return segment.getAtIndex(ValueLayout.JAVA_FLOAT, index);
    }

    /** A copy of one row. */
    public float[] row(int row) {
        check();
        if (row < 0 || row >= rows) throw new InvalidArgumentException(0, "row " + row + " is outside this view of " + rows + " rows");
        return segment.asSlice((long) row * columns * Float.BYTES, (long) columns * Float.BYTES).toArray(ValueLayout.JAVA_FLOAT);
    }

    /** A copy of every value, row-major. */
    public float[] toArray() {
        check();
        return segment.toArray(ValueLayout.JAVA_FLOAT);
    }

    /**
     * The native memory itself (read-only, little-endian floats), for zero-copy use with FFM or the
     * Vector API. It shares this view's lifetime; once the view is invalidated, the JDK refuses to
     * read the segment with its own {@code IllegalStateException}.
     */
    public MemorySegment segment() {
        check();
        return segment;
    }

    /** Whether the view can still be read. */
    public boolean isValid() {
        return scope.invalidatedBy() == null;
    }

    private void check() {
        String by = scope.invalidatedBy();
        if (by != null) {
            throw new SessionStateException(0, "this view of " + what + " was invalidated by " + by
                    + " (a view lasts until its session's next evaluation moves or rewrites its buffer; copy it with toArray() to keep it)");
        }
    }

    @Override
    public String toString() {
        return "FloatView[" + rows + " x " + columns + ", " + what + (isValid() ? "" : ", invalidated by " + scope.invalidatedBy()) + "]";
    }
}
