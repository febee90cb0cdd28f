import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.tiller.Model;
import dev.tiller.serve.ServerConfig;
import dev.tiller.serve.TillerServer;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The playground page in a real headless browser: serves the default model with its steering
 * vectors and SAE, opens {@code /?prompt=...&steer=steer-news:1.5} in Chromium (driven over the
 * DevTools protocol), waits for both replies and the feature table, checks the page's replies
 * against the same requests sent directly, and saves a screenshot. Exit status 1 on any mismatch.
 *
 * <p>Arguments: OUT_DIR [CHROMIUM (default /usr/bin/chromium)]. Run with scripts/check-playground.
 */
public class CheckPlayground {
    static final ObjectMapper JSON = new ObjectMapper();
    static final String PROMPT = "Tell me a story.";

    public static void main(String[] args) throws Exception {
        Path out = Files.createDirectories(Path.of(args.length > 0 ? args[0] : "playground-out"));
        String chromium = args.length > 1 ? args[1] : "/usr/bin/chromium";
        Path root = Path.of(System.getProperty("tiller.root", "."));
        Path vectors = Files.createTempDirectory("tiller-playground-vectors-");
        for (String v : List.of("steer-news.safetensors", "steer-romance.safetensors")) Files.copy(root.resolve("models/" + v), vectors.resolve(v));
        Path profile = Files.createTempDirectory("tiller-playground-chromium-");
        try (Model model = Model.load(root.resolve("models/tiller-gemma2-tiny.gguf"));
             TillerServer server = TillerServer.start(model, ServerConfig.defaults(256).withPort(0).withParallel(2)
                     .withSteering(vectors, root.resolve("models/tiller-gemma2-tiny.sae-l2.npz"), List.of()))) {
            String base = "http://127.0.0.1:" + server.port();
            String page = base + "/?prompt=" + URLEncoder.encode(PROMPT, StandardCharsets.UTF_8) + "&steer=steer-news:1.5&max_tokens=24&temperature=0";
            Process browser = new ProcessBuilder(chromium, "--headless", "--no-sandbox", "--disable-gpu", "--remote-debugging-port=0",
                    "--user-data-dir=" + profile, "--window-size=1280,800", "about:blank").redirectErrorStream(true).start();
            try {
                String[] parsed = devtoolsPort(browser);
                HttpClient http = HttpClient.newHttpClient();
                JsonNode targets = JSON.readTree(http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + parsed[0] + "/json/list")).build(),
                        HttpResponse.BodyHandlers.ofString()).body());
                String ws = null;
                for (JsonNode t : targets) if (t.get("type").asText().equals("page")) ws = t.get("webSocketDebuggerUrl").asText();
                if (ws == null) throw new IllegalStateException("chromium opened no page: " + targets);
                Cdp cdp = new Cdp(http, ws);
                cdp.call("Page.enable", JSON.createObjectNode());
                cdp.call("Page.navigate", JSON.createObjectNode().put("url", page));
                String state = "";
                long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
                while (!state.equals("done") && !state.equals("error") && System.nanoTime() < end) {
                    Thread.sleep(200);
                    state = cdp.eval("document.body ? document.body.dataset.state : ''");
                }
                String plain = cdp.eval("[...document.querySelectorAll('#plain .assistant')].map(e => e.textContent).join('|')");
                String steered = cdp.eval("[...document.querySelectorAll('#steered .assistant')].map(e => e.textContent).join('|')");
                String sliders = cdp.eval("[...document.querySelectorAll('#vectors input')].map(e => e.dataset.vector + '=' + e.value).join(',')");
                int features = Integer.parseInt(cdp.eval("String(document.querySelectorAll('#features tr.feature').length)"));
                JsonNode shot = cdp.call("Page.captureScreenshot", JSON.createObjectNode().put("format", "png"));
                Path png = out.resolve("playground.png");
                Files.write(png, Base64.getDecoder().decode(shot.get("data").asText()));

                String wantPlain = reply(http, base, null), wantSteered = reply(http, base, "steer-news");
                System.out.println("page state: " + state + "; sliders: " + sliders);
                System.out.println("unsteered: " + plain);
                System.out.println("steered:   " + steered);
                System.out.println("feature rows: " + features + "; screenshot: " + png + " (" + Files.size(png) + " bytes)");
                boolean ok = state.equals("done") && plain.equals(wantPlain) && steered.equals(wantSteered) && !plain.equals(steered)
                        && features > 0 && sliders.contains("steer-news=1.5") && sliders.contains("steer-romance=0");
                if (!ok) {
                    System.out.println("expected unsteered: " + wantPlain + "\nexpected steered:   " + wantSteered);
                    System.out.println("FAIL: the playground did not show what the server replies");
                    System.exit(1);
                }
                System.out.println("the playground shows both replies as the server gives them, and the steered reply's features");
            } finally {
                browser.destroy();
                browser.waitFor(10, TimeUnit.SECONDS);
            }
        }
    }

    /** The reply the page should show, asked directly with the page's settings. */
    static String reply(HttpClient http, String base, String vector) throws Exception {
        ObjectNode body = JSON.createObjectNode().put("temperature", 0).put("max_tokens", 24).put("seed", 1);
        body.putArray("messages").addObject().put("role", "user").put("content", PROMPT);
        if (vector != null) body.putArray("steering").addObject().put("vector", vector).put("strength", 1.5).put("positions", "after-instruction");
        String r = http.send(HttpRequest.newBuilder(URI.create(base + "/v1/chat/completions")).POST(HttpRequest.BodyPublishers.ofString(body.toString())).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        return JSON.readTree(r).get("choices").get(0).get("message").get("content").asText();
    }

    /** Reads chromium's "DevTools listening on ws://127.0.0.1:PORT/..." line. */
    static String[] devtoolsPort(Process browser) throws Exception {
        BufferedReader r = new BufferedReader(new InputStreamReader(browser.getInputStream(), StandardCharsets.UTF_8));
        CompletableFuture<String[]> found = new CompletableFuture<>();
        Thread.ofVirtual().start(() -> {
            try {
                for (String line; (line = r.readLine()) != null; ) {
                    int i = line.indexOf("DevTools listening on ws://127.0.0.1:");
                    if (i >= 0 && !found.isDone()) {
                        String rest = line.substring(i + "DevTools listening on ws://127.0.0.1:".length());
                        found.complete(new String[] {rest.substring(0, rest.indexOf('/'))});
                    }
                }
                found.completeExceptionally(new IllegalStateException("chromium exited before opening DevTools"));
            } catch (Exception e) {
                found.completeExceptionally(e);
            }
        });
        return found.get(60, TimeUnit.SECONDS);
    }

    /** A minimal DevTools-protocol client: one call at a time, answers matched by id. */
    static final class Cdp implements WebSocket.Listener {
        private final WebSocket socket;
        private final AtomicInteger ids = new AtomicInteger();
        private final Map<Integer, CompletableFuture<JsonNode>> pending = new ConcurrentHashMap<>();
        private final StringBuilder partial = new StringBuilder();

        Cdp(HttpClient http, String url) throws Exception {
            socket = http.newWebSocketBuilder().buildAsync(URI.create(url), this).get(30, TimeUnit.SECONDS);
        }

        JsonNode call(String method, ObjectNode params) throws Exception {
            int id = ids.incrementAndGet();
            CompletableFuture<JsonNode> f = new CompletableFuture<>();
            pending.put(id, f);
            socket.sendText(JSON.createObjectNode().put("id", id).put("method", method).set("params", params).toString(), true).get(30, TimeUnit.SECONDS);
            JsonNode r = f.get(60, TimeUnit.SECONDS);
            if (r.has("error")) throw new IllegalStateException(method + ": " + r.get("error"));
            return r.get("result");
        }

        String eval(String expression) throws Exception {
            JsonNode r = call("Runtime.evaluate", JSON.createObjectNode().put("expression", expression).put("returnByValue", true));
            JsonNode v = r.get("result").get("value");
            return v == null ? "" : v.asText();
        }

        @Override
        public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                try {
                    JsonNode m = JSON.readTree(partial.toString());
                    if (m.has("id")) {
                        CompletableFuture<JsonNode> f = pending.remove(m.get("id").asInt());
                        if (f != null) f.complete(m);
                    }
                } catch (Exception e) {
                    pending.values().forEach(f -> f.completeExceptionally(e));
                }
                partial.setLength(0);
            }
            ws.request(1);
            return null;
        }
    }
}
