package dev.tiller.internal;

import dev.tiller.Progress;
import dev.tiller.ProgressListener;
import dev.tiller.ResidualHook;
import dev.tiller.TillerException;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;

/**
 * Native-to-Java callbacks of tiller.h: the residual hook and progress. Nothing a callback throws
 * reaches native code (that would end the JVM): it is kept and raised by {@link Guarded#rethrow}
 * on the calling thread once the native call has returned.
 */
public final class Upcalls {
    private Upcalls() {}

    /** What a callback threw; later calls of the same callback are skipped once one failed. */
    public abstract static class Guarded {
        private Throwable failure;

        final boolean failed() {
            return failure != null;
        }

        final void fail(Throwable t) {
            failure = t;
        }

        /** Raises what the callback threw, if anything, and forgets it. */
        public final void rethrow(String what) {
            Throwable t = failure;
            if (t == null) return;
            failure = null;
            if (t instanceof RuntimeException r) throw r;
            if (t instanceof Error e) throw e;
            throw new TillerException(0, what + " failed: " + t);
        }
    }

    /** A tiller_residual_hook stub calling a {@link ResidualHook} with a view of x valid for the call. */
    public static final class Hook extends Guarded {
        private final ResidualHook hook;
        private final MemorySegment stub;

        public Hook(ResidualHook hook, Arena arena) {
            this.hook = hook;
            this.stub = Linker.nativeLinker().upcallStub(HOOK.bindTo(this), HOOK_DESC, arena);
        }

        public MemorySegment stub() {
            return stub;
        }

        @SuppressWarnings("unused") // called from native code through the stub
        void call(int layer, int pos, MemorySegment x, int nTokens, int nEmbd, MemorySegment user) {
            if (failed()) return;
            try (Arena scope = Arena.ofConfined()) {
                hook.onResidual(layer, pos, x.reinterpret((long) nTokens * nEmbd * Float.BYTES, scope, null), nTokens, nEmbd);
            } catch (Throwable t) {
                fail(t);
            }
        }
    }

    /** A tiller_progress stub for a listener (NULL for none). */
    public static final class Progress extends Guarded {
        private final ProgressListener listener;
        private final MemorySegment stub;

        public Progress(ProgressListener listener, Arena arena) {
            this.listener = listener;
            this.stub = listener == null ? MemorySegment.NULL : Linker.nativeLinker().upcallStub(PROGRESS.bindTo(this), PROGRESS_DESC, arena);
        }

        public MemorySegment stub() {
            return stub;
        }

        @SuppressWarnings("unused") // called from native code through the stub
        void call(long done, long total, MemorySegment user) {
            if (failed()) return;
            try {
                listener.progress(done, total);
            } catch (Throwable t) {
                fail(t);
            }
        }
    }

    private static final FunctionDescriptor HOOK_DESC = FunctionDescriptor.ofVoid(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT,
            ValueLayout.ADDRESS, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.ADDRESS);
    private static final FunctionDescriptor PROGRESS_DESC = FunctionDescriptor.ofVoid(ValueLayout.JAVA_LONG, ValueLayout.JAVA_LONG,
            ValueLayout.ADDRESS);
    private static final MethodHandle HOOK, PROGRESS;

    static {
        try {
            MethodHandles.Lookup l = MethodHandles.lookup();
            HOOK = l.findVirtual(Hook.class, "call", MethodType.methodType(void.class, int.class, int.class, MemorySegment.class,
                    int.class, int.class, MemorySegment.class));
            PROGRESS = l.findVirtual(Progress.class, "call", MethodType.methodType(void.class, long.class, long.class, MemorySegment.class));
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }
}
