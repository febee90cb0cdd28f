package dev.tiller;

import dev.tiller.internal.Handles;
import dev.tiller.internal.Native;
import dev.tiller.internal.Upcalls;
import dev.tiller.internal.ViewScope;
import dev.tiller.steer.ControlVector;
import dev.tiller.steer.Sae;
import dev.tiller.steer.SteeringVector;

import static dev.tiller.bindings.tiller_h.*;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Objects;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One sequence over a model: a KV cache, the logits of the last evaluation and optional residual
 * capture and control vector. A session is driven by one thread at a time; a call while another
 * thread is inside the session fails with {@link SessionStateException} rather than corrupting it.
 *
 * <p>Logits and captured activations are {@link FloatView}s of native memory owned by the session
 * (no copy). A view lasts until an evaluation moves or rewrites its buffer, {@code decodeGreedy},
 * {@code captureLayers} or {@code close}; reading it afterwards throws
 * {@link SessionStateException} naming the call that invalidated it.
 */
public final class Session implements AutoCloseable {
    private final Model model;
    private final int nVocab;
    private final int nEmbd;
    private final int nLayer;
    private final ReentrantLock lock = new ReentrantLock();
    private final Arena arena = Arena.ofShared();
    private MemorySegment handle;
    private ViewScope views = new ViewScope();
    private MemorySegment tokenBuffer = MemorySegment.NULL;
    private final MemorySegment statsBuffer = arena.allocate(16, 8);
    private int logitRowsHeld;
    private int[] capturedLayers = new int[0];
    private final java.util.EnumMap<CapturePoint, int[]> capturedAt = new java.util.EnumMap<>(CapturePoint.class);
    private AdaptiveAttention adaptive = AdaptiveAttention.dense();
    private boolean recordingHeads;
    private Upcalls.Hook hookBridge;
    private ProgressListener progress;
    /** Prompt tokens per native call when a progress listener is set. */
    public static final int PROGRESS_CHUNK = 512;
    /** The scopes of recently invalidated views and what invalidated them (weak: forgotten with their segments). */
    private final java.util.Map<MemorySegment.Scope, String> deadScopes = java.util.Collections.synchronizedMap(new java.util.WeakHashMap<>());

    private Session(Model model, MemorySegment handle) {
        this.model = model;
        this.handle = handle;
        ModelInfo info = model.info();
        this.nVocab = info.vocabularySize();
        this.nEmbd = info.embeddingLength();
        this.nLayer = info.layerCount();
    }

    static Session create(Model model, MemorySegment modelHandle, SessionOptions options) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment out = a.allocate(ValueLayout.ADDRESS);
            Native.check(tiller_session_new_with_cache(modelHandle, options.contextLength(), options.threads(),
                    options.cacheTypeK().ggmlType(), options.cacheTypeV().ggmlType(), out));
            Session s = new Session(model, Native.readPointer(out));
            if (!options.adaptiveAttention().isDense()) {
                try {
                    s.setAdaptiveAttention(options.adaptiveAttention());
                } catch (RuntimeException e) {
                    s.close();
                    throw e;
                }
            }
            return s;
        }
    }

    public Model model() {
        return model;
    }

    /**
     * Evaluates tokens appended at the current position and returns the logits of the last one
     * (a 1 x {@code n_vocab} view of the session's native buffer). A later evaluation either reuses
     * the buffer (the view then shows the newer logits; it stays safe to read) or, when it needs a
     * larger buffer or captures residuals, invalidates the view (reading it then throws
     * {@link SessionStateException}). Invalidating costs a handshake with every Java thread, so
     * decoding one token at a time does not pay it.
     */
    public FloatView evaluate(int[] tokens) {
        return run(tokens, false);
    }

    /** Evaluates tokens and returns the logits of every one of them ({@code tokens.length x n_vocab}, row-major). */
    public FloatView evaluateAll(int[] tokens) {
        return run(tokens, true);
    }

    /**
     * Generates from text appended at the current position. The text is tokenized as plain text
     * (special-token text stays text); BOS is added when the session is empty.
     */
    public Generation generate(String prompt, SamplingParams params) {
        Objects.requireNonNull(prompt, "prompt");
        Tokenizer tok = model.tokenizer();
        return generate(tok.encode(prompt, position() == 0, false), params);
    }

    /** Generates a model turn for a conversation, starting from an empty context (the session is reset). */
    public Generation generate(java.util.List<ChatMessage> messages, SamplingParams params) {
        Objects.requireNonNull(messages, "messages");
        ChatTemplate template = model.chatTemplate();
        int[] prompt = template.apply(messages, true);
        reset();
        return new Generation(this, model.tokenizer(), prompt, Objects.requireNonNull(params, "params"), template.stopTokens());
    }

    /** Generates from token ids appended at the current position. */
    public Generation generate(int[] promptTokens, SamplingParams params) {
        Objects.requireNonNull(promptTokens, "promptTokens");
        return new Generation(this, model.tokenizer(), promptTokens, Objects.requireNonNull(params, "params"),
                model.chatTemplate().stopTokens());
    }

    /** Blocking convenience: the whole generated text. */
    public String complete(String prompt, SamplingParams params) {
        return generate(prompt, params).complete();
    }

    /** Blocking convenience: the model's whole reply to a conversation. */
    public String complete(java.util.List<ChatMessage> messages, SamplingParams params) {
        return generate(messages, params).complete();
    }

    /** The logits of the last evaluation (as returned by it). */
    public FloatView logits() {
        enter();
        try {
            return logitsView();
        } finally {
            lock.unlock();
        }
    }

    /** Max, log-sum-exp and arg-max of row {@code row} of the last evaluation's logits, computed natively. */
    public LogitStats logitStats(int row) {
        enter();
        try {
            Native.check(tiller_session_logit_stats(handle, row, statsBuffer, statsBuffer.asSlice(4), statsBuffer.asSlice(8)));
            return new LogitStats(statsBuffer.get(ValueLayout.JAVA_FLOAT, 0), statsBuffer.get(ValueLayout.JAVA_FLOAT, 4),
                    statsBuffer.get(ValueLayout.JAVA_INT, 8));
        } finally {
            lock.unlock();
        }
    }

    /**
     * Greedy decoding inside the runtime: {@code n} times, takes the arg-max of the last logits and
     * evaluates it; returns the tokens. The loop {@link #generate} drives one step at a time from
     * Java, without sampling options, stop tokens or text.
     */
    public int[] decodeGreedy(int n) {
        if (n < 0) throw new InvalidArgumentException(0, "token count must be >= 0, got " + n);
        enter();
        try {
            beforeEvaluate(1, "decodeGreedy(" + n + ")");
            long bytes = (long) n * Integer.BYTES;
            if (tokenBuffer.byteSize() < bytes) tokenBuffer = arena.allocate(Math.max(bytes, 4096), 64);
            Native.check(tiller_session_decode_greedy(handle, n, tokenBuffer));
            return tokenBuffer.asSlice(0, bytes).toArray(ValueLayout.JAVA_INT);
        } finally {
            lock.unlock();
        }
    }

    /**
     * {@code y = x W^T} for a weight matrix of the model by GGUF name ({@code blk.N.ffn_up.weight},
     * {@code output.weight}, ...), through the forward pass's kernels and this session's threads:
     * {@code x} holds {@code n} rows of the matrix's {@code ne[0]} floats, {@code y} receives
     * {@code n} rows of its {@code ne[1]} floats. A logit lens is {@code matmul("output.weight", ...)}
     * on normed residuals.
     */
    public void matmul(String tensor, MemorySegment x, int n, MemorySegment y) {
        Objects.requireNonNull(tensor, "tensor");
        requireAlive(Objects.requireNonNull(x, "x"), "x");
        requireAlive(Objects.requireNonNull(y, "y"), "y");
        TensorInfo t = model.tensors().stream().filter(i -> i.name().equals(tensor)).findFirst()
                .orElseThrow(() -> new InvalidArgumentException(0, "'" + tensor + "' is not a tensor of the model"));
        long cols = t.shape()[0], rows = t.shape().length > 1 ? t.shape()[1] : 1;
        if (n < 1) throw new InvalidArgumentException(0, "row count must be >= 1, got " + n);
        if (x.byteSize() < n * cols * Float.BYTES || y.byteSize() < n * rows * Float.BYTES) {
            throw new InvalidArgumentException(0, "matmul by " + tensor + " [" + cols + " x " + rows + "] of " + n
                    + " rows needs x of " + n * cols + " and y of " + n * rows + " floats, got " + x.byteSize() / Float.BYTES
                    + " and " + y.byteSize() / Float.BYTES);
        }
        if (!x.isNative() || !y.isNative()) throw new InvalidArgumentException(0, "x and y must be native memory segments");
        if (y.isReadOnly()) throw new InvalidArgumentException(0, "y is read-only");
        enter();
        try (Arena a = Arena.ofConfined()) {
            Native.check(tiller_session_matmul(handle, a.allocateFrom(tensor), x, n, y));
        } finally {
            lock.unlock();
        }
    }

    /** {@link #matmul(String, MemorySegment, int, MemorySegment)} of the rows of a view (logits, captured residuals). */
    public void matmul(String tensor, FloatView x, int n, MemorySegment y) {
        matmul(tensor, Objects.requireNonNull(x, "x").segment(), n, y);
    }

    public int position() {
        enter();
        try (Arena a = Arena.ofConfined()) {
            MemorySegment p = a.allocate(ValueLayout.JAVA_INT);
            Native.check(tiller_session_position(handle, p));
            return p.get(ValueLayout.JAVA_INT, 0);
        } finally {
            lock.unlock();
        }
    }

    public int contextLength() {
        enter();
        try (Arena a = Arena.ofConfined()) {
            MemorySegment p = a.allocate(ValueLayout.JAVA_INT);
            Native.check(tiller_session_n_ctx(handle, p));
            return p.get(ValueLayout.JAVA_INT, 0);
        } finally {
            lock.unlock();
        }
    }

    /** How this session's KV cache stores keys (index 0) and values (index 1). */
    public CacheType[] cacheTypes() {
        enter();
        try (Arena a = Arena.ofConfined()) {
            MemorySegment k = a.allocate(ValueLayout.JAVA_INT), v = a.allocate(ValueLayout.JAVA_INT);
            Native.check(tiller_session_cache_types(handle, k, v));
            return new CacheType[] {CacheType.ofGgml(k.get(ValueLayout.JAVA_INT, 0)), CacheType.ofGgml(v.get(ValueLayout.JAVA_INT, 0))};
        } finally {
            lock.unlock();
        }
    }

    /** Forgets every token (the KV cache is reused). Views stay readable and keep their values. */
    public void reset() {
        enter();
        try {
            Native.check(tiller_session_reset(handle));
        } finally {
            lock.unlock();
        }
    }

    /**
     * Drops the last n tokens, so that evaluation continues from position {@code position() - n}.
     * Views stay readable and keep their values.
     */
    public void rewind(int n) {
        enter();
        try {
            Native.check(tiller_session_rewind(handle, n));
        } finally {
            lock.unlock();
        }
    }

    /** Records {@code resid_post(L)} of these layers on every evaluation (no layers: stop capturing). */
    public void captureLayers(int... layers) {
        capture(CapturePoint.RESID_POST, layers);
    }

    /**
     * Records a point of these layers on every evaluation (no layers: stop capturing it); each
     * point keeps its own layers.
     */
    public void capture(CapturePoint point, int... layers) {
        Objects.requireNonNull(point, "point");
        Objects.requireNonNull(layers, "layers");
        enter();
        try (Arena a = Arena.ofConfined()) {
            MemorySegment seg = layers.length == 0 ? MemorySegment.NULL : a.allocateFrom(ValueLayout.JAVA_INT, layers);
            String call = point == CapturePoint.RESID_POST ? "captureLayers" : "capture(" + point + ")";
            invalidateViews(call + "(" + java.util.Arrays.toString(layers) + ")"); // buffers of layers no longer captured are freed
            Native.check(tiller_session_set_capture_at(handle, point.ordinal(), seg, layers.length));
            if (layers.length == 0) capturedAt.remove(point);
            else capturedAt.put(point, layers.clone());
            if (point == CapturePoint.RESID_POST) capturedLayers = layers.clone();
        } finally {
            lock.unlock();
        }
    }

    /**
     * The residual stream after block {@code layer} for the tokens of the last evaluation:
     * {@code n_tokens x n_embd}, row-major, viewed in native memory (0 rows before any evaluation).
     */
    public FloatView captured(int layer) {
        return captured(CapturePoint.RESID_POST, layer);
    }

    /** A captured point of a layer for the tokens of the last evaluation: {@code n_tokens x width} ({@link CapturePoint}). */
    public FloatView captured(CapturePoint point, int layer) {
        Objects.requireNonNull(point, "point");
        enter();
        try (Arena a = Arena.ofConfined()) {
            MemorySegment data = a.allocate(ValueLayout.ADDRESS), rows = a.allocate(ValueLayout.JAVA_INT),
                    width = a.allocate(ValueLayout.JAVA_INT);
            Native.check(tiller_session_capture_at(handle, point.ordinal(), layer, data, rows, width));
            int n = rows.get(ValueLayout.JAVA_INT, 0), w = width.get(ValueLayout.JAVA_INT, 0);
            long bytes = (long) n * w * Float.BYTES;
            MemorySegment p = Native.readPointer(data);
            String what = point.label(layer);
            if (bytes == 0 || p.equals(MemorySegment.NULL)) return new FloatView(MemorySegment.NULL.reinterpret(0), 0, w, what, views);
            return new FloatView(p.reinterpret(bytes, views.arena(), null).asReadOnly(), n, w, what, views);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Query-adaptive attention on the global layers from the next evaluation on
     * ({@link AdaptiveAttention#dense()} turns it off). The KV cache is kept whole either way.
     */
    public void setAdaptiveAttention(AdaptiveAttention config) {
        Objects.requireNonNull(config, "config");
        enter();
        try (Arena a = Arena.ofConfined()) {
            ModelInfo info = model.info();
            int maxHeads = info.layers().stream().mapToInt(LayerInfo::heads).max().orElse(0);
            MemorySegment labels = MemorySegment.NULL;
            int nLabels = 0;
            if (config.longHeads() != null) {
                boolean[][] lh = config.longHeads();
                if (lh.length != nLayer) throw new InvalidArgumentException(0, "labels for " + lh.length + " layers; the model has " + nLayer);
                nLabels = nLayer * maxHeads;
                labels = a.allocate(nLabels);
                for (int l = 0; l < nLayer; ++l) {
                    int heads = info.layers().get(l).heads();
                    if (lh[l].length != heads)
                        throw new InvalidArgumentException(0, "labels of layer " + l + " cover " + lh[l].length + " heads; it has " + heads);
                    for (int h = 0; h < heads; ++h) labels.set(ValueLayout.JAVA_BYTE, (long) l * maxHeads + h, (byte) (lh[l][h] ? 1 : 0));
                }
            }
            Native.check(tiller_session_set_adaptive_attention(handle, config.rule().ordinal(), (float) config.tau(),
                    config.tSink(), config.tLocal(), config.moments().ordinal(), labels, nLabels));
            adaptive = config;
        } finally {
            lock.unlock();
        }
    }

    public AdaptiveAttention adaptiveAttention() {
        return adaptive;
    }

    /**
     * Records, for every global layer, head and query of each evaluation, p-hat, the exact bulk
     * mass and the decision ({@link #headRecord(int)}). The exact mass needs every key, so
     * recording costs dense attention's reads whatever the rule.
     */
    public void recordHeads(boolean on) {
        enter();
        try {
            Native.check(tiller_session_record_heads(handle, on ? 1 : 0));
            recordingHeads = on;
        } finally {
            lock.unlock();
        }
    }

    /**
     * The record of a global layer for the last evaluation (copied; its rows are the tokens just
     * before the current position); see {@link #recordHeads(boolean)}.
     */
    public HeadRecord headRecord(int layer) {
        enter();
        try (Arena a = Arena.ofConfined()) {
            MemorySegment est = a.allocate(ValueLayout.ADDRESS), dec = a.allocate(ValueLayout.ADDRESS),
                    rows = a.allocate(ValueLayout.JAVA_INT), heads = a.allocate(ValueLayout.JAVA_INT);
            Native.check(tiller_session_head_record(handle, layer, est, dec, rows, heads));
            int n = rows.get(ValueLayout.JAVA_INT, 0), hN = heads.get(ValueLayout.JAVA_INT, 0);
            float[] e = new float[n * hN * 2];
            byte[] d = new byte[n * hN];
            if (n > 0) {
                MemorySegment.copy(Native.readPointer(est).reinterpret((long) e.length * Float.BYTES), ValueLayout.JAVA_FLOAT, 0, e, 0, e.length);
                MemorySegment.copy(Native.readPointer(dec).reinterpret(d.length), ValueLayout.JAVA_BYTE, 0, d, 0, d.length);
            }
            return new HeadRecord(layer, position() - n, n, hN, adaptive, e, d);
        } finally {
            lock.unlock();
        }
    }

    /** The layers being captured. */
    public int[] capturedLayers() {
        return capturedLayers.clone();
    }

    /**
     * Applies a control vector as llama.cpp does: its direction for layer {@code il} is added to
     * {@code resid_post(il)} for {@code layerStart <= il <= layerEnd}; layer 0 is never steered.
     */
    public void setControlVector(ControlVector vector, int layerStart, int layerEnd) {
        Objects.requireNonNull(vector, "vector");
        if (layerStart < 0 || layerStart > layerEnd || layerEnd >= nLayer) {
            throw new InvalidArgumentException(0, "control vector layer range [" + layerStart + ", " + layerEnd
                    + "] is not a range of this model's layers 0.." + (nLayer - 1));
        }
        if (vector.embeddingLength() != nEmbd) {
            throw new InvalidArgumentException(0, "control vector has " + vector.embeddingLength()
                    + " dimensions but the model has " + nEmbd);
        }
        float[] flat = vector.flatten();
        enter();
        try (Arena a = Arena.ofConfined()) {
            MemorySegment seg = a.allocateFrom(ValueLayout.JAVA_FLOAT, flat);
            Native.check(tiller_session_set_control(handle, seg, flat.length, nEmbd, layerStart, layerEnd));
        } finally {
            lock.unlock();
        }
    }

    /** Applies a control vector to layers 1 .. n_layer - 1 (llama.cpp's default range). */
    public void setControlVector(ControlVector vector) {
        setControlVector(vector, Math.min(1, nLayer - 1), nLayer - 1);
    }

    public void clearControlVector() {
        enter();
        try {
            Native.check(tiller_session_set_control(handle, MemorySegment.NULL, 0, nEmbd, 0, 0));
        } finally {
            lock.unlock();
        }
    }

    /**
     * Adds a steering program at the vector's layer for tokens at positions {@code >= fromPosition}
     * (0: all tokens). Dense vectors add {@code strength * v}; sparse (SAS) vectors apply the
     * sparse-space update with lambda = {@code strength} through {@code sae} (ReLU, or JumpReLU with
     * the SAE's thresholds when {@code jumpSigma}). Programs run in the order added.
     */
    public void steer(SteeringVector v, float strength, int fromPosition, Sae sae, boolean jumpSigma) {
        Objects.requireNonNull(v, "vector");
        enter();
        try (Arena a = Arena.ofConfined()) {
            if (v.isSparse()) {
                Objects.requireNonNull(sae, "a sparse (SAS) vector needs its SAE");
                if (sae.layer().isPresent() && sae.layer().getAsInt() != v.layer()) {
                    throw new InvalidArgumentException(0, "the SAE " + sae.path() + " reads layer " + sae.layer().getAsInt()
                            + " but the SAS vector is for layer " + v.layer());
                }
                int[] idx = v.indices();
                float[] vals = v.values();
                MemorySegment i = a.allocateFrom(ValueLayout.JAVA_INT, idx.length == 0 ? new int[1] : idx);
                MemorySegment f = a.allocateFrom(ValueLayout.JAVA_FLOAT, vals.length == 0 ? new float[1] : vals);
                Handles.with(sae, h -> {
                    Native.check(tiller_session_steer_sas(handle, h, v.layer(), i, f, idx.length, strength, jumpSigma ? 1 : 0, fromPosition));
                    return null;
                });
            } else {
                float[] d = v.dense();
                Native.check(tiller_session_steer_dense(handle, v.layer(), a.allocateFrom(ValueLayout.JAVA_FLOAT, d), d.length, strength,
                        fromPosition));
            }
        } finally {
            lock.unlock();
        }
    }

    /** Removes every steering program (not the control vector). */
    public void clearSteering() {
        enter();
        try {
            Native.check(tiller_session_clear_steering(handle));
        } finally {
            lock.unlock();
        }
    }

    /**
     * Tells {@code listener} how far a long {@link #evaluate} has got (tokens done, tokens in all):
     * with a listener, an evaluation of more than 512 tokens runs as consecutive calls of 512 (the
     * KV cache makes that the same computation), unless residuals are captured (capture keeps the
     * rows of one call). {@link #evaluateAll} runs as one call. null removes the listener.
     */
    public void setProgressListener(ProgressListener listener) {
        enter();
        try {
            progress = listener;
        } finally {
            lock.unlock();
        }
    }

    /** Installs a residual hook (null removes it). See {@link ResidualHook}. */
    public void setResidualHook(ResidualHook hook) {
        enter();
        try {
            if (hook == null) {
                Native.check(tiller_session_set_hook(handle, MemorySegment.NULL, MemorySegment.NULL));
                hookBridge = null;
                return;
            }
            Upcalls.Hook bridge = new Upcalls.Hook(hook, arena);
            Native.check(tiller_session_set_hook(handle, bridge.stub(), MemorySegment.NULL));
            hookBridge = bridge;
        } finally {
            lock.unlock();
        }
    }

    public boolean isOpen() {
        return handle != null;
    }

    /** Frees the session; waits for a call running on another thread to finish first. */
    @Override
    public void close() {
        lock.lock();
        try {
            if (handle == null) return;
            invalidateViews("close()");
            arena.close();
            Native.check(tiller_session_free(handle));
            handle = null;
        } finally {
            lock.unlock();
        }
    }

    private FloatView run(int[] tokens, boolean all) {
        Objects.requireNonNull(tokens, "tokens");
        if (tokens.length == 0) throw new InvalidArgumentException(0, "no tokens to evaluate");
        enter();
        try {
            beforeEvaluate(all ? tokens.length : 1, (all ? "evaluateAll" : "evaluate") + " of " + tokens.length + " token"
                    + (tokens.length == 1 ? "" : "s"));
            long bytes = (long) tokens.length * Integer.BYTES;
            if (tokenBuffer.byteSize() < bytes) tokenBuffer = arena.allocate(Math.max(bytes, 4096), 64);
            MemorySegment.copy(tokens, 0, tokenBuffer, ValueLayout.JAVA_INT, 0, tokens.length);
            // Captures and head records cover one native evaluate: chunking for progress would keep only the last chunk.
            int step = progress != null && !all && capturedAt.isEmpty() && !recordingHeads ? PROGRESS_CHUNK : tokens.length;
            for (int done = 0; done < tokens.length;) {
                int n = Math.min(step, tokens.length - done);
                int status = tiller_session_evaluate(handle, tokenBuffer.asSlice((long) done * Integer.BYTES), n, all ? 1 : 0);
                if (hookBridge != null) hookBridge.rethrow("residual hook");
                Native.check(status);
                done += n;
                if (step < tokens.length) progress.progress(done, tokens.length);
            }
            return logitsView();
        } finally {
            lock.unlock();
        }
    }

    private FloatView logitsView() {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment data = a.allocate(ValueLayout.ADDRESS), rows = a.allocate(ValueLayout.JAVA_INT);
            Native.check(tiller_session_logits(handle, data, rows));
            int n = rows.get(ValueLayout.JAVA_INT, 0);
            long bytes = (long) n * nVocab * Float.BYTES;
            MemorySegment p = Native.readPointer(data);
            if (bytes == 0 || p.equals(MemorySegment.NULL)) {
                throw new SessionStateException(0, "no logits: nothing has been evaluated since the last reset");
            }
            return new FloatView(p.reinterpret(bytes, views.arena(), null).asReadOnly(), n, nVocab, "logits", views);
        }
    }

    /** Closes the views' arena, remembering which call did so for raw segments handed back later. */
    private void invalidateViews(String by) {
        views.invalidate(by);
        deadScopes.put(views.arena().scope(), by);
        views = new ViewScope();
    }

    /** A segment handed to the session must be alive; a stale view of this session says what invalidated it. */
    private void requireAlive(MemorySegment s, String name) {
        if (s.scope().isAlive()) return;
        String by = deadScopes.get(s.scope());
        throw new SessionStateException(0, name + " is a closed memory segment"
                + (by != null ? ": a view of this session invalidated by " + by + " (copy views with toArray() to keep them)" : ""));
    }

    /**
     * Invalidates the views an evaluation producing {@code rows} logit rows could leave dangling:
     * the native logits buffer moves only when it must hold more rows than ever before (tiller.h),
     * captured residuals may move on any evaluation.
     */
    private void beforeEvaluate(int rows, String call) {
        if (rows > logitRowsHeld) {
            invalidateViews(call + " (the logits buffer grew)");
            logitRowsHeld = rows;
        } else if (!capturedAt.isEmpty()) {
            invalidateViews(call + " (captured activations are rewritten by every evaluation)");
        }
    }

    private void enter() {
        if (!lock.tryLock()) {
            throw new SessionStateException(0, "session is in use by another thread (a session is driven by one thread at a time)");
        }
        if (handle == null) {
            lock.unlock();
            throw new SessionStateException(0, "session is closed");
        }
    }
}
