package dev.tiller;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;

/** Native-to-Java callbacks of tiller.h. An exception never reaches native code (it would end the JVM). */
final class Upcalls {
    private Upcalls() {}

    /** A tiller_progress stub for a listener (NULL for none); rethrow() after the call raises what the listener threw. */
    static final class Progress {
        private final ProgressListener listener;
        private final MemorySegment stub;
        private RuntimeException failure;

        private Progress(ProgressListener listener, Arena arena) {
            this.listener = listener;
            this.stub = listener == null ? MemorySegment.NULL
                    : Linker.nativeLinker().upcallStub(PROGRESS.bindTo(this), PROGRESS_DESC, arena);
        }

        MemorySegment stub() {
            return stub;
        }

        @SuppressWarnings("unused") // called from native code through the stub
        void call(long done, long total, MemorySegment user) {
            if (failure != null) return;
            try {
                listener.progress(done, total);
            } catch (RuntimeException e) {
                failure = e;
            }
        }

        void rethrow() {
            if (failure != null) throw failure;
        }
    }

    static Progress progress(ProgressListener listener, Arena arena) {
        return new Progress(listener, arena);
    }

    private static final FunctionDescriptor PROGRESS_DESC = FunctionDescriptor.ofVoid(ValueLayout.JAVA_LONG, ValueLayout.JAVA_LONG,
            ValueLayout.ADDRESS);
    private static final MethodHandle PROGRESS;

    static {
        try {
            PROGRESS = MethodHandles.lookup().findVirtual(Progress.class, "call",
                    MethodType.methodType(void.class, long.class, long.class, MemorySegment.class));
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }
}
