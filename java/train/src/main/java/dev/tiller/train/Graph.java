package dev.tiller.train;

import static dev.tiller.bindings.tiller_h.*;

import dev.tiller.SessionStateException;
import dev.tiller.internal.Native;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Supplier;
import java.util.function.ToIntFunction;

/**
 * The native training engine: tensors on off-heap memory and reverse-mode autograd over the ops
 * recorded since the last {@link #clear()}. Parameters are persistent tensors and survive
 * clear(); everything an op produces is freed by it. A graph is driven by one thread at a time
 * (a second thread gets a {@link SessionStateException}).
 *
 * <p>Views returned by {@link Tensor#data()} and {@link Tensor#grad()} are zero-copy; those of
 * intermediate tensors are invalidated by clear(), those of persistent tensors by
 * {@link Tensor#free()} or {@link #close()}.
 */
public final class Graph implements AutoCloseable {
    private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
    private MemorySegment handle;
    private Arena stepArena = Arena.ofShared();
    private final List<Tensor> persistent = new ArrayList<>();

    /** A graph with its own worker pool; threads &lt;= 0 means one per core. */
    public Graph(int threads) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment out = a.allocate(ValueLayout.ADDRESS);
            Native.check(tiller_graph_create(threads, out));
            handle = out.get(ValueLayout.ADDRESS, 0);
        }
    }

    /**
     * Runs a native call on the handle under the read lock (close takes the write lock, so the
     * graph is never freed under a running call) and turns its status into an exception.
     */
    void call(ToIntFunction<MemorySegment> fn) {
        lock.readLock().lock();
        try {
            if (handle == null) throw new SessionStateException(0, "graph is closed");
            Native.check(fn.applyAsInt(handle));
        } finally {
            lock.readLock().unlock();
        }
    }

    /** A constant (no gradient) freed by the next clear(). */
    public Tensor constant(float[] data, long... shape) {
        return create(data, shape, false, false);
    }

    /** An input whose gradient backward() computes (freed by the next clear()). */
    public Tensor input(float[] data, long... shape) {
        return create(data, shape, true, false);
    }

    public Tensor zeros(long... shape) {
        return create(null, shape, false, false);
    }

    /** A trainable parameter: persistent, requires grad. */
    public Tensor parameter(float[] data, long... shape) {
        return create(data, shape, true, true);
    }

    /** A persistent tensor (an EMA copy, a fixed buffer), with or without gradient. */
    public Tensor persistent(float[] data, boolean requiresGrad, long... shape) {
        return create(data, shape, requiresGrad, true);
    }

    /** A constant copied from native memory (n floats at data), freed by the next clear(). */
    public Tensor constant(MemorySegment data, long... shape) {
        return create(data, shape, false, false);
    }

    private Tensor create(Object data, long[] shape, boolean grad, boolean keep) {
        long n = 1;
        for (long d : shape) n *= d;
        try (Arena a = Arena.ofConfined()) {
            MemorySegment src = MemorySegment.NULL;
            if (data instanceof float[] f) {
                if (f.length != n) throw new IllegalArgumentException(f.length + " values for shape " + Shapes.str(shape));
                src = a.allocateFrom(ValueLayout.JAVA_FLOAT, f);
            } else if (data instanceof MemorySegment m) {
                if (m.byteSize() < n * 4) throw new IllegalArgumentException("segment of " + m.byteSize() + " bytes for shape " + Shapes.str(shape));
                src = m;
            }
            MemorySegment out = a.allocate(ValueLayout.JAVA_LONG), values = src;
            int flags = (grad ? TILLER_TENSOR_REQUIRES_GRAD() : 0) | (keep ? TILLER_TENSOR_PERSISTENT() : 0);
            call(h -> tiller_tensor_create(h, a.allocateFrom(ValueLayout.JAVA_LONG, shape), shape.length, values, flags, out));
            Tensor t = new Tensor(this, out.get(ValueLayout.JAVA_LONG, 0), shape.clone(), keep);
            if (keep) persistent.add(t);
            return t;
        }
    }

    /** Runs one op of tiller.h (TILLER_OP_*); the typed methods of {@link Tensor} call this. */
    Tensor op(int code, Tensor[] in, long[] iargs, float[] fargs, int[] ids) {
        try (Arena a = Arena.ofConfined()) {
            long[] inputs = new long[in.length];
            for (int i = 0; i < in.length; i++) inputs[i] = in[i] == null ? 0 : in[i].handle(this);
            MemorySegment out = a.allocate(ValueLayout.JAVA_LONG);
            call(h -> tiller_graph_op(h, code, seg(a, inputs), inputs.length, seg(a, iargs), iargs.length,
                    fargs.length == 0 ? MemorySegment.NULL : a.allocateFrom(ValueLayout.JAVA_FLOAT, fargs), fargs.length,
                    ids == null ? MemorySegment.NULL : a.allocateFrom(ValueLayout.JAVA_INT, ids), ids == null ? 0 : ids.length, out));
            long id = out.get(ValueLayout.JAVA_LONG, 0);
            return new Tensor(this, id, shapeOf(id), false);
        }
    }

    private static MemorySegment seg(Arena a, long[] v) {
        return v.length == 0 ? MemorySegment.NULL : a.allocateFrom(ValueLayout.JAVA_LONG, v);
    }

    long[] shapeOf(long id) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment shape = a.allocate(ValueLayout.JAVA_LONG, 8), rank = a.allocate(ValueLayout.JAVA_INT);
            call(h -> tiller_tensor_shape(h, id, shape, 8, rank));
            return shape.asSlice(0, 8L * rank.get(ValueLayout.JAVA_INT, 0)).toArray(ValueLayout.JAVA_LONG);
        }
    }

    /** A view of one buffer (TILLER_BUF_*), or null when the tensor has none (no gradient yet). */
    MemorySegment view(Tensor t, int buffer) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment data = a.allocate(ValueLayout.ADDRESS), n = a.allocate(ValueLayout.JAVA_LONG);
            call(h -> tiller_tensor_data(h, t.handle(this), buffer, data, n));
            MemorySegment p = data.get(ValueLayout.ADDRESS, 0);
            if (p.equals(MemorySegment.NULL)) return null;
            return p.reinterpret(n.get(ValueLayout.JAVA_LONG, 0) * 4, t.persistent() ? t.arena() : stepArena, null);
        }
    }

    /** Accumulates d loss / d t into the gradient of every tensor that requires grad. */
    public void backward(Tensor loss) {
        call(h -> tiller_graph_backward(h, loss.handle(this)));
    }

    /** Frees every intermediate tensor and the recorded ops; parameters stay. */
    public void clear() {
        call(h -> tiller_graph_clear(h));
        stepArena.close();
        stepArena = Arena.ofShared();
    }

    /**
     * Caps the bytes of tensor data and gradients held at once (0: no cap); an op that would pass
     * it throws {@link dev.tiller.NativeMemoryException} instead of exhausting the machine.
     */
    public void setMemoryLimit(long bytes) {
        call(h -> tiller_graph_set_memory_limit(h, bytes));
    }

    public void setGradEnabled(boolean on) {
        call(h -> tiller_graph_set_grad_enabled(h, on ? 1 : 0));
    }

    /** Runs fn with gradient recording off (evaluation), restoring it afterwards. */
    public <T> T noGrad(Supplier<T> fn) {
        setGradEnabled(false);
        try {
            return fn.get();
        } finally {
            setGradEnabled(true);
        }
    }

    public long liveTensors() {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment n = a.allocate(ValueLayout.JAVA_LONG);
            call(h -> tiller_graph_live_tensors(h, n));
            return n.get(ValueLayout.JAVA_LONG, 0);
        }
    }

    // --- in-place updates of parameter lists (the optim package builds on these) ---------------

    /** torch.optim.SGD's update (dampening 0) of every tensor that has a gradient. */
    public void sgdStep(List<Tensor> params, double lr, double momentum, double weightDecay, boolean nesterov) {
        try (Arena a = Arena.ofConfined()) {
            call(h -> tiller_optim_sgd(h, handles(a, params), params.size(), (float) lr, (float) momentum, (float) weightDecay, nesterov ? 1 : 0));
        }
    }

    /** torch.optim.Adam's update (AdamW's when decoupled); step counts from 1. */
    public void adamStep(List<Tensor> params, double lr, double beta1, double beta2, double eps, double weightDecay, boolean decoupled, long step) {
        try (Arena a = Arena.ofConfined()) {
            call(h -> tiller_optim_adam(h, handles(a, params), params.size(), (float) lr, (float) beta1, (float) beta2, (float) eps,
                    (float) weightDecay, decoupled ? 1 : 0, step));
        }
    }

    /** Rescales the gradients to a joint L2 norm of at most maxNorm; returns the norm before. */
    public double clipGradNorm(List<Tensor> params, double maxNorm) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment norm = a.allocate(ValueLayout.JAVA_FLOAT);
            call(h -> tiller_grad_clip_norm(h, handles(a, params), params.size(), (float) maxNorm, norm));
            return norm.get(ValueLayout.JAVA_FLOAT, 0);
        }
    }

    public void zeroGrad(List<Tensor> params) {
        try (Arena a = Arena.ofConfined()) {
            call(h -> tiller_grad_zero(h, handles(a, params), params.size()));
        }
    }

    /** dst[i] = decay * dst[i] + (1 - decay) * src[i]. */
    public void emaUpdate(List<Tensor> dst, List<Tensor> src, double decay) {
        if (dst.size() != src.size()) throw new IllegalArgumentException(dst.size() + " targets for " + src.size() + " sources");
        try (Arena a = Arena.ofConfined()) {
            call(h -> tiller_ema_update(h, handles(a, dst), handles(a, src), dst.size(), (float) decay));
        }
    }

    private MemorySegment handles(Arena a, List<Tensor> ts) {
        long[] h = new long[ts.size()];
        for (int i = 0; i < h.length; i++) h[i] = ts.get(i).handle(this);
        return h.length == 0 ? MemorySegment.NULL : a.allocateFrom(ValueLayout.JAVA_LONG, h);
    }

    void forget(Tensor t) {
        persistent.remove(t);
    }

    @Override
    public void close() {
        lock.writeLock().lock();
        try {
            if (handle == null) return;
            for (Tensor t : new ArrayList<>(persistent)) t.closeArena();
            persistent.clear();
            stepArena.close();
            Native.check(tiller_graph_free(handle));
            handle = null;
        } finally {
            lock.writeLock().unlock();
        }
    }
}
