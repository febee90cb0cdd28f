package dev.tiller;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Turns token ids into text as they arrive. A UTF-8 character split across tokens (byte-fallback
 * tokens) is held back until complete, so no half character is ever emitted.
 */
public final class StreamingDecoder {
    private final Tokenizer tokenizer;
    private final boolean special;
    private final ByteArrayOutputStream pending = new ByteArrayOutputStream();

    StreamingDecoder(Tokenizer tokenizer, boolean special) {
        this.tokenizer = tokenizer;
        this.special = special;
    }

    /** Adds a token and returns the text that became complete (possibly empty). */
    public String push(int id) {
        byte[] piece = tokenizer.pieceBytes(id, special);
        pending.write(piece, 0, piece.length);
        byte[] buf = pending.toByteArray();
        int complete = completePrefix(buf);
        pending.reset();
        pending.write(buf, complete, buf.length - complete);
        return new String(buf, 0, complete, StandardCharsets.UTF_8);
    }

    /** The text still held back (an incomplete character becomes U+FFFD). */
    public String finish() {
        String s = pending.toString(StandardCharsets.UTF_8);
        pending.reset();
        return s;
    }

    /**
     * Length of the longest prefix that does not end inside a UTF-8 character that could still be
     * completed. Malformed bytes are not held back (they decode to U+FFFD).
     */
    static int completePrefix(byte[] b) {
        int n = b.length;
        // Look back at most 3 bytes for the lead byte of a trailing partial character.
        for (int back = 1; back <= Math.min(3, n); back++) {
            int c = b[n - back] & 0xFF;
            if ((c & 0xC0) == 0x80) continue; // continuation byte: keep looking for the lead
            int need = (c & 0xE0) == 0xC0 ? 2 : (c & 0xF0) == 0xE0 ? 3 : (c & 0xF8) == 0xF0 ? 4 : 1;
            return need > back ? n - back : n;
        }
        return n;
    }
}
