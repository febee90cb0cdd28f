package dev.tiller.serve;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tiller.Model;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The soak line: 8 concurrent streaming clients for 60 s on the default model, no error,
 * every stream equal to its request run alone (tag soak: .ci/run's soak stage, or
 * {@code -Dtiller.test.groups=soak}).
 */
@Tag("soak")
class SoakTest {
    @Test
    void eightStreamingClientsForAMinute() throws Exception {
        try (Model model = Model.load(Served.models().resolve("tiller-gemma2-tiny.gguf"))) {
            int rounds = ConcurrencyTest.eightStreamsFor(model, 8, 60);
            System.out.println("soak: 8 streaming clients, 8 slots, 60 s: " + rounds + " rounds of 8 streams, every one equal to its request alone");
            assertTrue(rounds >= 10, "only " + rounds + " rounds in 60 s");
        }
    }
}
