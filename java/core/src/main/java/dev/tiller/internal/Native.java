package dev.tiller.internal;

import dev.tiller.InvalidArgumentException;
import dev.tiller.ModelFormatException;
import dev.tiller.ModelIOException;
import dev.tiller.NativeMemoryException;
import dev.tiller.SessionStateException;
import dev.tiller.TillerException;
import dev.tiller.UnsupportedModelException;

import static dev.tiller.bindings.tiller_h.*;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;

/**
 * Status checking and small conversions shared by the API classes. Public for Tiller's other
 * modules (train); not part of the user API.
 */
public final class Native {
    private Native() {}

    /** Throws the typed exception for a failed native call, with the runtime's message. */
    public static void check(int status) {
        if (status == TILLER_OK()) return;
        throw exception(status, lastError());
    }

    public static TillerException exception(int status, String message) {
        return switch (status) {
            case 1 -> new InvalidArgumentException(status, message);
            case 2 -> new ModelIOException(status, message);
            case 3 -> new ModelFormatException(status, message);
            case 4 -> new UnsupportedModelException(status, message);
            case 5 -> new NativeMemoryException(status, message);
            case 6 -> new SessionStateException(status, message);
            default -> new TillerException(status, message);
        };
    }

    public static String lastError() {
        return cString(tiller_last_error());
    }

    /** A NUL-terminated string owned by the runtime. */
    public static String cString(MemorySegment p) {
        if (p.equals(MemorySegment.NULL)) return null;
        return p.reinterpret(Long.MAX_VALUE).getString(0, StandardCharsets.UTF_8);
    }

    /** A length-delimited string in native memory (GGUF strings are not NUL-terminated). */
    public static String utf8(MemorySegment p, long length) {
        if (length == 0) return "";
        byte[] bytes = p.reinterpret(length).toArray(ValueLayout.JAVA_BYTE);
        return new String(bytes, StandardCharsets.UTF_8);
    }

    public static MemorySegment readPointer(MemorySegment cell) {
        return cell.get(ValueLayout.ADDRESS, 0);
    }

    public static MemorySegment cPath(Arena arena, java.nio.file.Path path) {
        return arena.allocateFrom(path.toString(), StandardCharsets.UTF_8);
    }
}
