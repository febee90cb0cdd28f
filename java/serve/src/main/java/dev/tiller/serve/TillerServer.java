package dev.tiller.serve;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.tiller.InvalidArgumentException;
import dev.tiller.Model;
import dev.tiller.SessionOptions;
import dev.tiller.TillerException;
import dev.tiller.Tokenizer;
import dev.tiller.steer.Sae;
import dev.tiller.steer.SteerPositions;

import io.helidon.http.Status;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.http.FilterChain;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http.RoutingRequest;
import io.helidon.webserver.http.RoutingResponse;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.UUID;

/**
 * {@code tiller serve}: OpenAI's chat completions and completions endpoints (whole replies and
 * server-sent event streams), models, llama.cpp's tokenize / detokenize / health, Prometheus
 * metrics, and steering as a request field ({@code "steering": [{"vector", "strength",
 * "positions"}]}) over the vectors of {@code --steering-dir}. Each request runs on a virtual thread
 * and holds one of {@code --parallel} session slots while it generates. The model stays the
 * caller's: closing the server closes its slots, not the model.
 */
public final class TillerServer implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger("dev.tiller.serve");
    private static final byte[] PLAYGROUND = playgroundPage();
    private static final Set<String> ENDPOINTS = Set.of("/", "/health", "/v1/models", "/v1/steering", "/v1/chat/completions", "/v1/completions",
            "/v1/features", "/tokenize", "/detokenize", "/metrics");
    /** Endpoints that answer without the API key: /health, as llama.cpp's server, and the page (its requests carry the key). */
    private static final Set<String> OPEN = Set.of("/health", "/");

    private final Model model;
    private final ServerConfig config;
    private final ObjectMapper mapper = new ObjectMapper();
    private final Slots slots;
    private final SteeringLibrary library;
    private final SteerPositions startupPositions;
    private final Metrics metrics = new Metrics();
    private final String modelId;
    private final long created = Instant.now().getEpochSecond();
    private final byte[] key;
    private final WebServer server;

    private TillerServer(Model model, ServerConfig config) {
        this.model = model;
        this.config = config;
        this.modelId = config.alias() != null ? config.alias() : stripGguf(model.path().getFileName().toString());
        this.key = config.apiKey() == null ? null : config.apiKey().getBytes(StandardCharsets.UTF_8);
        this.startupPositions = config.startupPositions() == null ? null : SteerPositions.named(config.startupPositions());
        this.library = new SteeringLibrary(config.steeringDir(), config.sae(), config.steer().stream()
                .map(s -> new SteeringLibrary.Startup(s.file(), s.strength())).toList());
        Slots made = null;
        try {
            made = new Slots(model, config.parallel(), new SessionOptions(config.contextLength(), config.threads()), config.queueLimit(),
                    Duration.ofMinutes(10).toMillis());
            this.slots = made;
            this.server = WebServer.builder().host(config.host()).port(config.port())
                    .idleConnectionTimeout(Duration.ofMinutes(2))
                    .shutdownHook(false)
                    .routing(this::routing)
                    .build()
                    .start();
        } catch (RuntimeException e) {
            if (made != null) made.close();
            library.close();
            throw e;
        }
    }

    /** Starts serving {@code model} as {@code config} says; port 0 picks a free port ({@link #port()}). */
    public static TillerServer start(Model model, ServerConfig config) {
        return new TillerServer(model, config);
    }

    public int port() {
        return server.port();
    }

    /** The base URL OpenAI clients take ({@code http://host:port/v1}). */
    public URI baseUri() {
        return URI.create("http://" + (config.host().contains(":") ? "[" + config.host() + "]" : config.host()) + ":" + port() + "/v1");
    }

    public String modelId() {
        return modelId;
    }

    @Override
    public void close() {
        server.stop();
        slots.close();
        library.close();
    }

    private static byte[] playgroundPage() {
        try (InputStream in = TillerServer.class.getResourceAsStream("playground.html")) {
            if (in == null) throw new IllegalStateException("playground.html is missing from the server's jar");
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String stripGguf(String file) {
        return file.endsWith(".gguf") ? file.substring(0, file.length() - 5) : file;
    }

    private void routing(HttpRouting.Builder r) {
        r.addFilter(this::filter)
                .get("/health", this::health)
                .get("/v1/models", (q, s) -> sendJson(s, 200, models()))
                .get("/v1/models/{id}", this::model)
                .get("/v1/steering", this::steering)
                .post("/v1/chat/completions", (q, s) -> completion(q, s, true))
                .post("/v1/completions", (q, s) -> completion(q, s, false))
                .post("/v1/features", this::features)
                .get("/", this::playground)
                .post("/tokenize", this::tokenize)
                .post("/detokenize", this::detokenize)
                .get("/metrics", (q, s) -> {
                    s.header("Content-Type", "text/plain; version=0.0.4; charset=utf-8");
                    s.send(metrics.text(slots::busy, slots::size, slots::waiting).getBytes(StandardCharsets.UTF_8));
                })
                .any((q, s) -> {
                    throw ApiError.notFound(null, "not_found", "no endpoint " + q.prologue().method().text() + " " + q.path().path());
                })
                .error(ApiError.class, (q, s, e) -> sendError(s, e))
                .error(InvalidArgumentException.class, (q, s, e) -> sendError(s, ApiError.badRequest(null, e.getMessage())))
                // A steering file of the directory that does not load: the operator's problem, named in the reply.
                .error(TillerException.class, (q, s, e) -> sendError(s, ApiError.internal(e.getMessage())))
                .error(Throwable.class, (q, s, e) -> {
                    LOG.log(System.Logger.Level.WARNING, "request " + q.path().path() + " failed", e);
                    sendError(s, ApiError.internal(e.getClass().getSimpleName() + ": " + e.getMessage()));
                });
    }

    /** The API key (when the server has one) and the request counters. */
    private void filter(FilterChain chain, RoutingRequest req, RoutingResponse res) {
        String path = req.path().path();
        String endpoint = ENDPOINTS.contains(path) ? path : path.startsWith("/v1/models/") ? "/v1/models/{id}" : "other";
        try {
            if (key != null && !OPEN.contains(path) && !authorized(req)) {
                sendError(res, ApiError.unauthorized());
                return;
            }
            chain.proceed();
        } finally {
            metrics.request(endpoint, res.status().code());
        }
    }

    private boolean authorized(ServerRequest req) {
        String h = req.headers().first(io.helidon.http.HeaderNames.AUTHORIZATION).orElse("");
        if (!h.regionMatches(true, 0, "Bearer ", 0, 7)) return false;
        return MessageDigest.isEqual(key, h.substring(7).trim().getBytes(StandardCharsets.UTF_8));
    }

    private void health(ServerRequest req, ServerResponse res) {
        ObjectNode o = mapper.createObjectNode().put("status", "ok").put("slots_idle", slots.size() - slots.busy())
                .put("slots_processing", slots.busy()).put("queue", slots.waiting());
        sendJson(res, 200, o);
    }

    private ObjectNode models() {
        ObjectNode o = mapper.createObjectNode().put("object", "list");
        o.putArray("data").add(modelEntry());
        return o;
    }

    private ObjectNode modelEntry() {
        ObjectNode m = mapper.createObjectNode().put("id", modelId).put("object", "model").put("created", created).put("owned_by", "tiller");
        var info = model.info();
        m.putObject("meta").put("architecture", info.architecture()).put("n_vocab", info.vocabularySize()).put("n_embd", info.embeddingLength())
                .put("n_layer", info.layerCount()).put("n_ctx_train", info.contextLength()).put("n_ctx_slot", slots.contextLength())
                .put("slots", slots.size());
        return m;
    }

    private void model(ServerRequest req, ServerResponse res) {
        String id = req.path().pathParameters().get("id");
        checkModel(id);
        sendJson(res, 200, modelEntry());
    }

    private void checkModel(String requested) {
        if (requested == null || requested.isEmpty() || requested.equals(modelId) || requested.equals(model.path().getFileName().toString())) return;
        throw ApiError.notFound("model", "model_not_found", "this server serves '" + modelId + "', not '" + requested + "' (GET /v1/models)");
    }

    private void steering(ServerRequest req, ServerResponse res) {
        ObjectNode o = mapper.createObjectNode().put("object", "list");
        ArrayNode data = o.putArray("data");
        for (Map<String, Object> v : library.list()) data.add(mapper.valueToTree(v));
        sendJson(res, 200, o);
    }

    private void completion(ServerRequest req, ServerResponse res, boolean chat) throws InterruptedException {
        CompletionRequest r = CompletionRequest.parse(readJson(req), chat, model.info().vocabularySize());
        checkModel(r.model());
        OpenAiFormat fmt = new OpenAiFormat(mapper, chat, (chat ? "chatcmpl-" : "cmpl-") + UUID.randomUUID(), Instant.now().getEpochSecond(), modelId);
        // The slot goes back as soon as the last token is out, before the reply's last bytes, so that
        // a client sending its next request on receipt finds it free.
        try (Slots.Lease slot = slots.acquire()) {
            CompletionRun run;
            try {
                run = new CompletionRun(model, slot.session(), library, startupPositions, r);
            } catch (InvalidArgumentException e) {
                // The runtime refused the request's steering (a vector for a layer this model lacks, an SAE of another layer).
                throw ApiError.badRequest("steering", e.getMessage());
            }
            if (r.stream()) stream(res, run, r, fmt, slot);
            else whole(res, run, r, fmt, slot);
        }
    }

    private void whole(ServerResponse res, CompletionRun run, CompletionRequest r, OpenAiFormat fmt, Slots.Lease slot) {
        StringBuilder text = new StringBuilder();
        List<CompletionRun.TokenLogprob> lps = r.logprobs() ? new ArrayList<>() : null;
        CompletionRun.End end = run.run(step -> {
            text.append(step.token().text());
            if (lps != null && step.logprob() != null) lps.add(step.logprob());
            return true;
        });
        slot.close();
        count(end.usage());
        sendJson(res, 200, fmt.reply(text.toString(), lps, end, r.params().seed()));
    }

    /** Server-sent events: a chunk per token with text, the last with finish_reason, usage when asked, then [DONE]. */
    private void stream(ServerResponse res, CompletionRun run, CompletionRequest r, OpenAiFormat fmt, Slots.Lease slot) {
        res.header("Content-Type", "text/event-stream; charset=utf-8");
        res.header("Cache-Control", "no-cache");
        boolean usage = r.includeUsage();
        try (OutputStream os = res.outputStream()) {
            if (r.chat() && !event(os, fmt.roleChunk(usage).toString())) return;
            CompletionRun.End end;
            try {
                end = run.run(step -> {
                    String t = step.token().text();
                    if (t.isEmpty() && step.logprob() == null) return true;
                    return event(os, fmt.chunk(t, step.logprob() == null ? null : List.of(step.logprob()), null, usage).toString());
                });
            } catch (RuntimeException e) {
                // The status line has gone: the error travels as an event.
                LOG.log(System.Logger.Level.WARNING, "generation failed mid-stream", e);
                event(os, ApiError.internal(e.getMessage()).json(mapper).toString());
                return;
            } finally {
                count(run.usage());
                slot.close();
            }
            if (end == null) return; // the client left
            if (!event(os, fmt.chunk(null, null, end.finishReason(), usage).toString())) return;
            if (usage && !event(os, fmt.usageChunk(end.usage(), r.params().seed()).toString())) return;
            event(os, "[DONE]");
        } catch (IOException | UncheckedIOException e) {
            LOG.log(System.Logger.Level.DEBUG, "client left a stream", e);
        }
    }

    /** Writes one event; false when the client has gone. */
    private static boolean event(OutputStream os, String data) {
        try {
            os.write(("data: " + data + "\n\n").getBytes(StandardCharsets.UTF_8));
            os.flush();
            return true;
        } catch (IOException | UncheckedIOException e) {
            return false;
        }
    }

    private void count(dev.tiller.Usage u) {
        metrics.tokens(u.promptTokens(), u.generatedTokens(), u.promptSeconds(), u.generationSeconds());
    }

    /**
     * Tiller's {@code POST /v1/features}: the top SAE features (the server's {@code --sae}) of a
     * reply, {@code {"messages": [...], "reply": "...", "top": 12}}, as the unsteered model reads them.
     */
    private void features(ServerRequest req, ServerResponse res) throws InterruptedException {
        Sae sae = library.serverSae();
        if (sae == null) throw ApiError.notFound(null, "no_sae", "this server has no --sae: it cannot report features");
        RequestFields f = new RequestFields(readJson(req));
        List<dev.tiller.ChatMessage> messages = CompletionRequest.messages(f.node("messages"));
        String reply = f.string("reply").orElseThrow(() -> ApiError.badRequest("reply", "'reply' (the text whose features to report) is required"));
        int top = (int) (long) f.integer("top", 1, 100).orElse(12L);
        int layer = sae.layer().orElseThrow(() -> ApiError.internal("the server's SAE does not say which layer it reads"));
        int[] prompt = model.chatTemplate().apply(messages, true);
        int[] replyTokens = model.tokenizer().encode(reply, false, false);
        if (replyTokens.length == 0) throw ApiError.badRequest("reply", "'reply' is empty");
        int[] tokens = java.util.Arrays.copyOf(prompt, prompt.length + replyTokens.length);
        System.arraycopy(replyTokens, 0, tokens, prompt.length, replyTokens.length);
        List<FeatureReport.Feature> found;
        try (Slots.Lease slot = slots.acquire()) {
            if (tokens.length > slot.session().contextLength()) {
                throw ApiError.badRequest("messages", "the conversation and reply are " + tokens.length + " tokens; a slot holds " + slot.session().contextLength());
            }
            found = FeatureReport.top(slot.session(), sae, layer, tokens, prompt.length, top);
        }
        ObjectNode o = mapper.createObjectNode().put("layer", layer).put("sae", sae.path().getFileName().toString()).put("d_sae", sae.dSae())
                .put("reply_tokens", replyTokens.length);
        ArrayNode a = o.putArray("features");
        for (FeatureReport.Feature x : found) a.addObject().put("index", x.index()).put("mean", x.mean()).put("max", x.max()).put("firing", x.firing());
        sendJson(res, 200, o);
    }

    /** The playground page: chat with streaming, steering sliders, unsteered and steered side by side, the reply's SAE features. */
    private void playground(ServerRequest req, ServerResponse res) {
        res.header("Content-Type", "text/html; charset=utf-8");
        res.send(PLAYGROUND);
    }

    /** llama.cpp's {@code POST /tokenize}: {@code content}, {@code add_special} (false), {@code parse_special} (true), {@code with_pieces} (false). */
    private void tokenize(ServerRequest req, ServerResponse res) {
        RequestFields f = new RequestFields(readJson(req));
        String content = f.string("content").orElseThrow(() -> ApiError.badRequest("content", "'content' (the text to tokenize) is required"));
        boolean addSpecial = f.bool("add_special", false), parseSpecial = f.bool("parse_special", true), pieces = f.bool("with_pieces", false);
        Tokenizer tok = model.tokenizer();
        int[] ids = tok.encode(content, addSpecial, parseSpecial);
        ObjectNode o = mapper.createObjectNode();
        ArrayNode a = o.putArray("tokens");
        for (int id : ids) {
            if (pieces) a.addObject().put("id", id).put("piece", new String(tok.pieceBytes(id, true), StandardCharsets.UTF_8));
            else a.add(id);
        }
        sendJson(res, 200, o);
    }

    /** llama.cpp's {@code POST /detokenize}: {@code tokens} -> {@code content}. */
    private void detokenize(ServerRequest req, ServerResponse res) {
        JsonNode t = new RequestFields(readJson(req)).node("tokens");
        if (t == null || !t.isArray()) throw ApiError.badRequest("tokens", "'tokens' must be an array of token ids");
        int n = model.info().vocabularySize();
        int[] ids = new int[t.size()];
        for (int i = 0; i < ids.length; i++) {
            JsonNode v = t.get(i);
            if (!v.isIntegralNumber() || v.asLong() < 0 || v.asLong() >= n) {
                throw ApiError.badRequest("tokens", "tokens[" + i + "] = " + v + " is not a token id in [0, " + n + ")");
            }
            ids[i] = v.asInt();
        }
        sendJson(res, 200, mapper.createObjectNode().put("content", model.tokenizer().decode(ids)));
    }

    /** The body as JSON: 413 past the size limit (declared or actual), 400 when it is not JSON. */
    private JsonNode readJson(ServerRequest req) {
        long limit = config.maxBodyBytes();
        OptionalLong declared = req.headers().contentLength();
        if (declared.isPresent() && declared.getAsLong() > limit) throw ApiError.tooLarge(limit);
        if (!req.content().hasEntity()) throw ApiError.badRequest(null, "the request has no body (a JSON object is expected)");
        byte[] body;
        try (InputStream in = req.content().inputStream()) {
            body = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, limit + 1));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (body.length > limit) throw ApiError.tooLarge(limit);
        try {
            return mapper.readTree(body);
        } catch (JsonProcessingException e) {
            throw ApiError.badRequest(null, "malformed JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void sendJson(ServerResponse res, int status, JsonNode body) {
        res.status(Status.create(status));
        res.header("Content-Type", "application/json");
        res.send(body.toString().getBytes(StandardCharsets.UTF_8));
    }

    private void sendError(ServerResponse res, ApiError e) {
        if (res.isSent()) return;
        if (e.retryAfter > 0) res.header("Retry-After", Integer.toString(e.retryAfter));
        sendJson(res, e.status, e.json(mapper));
    }
}
