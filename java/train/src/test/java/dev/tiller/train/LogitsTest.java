package dev.tiller.train;

import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;

class LogitsTest {
    @Test
    void argmaxReadsItsRowAndTakesTheFirstOfTies() {
        float[] z = {0.5f, -1f, 2f, /* row 1 */ -3f, -2f, -2f, /* row 2 */ 7f, 7f, 1f};
        assertEquals(2, Logits.argmax(z, 0, 3));
        assertEquals(1, Logits.argmax(z, 1, 3));
        assertEquals(0, Logits.argmax(z, 2, 3));
        assertEquals(0, Logits.argmax(new float[] {4f}, 0, 1));
    }
}
