package dev.tiller.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;

import dev.tiller.Model;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bad and hostile requests get OpenAI-style errors with the right status, and the server answers
 * the next request: malformed and truncated JSON, wrong types, NaN, a 100 MB body, a slow client,
 * connections opened and dropped, vector names that climb out of the steering directory, a wrong
 * API key, a full queue.
 */
class HostileInputTest {
    static Model model;
    static Served s;
    @TempDir
    static Path dir;

    @BeforeAll
    static void start() throws IOException {
        model = Model.load(Served.models().resolve("tiller-gemma2-tiny.gguf"));
        Path steering = Files.createDirectories(dir.resolve("steering"));
        Files.copy(Served.models().resolve("steer-news.safetensors"), steering.resolve("steer-news.safetensors"));
        // A vector outside the directory, and a link inside it that leads there.
        Files.copy(Served.models().resolve("steer-romance.safetensors"), dir.resolve("outside.safetensors"));
        Files.createSymbolicLink(steering.resolve("escape.safetensors"), dir.resolve("outside.safetensors"));
        Files.writeString(steering.resolve("broken.safetensors"), "not a safetensors file");
        s = new Served(model, ServerConfig.defaults(128).withThreads(1).withApiKey("sekret").withMaxBodyBytes(1 << 20)
                .withSteering(steering, Served.models().resolve("tiller-gemma2-tiny.sae-l2.npz"), List.of()));
    }

    @AfterAll
    static void stop() {
        s.close();
        model.close();
    }

    static final String[] KEY = {"Authorization", "Bearer sekret"};

    static Served.Reply completion(String body) {
        return s.post("/v1/completions", body, KEY);
    }

    static void refused(int status, Served.Reply r, String... words) {
        assertEquals(status, r.status(), r.body());
        JsonNode e = r.json().get("error");
        assertTrue(e != null && e.get("message").isTextual() && e.has("type"), r.body());
        for (String w : words) assertTrue(e.get("message").asText().contains(w), () -> r.body() + " lacks " + w);
        assertAlive();
    }

    static void assertAlive() {
        Served.Reply ok = completion("{\"prompt\":\"The city\",\"max_tokens\":2,\"temperature\":0}");
        assertEquals(200, ok.status(), ok.body());
    }

    @Test
    void malformedTruncatedAndMistypedBodies() {
        refused(400, completion("{\"prompt\": \"x\", "), "malformed JSON");
        refused(400, completion("not json at all"), "malformed JSON");
        refused(400, completion("[1, 2, 3]"), "JSON object");
        refused(400, completion("{\"prompt\":\"x\",\"max_tokens\":\"ten\"}"), "max_tokens", "integer");
        refused(400, completion("{\"prompt\":\"x\",\"temperature\":NaN}"), "malformed JSON");
        refused(400, completion("{\"prompt\":\"x\",\"temperature\":-1}"), "temperature");
        refused(400, completion("{\"prompt\":\"x\",\"top_p\":0}"), "top_p");
        refused(400, completion("{\"prompt\":\"x\",\"n\":3}"), "n = 1");
        refused(400, completion("{\"prompt\":\"x\",\"logit_bias\":{\"999999\":1}}"), "outside the vocabulary");
        refused(400, completion("{\"prompt\":\"x\",\"stop\":[\"\"]}"), "stop");
        refused(400, completion("{\"prompt\":\"\"}"), "empty");
        refused(400, completion("{}"), "prompt");
        refused(400, s.post("/v1/chat/completions", "{\"messages\":[{\"role\":\"tool\",\"content\":\"x\"}]}", KEY), "role");
        refused(400, s.post("/v1/chat/completions", "{\"messages\":[{\"role\":\"user\",\"content\":\"x\"}],\"tools\":[{\"type\":\"function\"}]}", KEY),
                "tools");
        refused(400, s.post("/detokenize", "{\"tokens\":[1,-5]}", KEY), "tokens[1]");
        // Deeply nested JSON is refused by the parser's nesting limit, not a stack overflow.
        refused(400, completion("[".repeat(100_000)), "malformed JSON");
    }

    @Test
    void steeringNamesThatLeaveTheDirectoryAndStrengthsThatAreNotNumbers() throws IOException {
        for (String name : List.of("../outside", "../outside.safetensors", "/etc/passwd", "..", "a/b", "escape", ".hidden", "nul\\u0000")) {
            Served.Reply r = completion("{\"prompt\":\"x\",\"max_tokens\":1,\"steering\":[{\"vector\":\"" + name + "\",\"strength\":1}]}");
            assertTrue(r.status() == 400 || r.status() == 404, name + ": " + r.body());
            assertTrue(r.json().get("error").get("param").asText().equals("steering"), r.body());
        }
        refused(404, completion("{\"prompt\":\"x\",\"steering\":[{\"vector\":\"nope\"}]}"), "no steering vector 'nope'");
        refused(400, completion("{\"prompt\":\"x\",\"steering\":[{\"vector\":\"steer-news\",\"strength\":\"NaN\"}]}"), "strength", "number");
        refused(400, completion("{\"prompt\":\"x\",\"steering\":[{\"vector\":\"steer-news\",\"strength\":1e300}]}"), "strength");
        refused(400, completion("{\"prompt\":\"x\",\"steering\":[{\"vector\":\"steer-news\",\"positions\":\"some\"}]}"), "positions");
        Served.Reply broken = completion("{\"prompt\":\"x\",\"steering\":[{\"vector\":\"broken\"}]}");
        refused(500, broken, "broken.safetensors");
        assertFalse(broken.body().contains(dir.toRealPath().toString()), "the reply names the server's folder: " + broken.body());
        assertFalse(s.get("/v1/steering", KEY).body().contains(dir.toRealPath().toString()), "GET /v1/steering names the server's folder");
        Served.Reply ok = completion("{\"prompt\":\"x\",\"max_tokens\":2,\"steering\":[{\"vector\":\"steer-news\",\"strength\":2}]}");
        assertEquals(200, ok.status(), ok.body());
    }

    @Test
    void theApiKeyIsRequiredEverywhereButHealth() {
        refused(401, s.post("/v1/completions", "{\"prompt\":\"x\"}"), "API key");
        refused(401, s.post("/v1/completions", "{\"prompt\":\"x\"}", "Authorization", "Bearer wrong"), "API key");
        assertEquals(401, s.get("/v1/models").status());
        assertEquals(401, s.get("/metrics").status());
        assertEquals(200, s.get("/health").status());
        assertEquals(200, s.get("/v1/models", KEY).status());
        refused(404, s.get("/no/such/endpoint", KEY), "no endpoint");
    }

    @Test
    void aBodyOverTheLimitIs413DeclaredOrStreamed() throws Exception {
        byte[] big = new byte[100 << 20];
        java.util.Arrays.fill(big, (byte) ' ');
        HttpRequest declared = HttpRequest.newBuilder(s.uri("/v1/completions")).headers(KEY).timeout(Duration.ofMinutes(1))
                .POST(HttpRequest.BodyPublishers.ofByteArray(big)).build();
        int status;
        try {
            status = s.client.send(declared, HttpResponse.BodyHandlers.ofString()).statusCode();
        } catch (IOException closedEarly) {
            status = 413; // the server may close the connection after answering, before the client has sent it all
        }
        assertEquals(413, status);
        // Without a Content-Length (chunked), the limit is found while reading.
        HttpRequest chunked = HttpRequest.newBuilder(s.uri("/v1/completions")).headers(KEY).timeout(Duration.ofMinutes(1))
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new java.io.ByteArrayInputStream(big, 0, 4 << 20))).build();
        try {
            status = s.client.send(chunked, HttpResponse.BodyHandlers.ofString()).statusCode();
        } catch (IOException closedEarly) {
            status = 413;
        }
        assertEquals(413, status);
        assertAlive();
    }

    @Test
    void aSlowClientDoesNotHoldUpOthersAndManyDroppedConnectionsLeaveNoMark() throws Exception {
        byte[] body = "{\"prompt\":\"The city\",\"max_tokens\":2,\"temperature\":0}".getBytes(StandardCharsets.UTF_8);
        CompletableFuture<String> slow = CompletableFuture.supplyAsync(() -> {
            try (Socket sock = new Socket("127.0.0.1", s.server.port())) {
                OutputStream out = sock.getOutputStream();
                out.write(("POST /v1/completions HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer sekret\r\nContent-Type: application/json\r\n"
                        + "Content-Length: " + body.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                for (byte b : body) { // one byte every 50 ms: about 3 s for the body
                    out.write(b);
                    out.flush();
                    Thread.sleep(50);
                }
                InputStream in = sock.getInputStream();
                return new String(in.readNBytes(12), StandardCharsets.US_ASCII);
            } catch (IOException | InterruptedException e) {
                return e.toString();
            }
        });
        Thread.sleep(300);
        long t0 = System.nanoTime();
        assertAlive();
        assertTrue((System.nanoTime() - t0) / 1e9 < 2.5, "a request waited behind the slow client");
        assertTrue(!slow.isDone(), "the slow client should still be sending");
        assertEquals("HTTP/1.1 200", slow.get());
        // 200 connections opened, some with half a request, and dropped.
        List<Socket> socks = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            Socket sock = new Socket("127.0.0.1", s.server.port());
            if (i % 2 == 0) sock.getOutputStream().write("POST /v1/completions HTTP/1.1\r\nContent-Length: 50\r\n\r\n{\"pro".getBytes(StandardCharsets.US_ASCII));
            socks.add(sock);
        }
        for (Socket sock : socks) sock.close();
        assertAlive();
        // A stream dropped after its first event.
        try (Socket sock = new Socket("127.0.0.1", s.server.port())) {
            byte[] b = "{\"prompt\":\"The city\",\"max_tokens\":100,\"stream\":true}".getBytes(StandardCharsets.UTF_8);
            sock.getOutputStream().write(("POST /v1/completions HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer sekret\r\nContent-Length: " + b.length
                    + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            sock.getOutputStream().write(b);
            assertTrue(new String(sock.getInputStream().readNBytes(12), StandardCharsets.US_ASCII).startsWith("HTTP/1.1 200"));
        }
        assertAlive();
    }
}
