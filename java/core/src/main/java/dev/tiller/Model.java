package dev.tiller;

import dev.tiller.internal.GuardedHandle;
import dev.tiller.internal.Native;

import static dev.tiller.bindings.tiller_h.*;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;

/**
 * A Gemma-family model loaded from a GGUF file (memory-mapped, never copied). Immutable and safe to
 * share between threads; create any number of {@link Session}s from it. Closing the model releases
 * the caller's reference: sessions still open keep the weights mapped until they close.
 */
public final class Model implements AutoCloseable {
    private final Path path;
    private final Arena views = Arena.ofShared();
    private final GuardedHandle handle;
    private final ModelInfo info;
    private volatile Metadata metadata;
    private volatile Tokenizer tokenizer;

    private Model(Path path, MemorySegment handle) {
        this.path = path;
        this.handle = new GuardedHandle(handle, "model " + path);
        this.info = readInfo();
    }

    /**
     * Loads a GGUF model. Throws {@link ModelIOException} when the file cannot be read,
     * {@link ModelFormatException} when it is malformed and {@link UnsupportedModelException} when
     * it uses an architecture or weight type Tiller does not run.
     */
    public static Model load(Path path) {
        return open(path, true);
    }

    /**
     * Opens a model to describe it even when its vocabulary disagrees with its weights (which
     * {@link #load} refuses): {@link #problem()} says what is wrong, and sessions over such a model
     * are refused.
     */
    public static Model openForInspection(Path path) {
        return open(path, false);
    }

    private static Model open(Path path, boolean strict) {
        Objects.requireNonNull(path, "path");
        try (Arena a = Arena.ofConfined()) {
            MemorySegment out = a.allocate(ValueLayout.ADDRESS);
            MemorySegment p = Native.cPath(a, path);
            Native.check(strict ? tiller_model_load(p, out) : tiller_model_open_for_inspection(p, out));
            return new Model(path, Native.readPointer(out));
        }
    }

    /** What is wrong with a model opened for inspection, if anything. */
    public Optional<String> problem() {
        return withHandle(h -> {
            try (Arena a = Arena.ofConfined()) {
                MemorySegment out = a.allocate(ValueLayout.ADDRESS);
                Native.check(tiller_model_problem(h, out));
                String s = Native.cString(Native.readPointer(out));
                return s == null || s.isEmpty() ? Optional.<String>empty() : Optional.of(s);
            }
        });
    }

    public Path path() {
        return path;
    }

    public ModelInfo info() {
        return info;
    }

    /** Every metadata key of the file. */
    public Metadata metadata() {
        Metadata m = metadata;
        if (m == null) {
            synchronized (this) {
                if (metadata == null) metadata = new Metadata(this);
                m = metadata;
            }
        }
        return m;
    }

    /**
     * The model's tokenizer (built once, on first use). It stays usable after the model is closed,
     * so that sessions can finish their work; it is freed when no longer referenced.
     */
    public Tokenizer tokenizer() {
        Tokenizer t = tokenizer;
        if (t == null) {
            synchronized (this) {
                if (tokenizer == null) tokenizer = withHandle(Tokenizer::fromModel);
                t = tokenizer;
            }
        }
        return t;
    }

    /** The Gemma chat template over this model's tokenizer. */
    public ChatTemplate chatTemplate() {
        return new ChatTemplate(tokenizer());
    }

    /** The tensors of the file, with zero-copy views of their data (valid until this model closes). */
    public List<TensorInfo> tensors() {
        return withHandle(h -> {
            try (Arena a = Arena.ofConfined()) {
                MemorySegment count = a.allocate(ValueLayout.JAVA_LONG);
                Native.check(tiller_model_tensor_count(h, count));
                MemorySegment name = a.allocate(ValueLayout.ADDRESS), type = a.allocate(ValueLayout.JAVA_INT);
                MemorySegment dims = a.allocate(ValueLayout.JAVA_INT), ne = a.allocate(ValueLayout.JAVA_LONG, 4);
                MemorySegment data = a.allocate(ValueLayout.ADDRESS), bytes = a.allocate(ValueLayout.JAVA_LONG);
                List<TensorInfo> out = new ArrayList<>();
                for (long i = 0, n = count.get(ValueLayout.JAVA_LONG, 0); i < n; i++) {
                    Native.check(tiller_model_tensor_info(h, i, name, type, dims, ne, data, bytes));
                    long[] shape = new long[dims.get(ValueLayout.JAVA_INT, 0)];
                    for (int d = 0; d < shape.length; d++) shape[d] = ne.getAtIndex(ValueLayout.JAVA_LONG, d);
                    MemorySegment view = Native.readPointer(data)
                            .reinterpret(bytes.get(ValueLayout.JAVA_LONG, 0), views, null).asReadOnly();
                    out.add(new TensorInfo(Native.cString(Native.readPointer(name)),
                            Native.cString(tiller_type_name(type.get(ValueLayout.JAVA_INT, 0))), shape, view));
                }
                return Collections.unmodifiableList(out);
            }
        });
    }

    /** A new session (its own KV cache) over this model. */
    public Session newSession(SessionOptions options) {
        Objects.requireNonNull(options, "options");
        return withHandle(h -> Session.create(this, h, options));
    }

    public Session newSession() {
        return newSession(SessionOptions.defaults());
    }

    public boolean isOpen() {
        return handle.isOpen();
    }

    @Override
    public void close() {
        handle.close(views::close, h -> Native.check(tiller_model_free(h)));
    }

    /** Runs fn with the native handle while holding off close(). */
    <T> T withHandle(Function<MemorySegment, T> fn) {
        return handle.with(fn);
    }

    private ModelInfo readInfo() {
        return withHandle(h -> {
            try (Arena a = Arena.ofConfined()) {
                MemorySegment hp = a.allocate(ValueLayout.JAVA_LONG, TILLER_HP_COUNT());
                Native.check(tiller_model_hparams(h, hp, TILLER_HP_COUNT()));
                MemorySegment archName = a.allocate(ValueLayout.ADDRESS);
                Native.check(tiller_model_arch_name(h, archName));
                int nLayer = (int) hp.getAtIndex(ValueLayout.JAVA_LONG, TILLER_HP_N_LAYER());
                MemorySegment lay = a.allocate(ValueLayout.JAVA_LONG, TILLER_LAYER_COUNT());
                MemorySegment base = a.allocate(ValueLayout.JAVA_FLOAT), scale = a.allocate(ValueLayout.JAVA_FLOAT);
                List<LayerInfo> layers = new ArrayList<>(nLayer);
                for (int il = 0; il < nLayer; il++) {
                    Native.check(tiller_model_layer(h, il, lay, TILLER_LAYER_COUNT()));
                    Native.check(tiller_model_layer_rope(h, il, base, scale));
                    layers.add(new LayerInfo(il, lay.getAtIndex(ValueLayout.JAVA_LONG, TILLER_LAYER_IS_SWA()) != 0,
                            (int) lay.getAtIndex(ValueLayout.JAVA_LONG, TILLER_LAYER_N_HEAD()),
                            (int) lay.getAtIndex(ValueLayout.JAVA_LONG, TILLER_LAYER_N_HEAD_KV()),
                            (int) lay.getAtIndex(ValueLayout.JAVA_LONG, TILLER_LAYER_N_FF()),
                            base.get(ValueLayout.JAVA_FLOAT, 0), scale.get(ValueLayout.JAVA_FLOAT, 0)));
                }
                Optional<String> template = stringKey(h, a, "tokenizer.chat_template");
                Optional<String> name = stringKey(h, a, "general.name");
                return new ModelInfo(Native.cString(Native.readPointer(archName)),
                        (int) hp.getAtIndex(ValueLayout.JAVA_LONG, TILLER_HP_N_VOCAB()),
                        (int) hp.getAtIndex(ValueLayout.JAVA_LONG, TILLER_HP_N_EMBD()), nLayer,
                        (int) hp.getAtIndex(ValueLayout.JAVA_LONG, TILLER_HP_N_HEAD()),
                        (int) hp.getAtIndex(ValueLayout.JAVA_LONG, TILLER_HP_N_HEAD_KV()),
                        (int) hp.getAtIndex(ValueLayout.JAVA_LONG, TILLER_HP_HEAD_DIM()),
                        (int) hp.getAtIndex(ValueLayout.JAVA_LONG, TILLER_HP_N_FF()),
                        (int) hp.getAtIndex(ValueLayout.JAVA_LONG, TILLER_HP_N_CTX_TRAIN()),
                        (int) hp.getAtIndex(ValueLayout.JAVA_LONG, TILLER_HP_N_SWA()),
                        Collections.unmodifiableList(layers), template, name);
            }
        });
    }

    private static Optional<String> stringKey(MemorySegment h, Arena a, String key) {
        MemorySegment idx = a.allocate(ValueLayout.JAVA_LONG);
        Native.check(tiller_meta_find(h, a.allocateFrom(key), idx));
        long i = idx.get(ValueLayout.JAVA_LONG, 0);
        if (i < 0) return Optional.empty();
        MemorySegment type = a.allocate(ValueLayout.JAVA_INT);
        Native.check(tiller_meta_info(h, i, MemorySegment.NULL, type, MemorySegment.NULL, MemorySegment.NULL));
        if (type.get(ValueLayout.JAVA_INT, 0) != TILLER_META_STRING()) return Optional.empty();
        MemorySegment data = a.allocate(ValueLayout.ADDRESS), len = a.allocate(ValueLayout.JAVA_LONG);
        Native.check(tiller_meta_string(h, i, 0, data, len));
        return Optional.of(Native.utf8(Native.readPointer(data), len.get(ValueLayout.JAVA_LONG, 0)));
    }

    @Override
    public String toString() {
        return "Model[" + path + ", " + info.architecture() + ", " + info.layerCount() + " layers]";
    }
}
