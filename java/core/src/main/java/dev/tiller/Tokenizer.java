package dev.tiller;

import dev.tiller.internal.Native;

import static dev.tiller.bindings.tiller_h.*;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.ref.Cleaner;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Objects;
import java.util.OptionalInt;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Function;

/**
 * Gemma's SentencePiece tokenizer as GGUF files carry it, computed natively with llama.cpp's
 * semantics (bit-exact against HuggingFace's tokenizer on the reference cases). Thread-safe.
 *
 * <p>{@code parseSpecial} decides whether special-token text such as {@code <end_of_turn>} becomes
 * a control token (for a chat template's own markup) or stays text (for anything a user typed).
 */
public final class Tokenizer implements AutoCloseable {
    private static final Cleaner CLEANER = Cleaner.create();

    private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
    private final Handle handle;
    private final Cleaner.Cleanable cleanable;
    private final int vocabSize, bos, eos, eot, unk;
    private final boolean addBos, addEos;

    /** Frees the native tokenizer once, from close() or when the object becomes unreachable. */
    private static final class Handle implements Runnable {
        volatile MemorySegment ptr;

        Handle(MemorySegment ptr) {
            this.ptr = ptr;
        }

        @Override
        public void run() {
            MemorySegment p = ptr;
            ptr = null;
            if (p != null) tiller_tokenizer_free(p);
        }
    }

    private Tokenizer(MemorySegment ptr) {
        this.handle = new Handle(ptr);
        this.cleanable = CLEANER.register(this, handle);
        try (Arena a = Arena.ofConfined()) {
            MemorySegment info = a.allocate(ValueLayout.JAVA_LONG, TILLER_TOK_COUNT());
            Native.check(tiller_tokenizer_info(ptr, info, TILLER_TOK_COUNT()));
            vocabSize = (int) info.getAtIndex(ValueLayout.JAVA_LONG, TILLER_TOK_N_VOCAB());
            bos = (int) info.getAtIndex(ValueLayout.JAVA_LONG, TILLER_TOK_BOS());
            eos = (int) info.getAtIndex(ValueLayout.JAVA_LONG, TILLER_TOK_EOS());
            eot = (int) info.getAtIndex(ValueLayout.JAVA_LONG, TILLER_TOK_EOT());
            unk = (int) info.getAtIndex(ValueLayout.JAVA_LONG, TILLER_TOK_UNK());
            addBos = info.getAtIndex(ValueLayout.JAVA_LONG, TILLER_TOK_ADD_BOS()) != 0;
            addEos = info.getAtIndex(ValueLayout.JAVA_LONG, TILLER_TOK_ADD_EOS()) != 0;
        }
    }

    /** The tokenizer of any GGUF with {@code tokenizer.ggml.*} keys, vocabulary-only files included. */
    public static Tokenizer load(Path path) {
        Objects.requireNonNull(path, "path");
        try (Arena a = Arena.ofConfined()) {
            MemorySegment out = a.allocate(ValueLayout.ADDRESS);
            Native.check(tiller_tokenizer_load(Native.cPath(a, path), out));
            return new Tokenizer(Native.readPointer(out));
        }
    }

    static Tokenizer fromModel(MemorySegment modelHandle) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment out = a.allocate(ValueLayout.ADDRESS);
            Native.check(tiller_tokenizer_from_model(modelHandle, out));
            return new Tokenizer(Native.readPointer(out));
        }
    }

    public int vocabularySize() { return vocabSize; }
    public int bos() { return bos; }
    public int eos() { return eos; }
    /** The end-of-turn token ({@code <end_of_turn>}, found by text), or -1. */
    public int eot() { return eot; }
    public int unknown() { return unk; }
    public boolean addsBos() { return addBos; }
    public boolean addsEos() { return addEos; }

    /** Encodes text, adding BOS (and EOS) as the vocabulary's metadata says. */
    public int[] encode(String text, boolean parseSpecial) {
        return encode(text, true, parseSpecial);
    }

    public int[] encode(String text, boolean addSpecial, boolean parseSpecial) {
        Objects.requireNonNull(text, "text");
        byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
        return with(h -> {
            try (Arena a = Arena.ofConfined()) {
                MemorySegment in = a.allocate(Math.max(1, utf8.length));
                MemorySegment.copy(utf8, 0, in, ValueLayout.JAVA_BYTE, 0, utf8.length);
                long cap = 3L * utf8.length + 2; // the bound of tiller_tokenize
                MemorySegment out = a.allocate(ValueLayout.JAVA_INT, cap);
                MemorySegment n = a.allocate(ValueLayout.JAVA_LONG);
                Native.check(tiller_tokenize(h, in, utf8.length, addSpecial ? 1 : 0, parseSpecial ? 1 : 0, out, cap, n));
                long count = n.get(ValueLayout.JAVA_LONG, 0);
                return out.asSlice(0, count * Integer.BYTES).toArray(ValueLayout.JAVA_INT);
            }
        });
    }

    /** Decodes ids to text; control tokens are dropped unless {@code special}. Invalid UTF-8 becomes U+FFFD. */
    public String decode(int[] ids, boolean special) {
        StreamingDecoder d = newDecoder(special);
        StringBuilder sb = new StringBuilder();
        for (int id : ids) sb.append(d.push(id));
        return sb.append(d.finish()).toString();
    }

    public String decode(int[] ids) {
        return decode(ids, false);
    }

    /** A decoder that turns a token stream into text without ever splitting a UTF-8 character. */
    public StreamingDecoder newDecoder(boolean special) {
        return new StreamingDecoder(this, special);
    }

    /** The bytes a token stands for (may be part of a UTF-8 character). */
    public byte[] pieceBytes(int id, boolean special) {
        return with(h -> {
            try (Arena a = Arena.ofConfined()) {
                MemorySegment data = a.allocate(ValueLayout.ADDRESS), len = a.allocate(ValueLayout.JAVA_LONG);
                Native.check(tiller_token_piece(h, id, special ? 1 : 0, data, len));
                long n = len.get(ValueLayout.JAVA_LONG, 0);
                return n == 0 ? new byte[0] : Native.readPointer(data).reinterpret(n).toArray(ValueLayout.JAVA_BYTE);
            }
        });
    }

    /** The token's text as the vocabulary stores it (with U+2581 for spaces). */
    public String tokenText(int id) {
        return with(h -> {
            try (Arena a = Arena.ofConfined()) {
                MemorySegment data = a.allocate(ValueLayout.ADDRESS), len = a.allocate(ValueLayout.JAVA_LONG);
                Native.check(tiller_token_text(h, id, data, len));
                return Native.utf8(Native.readPointer(data), len.get(ValueLayout.JAVA_LONG, 0));
            }
        });
    }

    /** The id of the token whose text is exactly {@code text}. */
    public OptionalInt tokenId(String text) {
        byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
        return with(h -> {
            try (Arena a = Arena.ofConfined()) {
                MemorySegment in = a.allocate(Math.max(1, utf8.length));
                MemorySegment.copy(utf8, 0, in, ValueLayout.JAVA_BYTE, 0, utf8.length);
                MemorySegment id = a.allocate(ValueLayout.JAVA_INT);
                Native.check(tiller_token_find(h, in, utf8.length, id));
                int v = id.get(ValueLayout.JAVA_INT, 0);
                return v < 0 ? OptionalInt.empty() : OptionalInt.of(v);
            }
        });
    }

    /** Whether the token is a control token (BOS, EOS, turn markers...). */
    public boolean isControl(int id) {
        return type(id) == TILLER_TOKEN_CONTROL();
    }

    /** The vocabulary's token type (1 normal, 2 unknown, 3 control, 4 user-defined, 5 unused, 6 byte). */
    public int type(int id) {
        return with(h -> {
            try (Arena a = Arena.ofConfined()) {
                MemorySegment t = a.allocate(ValueLayout.JAVA_INT);
                Native.check(tiller_token_type(h, id, t));
                return t.get(ValueLayout.JAVA_INT, 0);
            }
        });
    }

    @Override
    public void close() {
        lock.writeLock().lock();
        try {
            cleanable.clean();
        } finally {
            lock.writeLock().unlock();
        }
    }

    private <T> T with(Function<MemorySegment, T> fn) {
        lock.readLock().lock();
        try {
            MemorySegment p = handle.ptr;
            if (p == null) throw new SessionStateException(0, "tokenizer is closed");
            return fn.apply(p);
        } finally {
            lock.readLock().unlock();
        }
    }
}
