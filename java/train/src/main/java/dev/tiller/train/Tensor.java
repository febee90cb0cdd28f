package dev.tiller.train;

import static dev.tiller.bindings.tiller_h.*;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * A float32 tensor of a {@link Graph}, row-major. Every op returns a new tensor and, when an
 * input requires grad, records its backward. Shapes follow numpy: binary ops broadcast, a negative
 * axis counts from the end.
 */
public final class Tensor {
    private final Graph graph;
    private final long id;
    private final long[] shape;
    private final boolean persistent;
    private Arena arena;  // views of a persistent tensor live until free() / graph close

    Tensor(Graph graph, long id, long[] shape, boolean persistent) {
        this.graph = graph;
        this.id = id;
        this.shape = shape;
        this.persistent = persistent;
        if (persistent) arena = Arena.ofShared();
    }

    long handle(Graph g) {
        if (g != graph) throw new IllegalArgumentException("tensor belongs to another graph");
        return id;
    }

    boolean persistent() {
        return persistent;
    }

    Arena arena() {
        return arena;
    }

    public Graph graph() {
        return graph;
    }

    public long[] shape() {
        return shape.clone();
    }

    public long dim(int axis) {
        return shape[axis < 0 ? axis + shape.length : axis];
    }

    public int rank() {
        return shape.length;
    }

    public long size() {
        return Shapes.size(shape);
    }

    /** The values, zero-copy and writable. */
    public MemorySegment data() {
        return graph.view(this, TILLER_BUF_DATA());
    }

    /** The accumulated gradient, or null before a backward reached this tensor. */
    public MemorySegment grad() {
        return graph.view(this, TILLER_BUF_GRAD());
    }

    /** Optimizer state buffer 0 or 1 (momentum / Adam moments), allocated on request. */
    public MemorySegment optimizerState(int which) {
        if (which != 0 && which != 1) throw new IllegalArgumentException("optimizer state is 0 or 1");
        return graph.view(this, TILLER_BUF_STATE0() + which);
    }

    public float[] toArray() {
        return data().toArray(ValueLayout.JAVA_FLOAT);
    }

    /** The gradient as an array (zeros before any backward reached this tensor). */
    public float[] gradArray() {
        MemorySegment g = grad();
        return g == null ? new float[(int) size()] : g.toArray(ValueLayout.JAVA_FLOAT);
    }

    /** The value of a one-element tensor. */
    public float item() {
        if (size() != 1) throw new IllegalStateException("item() needs one value, the shape is " + Shapes.str(shape));
        return data().get(ValueLayout.JAVA_FLOAT, 0);
    }

    public void copyFrom(float[] values) {
        if (values.length != size()) throw new IllegalArgumentException(values.length + " values for shape " + Shapes.str(shape));
        MemorySegment.copy(values, 0, data(), ValueLayout.JAVA_FLOAT, 0, values.length);
    }

    public Tensor requiresGrad(boolean on) {
        graph.call(h -> tiller_tensor_set_requires_grad(h, id, on ? 1 : 0));
        return this;
    }

    /** Frees the tensor now (its handle and views become invalid). */
    public void free() {
        graph.call(h -> tiller_tensor_free(h, id));
        if (persistent) {
            graph.forget(this);
            closeArena();
        }
    }

    void closeArena() {
        if (arena != null) arena.close();
        arena = null;
    }

    // --- ops -------------------------------------------------------------------------------

    private Tensor op(int code, Tensor[] in, long[] iargs, float[] fargs, int[] ids) {
        return graph.op(code, in, iargs, fargs, ids);
    }

    private Tensor op(int code, long... iargs) {
        return op(code, new Tensor[] {this}, iargs, new float[0], null);
    }

    private Tensor op2(int code, Tensor b) {
        return op(code, new Tensor[] {this, b}, new long[0], new float[0], null);
    }

    private Tensor opf(int code, float f, long... iargs) {
        return op(code, new Tensor[] {this}, iargs, new float[] {f}, null);
    }

    /** this @ b. */
    public Tensor matmul(Tensor b) {
        return matmul(b, false, false);
    }

    /** op(this) @ op(b), op = transpose when asked; b is 2-D (shared) or batched like this. */
    public Tensor matmul(Tensor b, boolean transposeThis, boolean transposeB) {
        return op(TILLER_OP_MATMUL(), new Tensor[] {this, b}, new long[] {transposeThis ? 1 : 0, transposeB ? 1 : 0}, new float[0], null);
    }

    public Tensor add(Tensor b) { return op2(TILLER_OP_ADD(), b); }
    public Tensor sub(Tensor b) { return op2(TILLER_OP_SUB(), b); }
    public Tensor mul(Tensor b) { return op2(TILLER_OP_MUL(), b); }
    public Tensor div(Tensor b) { return op2(TILLER_OP_DIV(), b); }
    public Tensor relu() { return op(TILLER_OP_RELU()); }
    /** GELU, tanh approximation (Gemma's). */
    public Tensor gelu() { return op(TILLER_OP_GELU()); }
    public Tensor tanh() { return op(TILLER_OP_TANH()); }
    public Tensor sigmoid() { return op(TILLER_OP_SIGMOID()); }
    public Tensor exp() { return op(TILLER_OP_EXP()); }
    public Tensor log() { return op(TILLER_OP_LOG()); }
    public Tensor neg() { return op(TILLER_OP_NEG()); }
    public Tensor square() { return op(TILLER_OP_SQUARE()); }
    public Tensor sqrt() { return op(TILLER_OP_SQRT()); }
    public Tensor abs() { return op(TILLER_OP_ABS()); }

    /** this * scale + shift. */
    public Tensor affine(float scale, float shift) {
        return op(TILLER_OP_AFFINE(), new Tensor[] {this}, new long[0], new float[] {scale, shift}, null);
    }

    public Tensor scale(float s) { return affine(s, 0f); }

    /** cap * tanh(this / cap): Gemma 2's soft-capping. */
    public Tensor softcap(float cap) { return affine(1f / cap, 0f).tanh().affine(cap, 0f); }

    public Tensor sum() { return op(TILLER_OP_SUM(), TILLER_ALL_AXES(), 0); }
    public Tensor mean() { return op(TILLER_OP_MEAN(), TILLER_ALL_AXES(), 0); }
    public Tensor sum(int axis, boolean keepdim) { return op(TILLER_OP_SUM(), axis, keepdim ? 1 : 0); }
    public Tensor mean(int axis, boolean keepdim) { return op(TILLER_OP_MEAN(), axis, keepdim ? 1 : 0); }
    public Tensor max(int axis, boolean keepdim) { return op(TILLER_OP_MAX(), axis, keepdim ? 1 : 0); }
    /** Softmax over the last axis. */
    public Tensor softmax() { return op(TILLER_OP_SOFTMAX()); }
    public Tensor logSoftmax() { return op(TILLER_OP_LOG_SOFTMAX()); }

    public Tensor reshape(long... newShape) { return op(TILLER_OP_RESHAPE(), newShape); }
    public Tensor permute(long... perm) { return op(TILLER_OP_PERMUTE(), perm); }

    /** Swaps two axes. */
    public Tensor transpose(int a, int b) {
        long[] perm = new long[rank()];
        for (int i = 0; i < perm.length; i++) perm[i] = i;
        a = a < 0 ? a + rank() : a;
        b = b < 0 ? b + rank() : b;
        perm[a] = b;
        perm[b] = a;
        return permute(perm);
    }

    public Tensor slice(int axis, long start, long length) { return op(TILLER_OP_SLICE(), axis, start, length); }

    public static Tensor concat(int axis, Tensor... xs) {
        return xs[0].op(TILLER_OP_CONCAT(), xs, new long[] {axis}, new float[0], null);
    }

    /** [N, C] -> [N]: this[i, index[i]]. */
    public Tensor gather(int[] index) {
        return op(TILLER_OP_GATHER(), new Tensor[] {this}, new long[0], new float[0], index);
    }

    /** Rows of this table [V, D] for ids of the given shape: [...idsShape, D]. */
    public Tensor embedding(int[] ids, long... idsShape) {
        return op(TILLER_OP_EMBEDDING(), new Tensor[] {this}, idsShape, new float[0], ids);
    }

    /** RMSNorm over the last axis: this / rms * w (w stores the multiplier, as GGUF does). */
    public Tensor rmsNorm(Tensor w, float eps) {
        return op(TILLER_OP_RMS_NORM(), new Tensor[] {this, w}, new long[0], new float[] {eps}, null);
    }

    public Tensor layerNorm(Tensor w, Tensor b, float eps) {
        return op(TILLER_OP_LAYER_NORM(), b == null ? new Tensor[] {this, w} : new Tensor[] {this, w, b}, new long[0], new float[] {eps}, null);
    }

    /** Inverted dropout with a mask determined by the seed. */
    public Tensor dropout(float p, long seed) { return opf(TILLER_OP_DROPOUT(), p, seed); }

    /** this [N,C,H,W] convolved with w [O,C,KH,KW] (+ b [O], may be null). */
    public Tensor conv2d(Tensor w, Tensor b, int stride, int padding) {
        return op(TILLER_OP_CONV2D(), b == null ? new Tensor[] {this, w} : new Tensor[] {this, w, b}, new long[] {stride, padding}, new float[0], null);
    }

    public Tensor maxPool2d(int window, int stride) { return op(TILLER_OP_MAX_POOL2D(), window, stride); }
    public Tensor avgPool2d(int window, int stride) { return op(TILLER_OP_AVG_POOL2D(), window, stride); }

    /** NEOX rotary embedding of [..., T, D] at positions firstPosition + t. */
    public Tensor rope(float base, long firstPosition) { return opf(TILLER_OP_ROPE(), base, firstPosition); }

    /** softmax(scale * this) over the last axis of [..., T, T], future positions masked. */
    public Tensor causalSoftmax(float scale) { return opf(TILLER_OP_CAUSAL_SOFTMAX(), scale); }
    /** The causal softmax of a sliding-window layer: row t weighs keys t - window + 1 .. t (window 0: all). */
    public Tensor causalSoftmax(float scale, int window) { return opf(TILLER_OP_CAUSAL_SOFTMAX(), scale, window); }

    @Override
    public String toString() {
        return "Tensor" + Shapes.str(shape);
    }
}
