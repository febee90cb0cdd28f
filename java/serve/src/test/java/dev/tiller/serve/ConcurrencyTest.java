package dev.tiller.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;

import dev.tiller.Model;
import dev.tiller.SessionOptions;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Slots and the queue: concurrent streams never mix tokens; a full queue answers 503 with Retry-After. */
class ConcurrencyTest {
    static Model model;

    @BeforeAll
    static void load() {
        model = Model.load(Served.models().resolve("tiller-gemma2-tiny.gguf"));
    }

    @AfterAll
    static void close() {
        model.close();
    }

    static String body(int i) {
        String[] prompts = {"The city", "She said", "In the morning", "The council", "My dear", "It was", "Upon the", "The news"};
        return "{\"prompt\":\"" + prompts[i % prompts.length] + "\",\"max_tokens\":40,\"temperature\":0.9,\"seed\":" + (100 + i) + ",\"stream\":true}";
    }

    static String streamed(Served s, String body) {
        Served.Reply r = s.post("/v1/completions", body);
        assertEquals(200, r.status(), r.body());
        StringBuilder text = new StringBuilder();
        for (String e : r.events()) {
            if (e.equals("[DONE]")) break;
            JsonNode c = OpenAiApiTest.json(e).get("choices").get(0);
            text.append(c.get("text").asText());
        }
        return text.toString();
    }

    @Test
    void eightConcurrentStreamsEachEqualTheirRequestRunAlone() throws Exception {
        assertTrue(eightStreamsFor(model, 4, 8) >= 1);
    }

    /**
     * Eight clients stream at once, round after round, for the given seconds on a server of this
     * many slots; every stream's text must equal its request's text streamed alone. Returns the rounds.
     */
    static int eightStreamsFor(Model model, int slots, int seconds) throws Exception {
        try (Served s = new Served(model, ServerConfig.defaults(128).withParallel(slots).withThreads(1))) {
            List<String> alone = new ArrayList<>();
            for (int i = 0; i < 8; i++) alone.add(streamed(s, body(i)));
            long end = System.nanoTime() + seconds * 1_000_000_000L;
            int rounds = 0;
            try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
                do {
                    List<Future<String>> got = new ArrayList<>();
                    for (int i = 0; i < 8; i++) {
                        int k = i;
                        got.add(pool.submit(() -> streamed(s, body(k))));
                    }
                    for (int i = 0; i < 8; i++) assertEquals(alone.get(i), got.get(i).get(), "stream " + i + " in round " + rounds);
                    rounds++;
                } while (System.nanoTime() < end);
            }
            JsonNode health = s.get("/health").json();
            assertEquals(0, health.get("slots_processing").asInt(), health.toString());
            return rounds;
        }
    }

    @Test
    void aFullQueueIsRefusedAtOnceWith503AndRetryAfter() throws Exception {
        try (Slots slots = new Slots(model, 1, new SessionOptions(64, 1), 0, 1000)) {
            Slots.Lease held = slots.acquire();
            ApiError e = assertThrows(ApiError.class, slots::acquire);
            assertEquals(503, e.status);
            assertTrue(e.retryAfter > 0);
            held.close();
            held.close(); // a second close gives nothing back twice
            Slots.Lease again = slots.acquire();
            assertThrows(ApiError.class, slots::acquire);
            again.close();
        }
        // Through HTTP: one slot, no queue, a burst of requests: each is served or refused with 503, never anything else.
        try (Served s = new Served(model, ServerConfig.defaults(128).withThreads(1).withQueueLimit(0))) {
            List<Future<Served.Reply>> replies = new ArrayList<>();
            try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
                for (int i = 0; i < 16; i++) replies.add(pool.submit(() -> s.post("/v1/completions", "{\"prompt\":\"The city\",\"max_tokens\":100}")));
            }
            int busy = 0;
            for (Future<Served.Reply> f : replies) {
                Served.Reply r = f.get();
                assertTrue(r.status() == 200 || r.status() == 503, r.body());
                if (r.status() == 503) {
                    busy++;
                    assertEquals("server_busy", r.json().get("error").get("code").asText());
                    assertTrue(r.raw().headers().firstValue("retry-after").isPresent());
                }
            }
            System.out.println("burst of 16 on one slot without a queue: " + busy + " refused with 503");
            // A slot is free again before its reply's last byte: the next request, sent on receipt, is served.
            for (int i = 0; i < 20; i++) assertEquals(200, s.post("/v1/completions", "{\"prompt\":\"x\",\"max_tokens\":1}").status());
            for (int i = 0; i < 5; i++) {
                Served.Reply r = s.post("/v1/completions", "{\"prompt\":\"x\",\"max_tokens\":2,\"stream\":true}");
                assertEquals(200, r.status());
                assertEquals("[DONE]", r.events().getLast());
            }
        }
    }
}
