package dev.tiller.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.tiller.Model;
import dev.tiller.Tokenizer;
import dev.tiller.serve.ServerConfig;
import dev.tiller.serve.TillerServer;
import dev.tiller.steer.ControlVector;
import dev.tiller.steer.SteeringFiles;
import dev.tiller.steer.SteeringVector;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The parity line: at temperature 0 a request's tokens through the server equal
 * {@code tiller generate} with the same prompt, flags and steering, for every steering mode (SAS at
 * each of its three position modes, a dense CAA vector, a llama.cpp control vector, a start-up
 * {@code --steer}); and the command's own flags.
 */
class ServeCommandTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final int CTX = 256, N = 16;
    static final String PROMPT = "Tell me a story.";

    @TempDir
    static Path dir;

    static Model model;
    static TillerServer server;
    static Path news, dense, control;
    static final HttpClient client = HttpClient.newHttpClient();

    @BeforeAll
    static void start() throws IOException {
        model = Model.load(Tiller.defaultModel());
        Path vectors = Files.createDirectories(dir.resolve("vectors"));
        // generate reads the shipped vector (its SAE beside it); the server the copy, with --sae.
        news = Tiller.models().resolve("steer-news.safetensors");
        Files.copy(news, vectors.resolve("steer-news.safetensors"));
        int nEmbd = model.info().embeddingLength();
        Random r = new Random(5);
        float[] v = new float[nEmbd];
        for (int i = 0; i < nEmbd; i++) v[i] = (float) r.nextGaussian();
        dense = vectors.resolve("dense.safetensors");
        SteeringFiles.save(SteeringVector.dense(2, v, Map.of()), dense);
        float[][] dirs = new float[model.info().layerCount()][];
        for (int il = 1; il < dirs.length; il++) {
            dirs[il] = new float[nEmbd];
            for (int i = 0; i < nEmbd; i++) dirs[il][i] = (float) r.nextGaussian() * 0.5f;
        }
        control = vectors.resolve("cvec.gguf");
        ControlVector.of(nEmbd, dirs).save(control, "gemma2");
        server = TillerServer.start(model, config().withSteering(vectors, Tiller.models().resolve("tiller-gemma2-tiny.sae-l2.npz"), List.of()));
    }

    static ServerConfig config() {
        return ServerConfig.defaults(CTX).withPort(0).withThreads(1);
    }

    @AfterAll
    static void stop() {
        server.close();
        model.close();
    }

    @Test
    void unsteeredChatAndCompletionEqualGenerate() {
        same(server, true, List.of(), "--chat");
        same(server, false, List.of());
    }

    @Test
    void sasSteeringEqualsGenerateInEachPositionMode() {
        String plain = same(server, true, List.of(), "--chat");
        String all = same(server, true, List.of(steer("steer-news", 1.5, "all")), "--chat", "--steer", news + ":1.5", "--steer-positions", "all");
        String after = same(server, true, List.of(steer("steer-news", 1.5, "after-instruction")), "--chat", "--steer", news + ":1.5",
                "--steer-positions", "after-instruction");
        String after4 = same(server, true, List.of(steer("steer-news", 4, "after-instruction")), "--chat", "--steer", news + ":4",
                "--steer-positions", "after-instruction");
        String generated4 = same(server, true, List.of(steer("steer-news", 4, "generated")), "--chat", "--steer", news + ":4",
                "--steer-positions", "generated");
        // The steering and its positions change the text here, so equality is not the unsteered text twice.
        assertNotEquals(plain, after);
        assertNotEquals(all, after);
        assertNotEquals(after4, generated4);
        // A raw completion's default positions are all tokens, as generate's.
        same(server, false, List.of(steer("steer-news", 1.5, null)), "--steer", news + ":1.5");
    }

    @Test
    void denseCaaAndControlVectorsEqualGenerate() {
        String plain = same(server, true, List.of(), "--chat");
        String caa = same(server, true, List.of(steer("dense", 3, null)), "--chat", "--steer", dense + ":3");
        String cvec = same(server, true, List.of(steer("cvec", 1, "all")), "--chat", "--control-vector", control + ":1");
        assertNotEquals(plain, caa);
        assertNotEquals(plain, cvec);
        // Two entries of one control vector add up, as two --control-vector flags do.
        same(server, false, List.of(steer("cvec.gguf", 0.5, "all"), steer("cvec", 0.25, "all")), "--control-vector", control + ":0.5",
                "--control-vector", control + ":0.25");
    }

    @Test
    void startupSteerAppliesToEveryRequestAsGeneratesFlag() throws Exception {
        ServerConfig c = config().withSteering(null, null, List.of(new ServerConfig.SteerFile(news, 1.5f)));
        try (TillerServer s = TillerServer.start(model, c)) {
            String steered = same(s, true, List.of(), "--chat", "--steer", news + ":1.5");
            assertNotEquals(same(server, true, List.of(), "--chat"), steered);
            same(s, false, List.of(), "--steer", news + ":1.5");
            // Without --sae there are no features to report.
            HttpRequest f = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + s.port() + "/v1/features"))
                    .POST(HttpRequest.BodyPublishers.ofString("{\"messages\":[{\"role\":\"user\",\"content\":\"x\"}],\"reply\":\"y\"}")).build();
            HttpResponse<String> res = client.send(f, HttpResponse.BodyHandlers.ofString());
            assertEquals(404, res.statusCode(), res.body());
            assertTrue(res.body().contains("no --sae"), res.body());
        }
    }

    @Test
    void helpAndBadFlagsAreOneLine() {
        Tiller.Result help = Tiller.run("serve", "--help");
        assertEquals(0, help.status());
        for (String flag : List.of("--host", "--port", "--parallel", "--ctx", "--threads", "--api-key", "--steering-dir", "--sae", "--steer")) {
            assertTrue(help.out().contains(flag), flag + " missing from serve --help");
        }
        String m = Tiller.defaultModel().toString();
        for (String[] bad : List.of(new String[] {"--parallel", "0"}, new String[] {"--port", "70000"}, new String[] {"--steer", "missing.safetensors"},
                new String[] {"--steering-dir", dir.resolve("nowhere").toString()}, new String[] {"--steer-positions", "sometimes"},
                new String[] {"--api-key", ""}, new String[] {"--bogus"})) {
            List<String> args = new ArrayList<>(List.of("serve", "-m", m, "--port", "0"));
            args.addAll(List.of(bad));
            Tiller.Result r = Tiller.run(args.toArray(String[]::new));
            assertTrue(r.status() != 0, String.join(" ", bad) + " was accepted");
            assertEquals(1, r.errLine().lines().count(), String.join(" ", bad) + ": " + r.err());
            assertTrue(r.errLine().startsWith("tiller serve: "), r.err());
        }
    }

    static ObjectNode steer(String name, double strength, String positions) {
        ObjectNode o = JSON.createObjectNode().put("vector", name).put("strength", strength);
        if (positions != null) o.put("positions", positions);
        return o;
    }

    /**
     * Runs the prompt greedily through {@code tiller generate} with these flags and through the
     * server with this steering; asserts the same tokens, text, count and finish reason; returns the text.
     */
    static String same(TillerServer s, boolean chat, List<ObjectNode> steering, String... flags) {
        List<String> args = new ArrayList<>(List.of("generate", "-m", Tiller.defaultModel().toString(), "-p", PROMPT, "-n", Integer.toString(N),
                "--temp", "0", "-c", Integer.toString(CTX), "-t", "1", "--json"));
        args.addAll(Arrays.asList(flags));
        Tiller.Result g = Tiller.run(args.toArray(String[]::new));
        assertEquals(0, g.status(), g.err());
        JsonNode want = json(g.out().strip().lines().reduce((a, b) -> b).orElseThrow());

        ObjectNode body = JSON.createObjectNode().put("max_tokens", N).put("temperature", 0);
        // OpenAI's logprobs are a flag for chat, a count of alternatives for legacy completions.
        if (chat) body.put("logprobs", true).putArray("messages").addObject().put("role", "user").put("content", PROMPT);
        else body.put("logprobs", 0).put("prompt", PROMPT);
        if (!steering.isEmpty()) {
            ArrayNode a = body.putArray("steering");
            steering.forEach(a::add);
        }
        JsonNode got = post(s, chat ? "/v1/chat/completions" : "/v1/completions", body);
        JsonNode choice = got.get("choices").get(0);
        String where = String.join(" ", flags) + " " + steering;

        String text = chat ? choice.get("message").get("content").asText() : choice.get("text").asText();
        assertEquals(want.get("text").asText(), text, where);
        assertEquals(want.get("finish_reason").asText(), choice.get("finish_reason").asText(), where);
        assertEquals(want.get("generated_tokens").asInt(), got.get("usage").get("completion_tokens").asInt(), where);
        assertEquals(want.get("prompt_tokens").asInt(), got.get("usage").get("prompt_tokens").asInt(), where);
        // Token by token: the server's logprob pieces are the pieces of generate's token ids.
        Tokenizer tok = model.tokenizer();
        List<String> wantPieces = new ArrayList<>(), gotPieces = new ArrayList<>();
        for (JsonNode id : want.get("tokens")) wantPieces.add(new String(tok.pieceBytes(id.asInt(), false), StandardCharsets.UTF_8));
        if (chat) {
            for (JsonNode t : choice.get("logprobs").get("content")) {
                byte[] b = new byte[t.get("bytes").size()];
                for (int i = 0; i < b.length; i++) b[i] = (byte) t.get("bytes").get(i).asInt();
                gotPieces.add(new String(b, StandardCharsets.UTF_8));
            }
        } else {
            for (JsonNode t : choice.get("logprobs").get("tokens")) gotPieces.add(t.asText());
        }
        assertEquals(wantPieces, gotPieces, where);
        return text;
    }

    static JsonNode post(TillerServer s, String path, JsonNode body) {
        HttpRequest r = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + s.port() + path)).POST(HttpRequest.BodyPublishers.ofString(body.toString())).build();
        try {
            HttpResponse<String> res = client.send(r, HttpResponse.BodyHandlers.ofString());
            assertEquals(200, res.statusCode(), res.body());
            return json(res.body());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    static JsonNode json(String s) {
        try {
            return JSON.readTree(s);
        } catch (IOException e) {
            throw new AssertionError("not JSON: " + s, e);
        }
    }
}
