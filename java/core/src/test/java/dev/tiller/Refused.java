package dev.tiller;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.function.Executable;

/** Asserts that a call is refused with the given exception type and a message naming what is wrong. */
final class Refused {
    private Refused() {}

    static <T extends Throwable> T with(Class<T> type, Executable call, String... fragments) {
        T e = assertThrows(type, call);
        String message = e.getMessage();
        assertTrue(message != null && !message.isBlank(), "refusal without a message: " + e);
        for (String f : fragments) {
            assertTrue(message.contains(f), "message should contain '" + f + "': " + message);
        }
        return e;
    }
}
