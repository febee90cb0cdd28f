package dev.tiller.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;

import dev.tiller.Model;
import dev.tiller.Session;
import dev.tiller.SamplingParams;

import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The OpenAI-shaped endpoints on the default model: whole replies, streams, stop, seed, usage, logprobs; models, tokenize, metrics. */
class OpenAiApiTest {
    static Model model;
    static Served s;

    @BeforeAll
    static void start() {
        model = Model.load(Served.models().resolve("tiller-gemma2-tiny.gguf"));
        s = new Served(model, ServerConfig.defaults(128).withParallel(2).withThreads(1)
                .withSteering(Served.models(), Served.models().resolve("tiller-gemma2-tiny.sae-l2.npz"), List.of()));
    }

    @AfterAll
    static void stop() {
        s.close();
        model.close();
    }

    static final String CHAT = "{\"messages\":[{\"role\":\"system\",\"content\":\"Be brief.\"},{\"role\":\"user\",\"content\":\"Tell me of the city.\"}],";

    @Test
    void aChatReplyHasOpenAisShapeAndEqualsTheSessionsGreedyText() {
        Served.Reply r = s.post("/v1/chat/completions", CHAT + "\"max_tokens\":10,\"temperature\":0}");
        assertEquals(200, r.status(), r.body());
        JsonNode j = r.json();
        assertEquals("chat.completion", j.get("object").asText());
        assertTrue(j.get("id").asText().startsWith("chatcmpl-"));
        assertEquals("tiller-gemma2-tiny", j.get("model").asText());
        JsonNode c = j.get("choices").get(0);
        assertEquals("assistant", c.get("message").get("role").asText());
        assertEquals("length", c.get("finish_reason").asText());
        JsonNode u = j.get("usage");
        assertEquals(10, u.get("completion_tokens").asInt());
        assertEquals(u.get("prompt_tokens").asInt() + 10, u.get("total_tokens").asInt());
        // The same conversation through the Java API, greedy.
        try (Session direct = model.newSession(new dev.tiller.SessionOptions(128, 1))) {
            String want = direct.complete(List.of(dev.tiller.ChatMessage.system("Be brief."), dev.tiller.ChatMessage.user("Tell me of the city.")),
                    SamplingParams.greedy().withMaxTokens(10));
            assertEquals(want, c.get("message").get("content").asText());
        }
    }

    @Test
    void theSameSeedGivesTheSameSampledTextAndAnotherSeedAnother() {
        String body = "{\"prompt\":\"The city council\",\"max_tokens\":40,\"temperature\":1.0,\"seed\":%d}";
        String a = s.post("/v1/completions", body.formatted(7)).json().get("choices").get(0).get("text").asText();
        String b = s.post("/v1/completions", body.formatted(7)).json().get("choices").get(0).get("text").asText();
        String c = s.post("/v1/completions", body.formatted(8)).json().get("choices").get(0).get("text").asText();
        assertEquals(a, b);
        assertNotEquals(a, c);
    }

    @Test
    void aStreamSendsRoleThenTextThenFinishThenUsageThenDone() {
        String base = CHAT + "\"max_tokens\":12,\"temperature\":0.7,\"seed\":3";
        String whole = s.post("/v1/chat/completions", base + "}").json().get("choices").get(0).get("message").get("content").asText();
        Served.Reply r = s.post("/v1/chat/completions", base + ",\"stream\":true,\"stream_options\":{\"include_usage\":true}}");
        assertEquals(200, r.status());
        assertTrue(r.raw().headers().firstValue("content-type").orElse("").startsWith("text/event-stream"));
        List<String> ev = r.events();
        assertEquals("[DONE]", ev.getLast());
        JsonNode first = json(ev.getFirst());
        assertEquals("chat.completion.chunk", first.get("object").asText());
        assertEquals("assistant", first.get("choices").get(0).get("delta").get("role").asText());
        StringBuilder text = new StringBuilder();
        for (String e : ev.subList(1, ev.size() - 3)) {
            JsonNode c = json(e).get("choices").get(0);
            assertTrue(c.get("finish_reason").isNull());
            text.append(c.get("delta").get("content").asText());
        }
        JsonNode fin = json(ev.get(ev.size() - 3));
        assertEquals("length", fin.get("choices").get(0).get("finish_reason").asText());
        JsonNode usage = json(ev.get(ev.size() - 2));
        assertTrue(usage.get("choices").isEmpty());
        assertEquals(12, usage.get("usage").get("completion_tokens").asInt());
        assertEquals(whole, text.toString());
        // Without include_usage no chunk carries usage.
        List<String> plain = s.post("/v1/chat/completions", base + ",\"stream\":true}").events();
        assertFalse(plain.stream().filter(e -> !e.equals("[DONE]")).anyMatch(e -> json(e).has("usage")));
    }

    @Test
    void aStopStringEndsTheReplyAndIsNotPartOfIt() {
        String free = s.post("/v1/completions", "{\"prompt\":\"The city\",\"max_tokens\":30,\"temperature\":0}").json()
                .get("choices").get(0).get("text").asText();
        String word = free.strip().split("\\s+")[2];
        JsonNode c = s.post("/v1/completions", "{\"prompt\":\"The city\",\"max_tokens\":30,\"temperature\":0,\"stop\":[\"" + word + "\"]}").json()
                .get("choices").get(0);
        assertEquals("stop", c.get("finish_reason").asText());
        assertEquals(free.substring(0, free.indexOf(word)), c.get("text").asText());
    }

    @Test
    void logprobsComeInEachEndpointsShape() {
        JsonNode chat = s.post("/v1/chat/completions", CHAT + "\"max_tokens\":4,\"temperature\":0,\"logprobs\":true,\"top_logprobs\":3}").json()
                .get("choices").get(0).get("logprobs").get("content");
        assertEquals(4, chat.size());
        for (JsonNode t : chat) {
            assertEquals(3, t.get("top_logprobs").size());
            // Greedy: the chosen token is the most likely one, and log-probabilities are <= 0.
            assertEquals(t.get("token").asText(), t.get("top_logprobs").get(0).get("token").asText());
            assertEquals(t.get("logprob").asDouble(), t.get("top_logprobs").get(0).get("logprob").asDouble(), 1e-4);
            assertTrue(t.get("logprob").asDouble() <= 0);
            assertTrue(t.get("bytes").isArray());
        }
        JsonNode comp = s.post("/v1/completions", "{\"prompt\":\"The city\",\"max_tokens\":3,\"temperature\":0,\"logprobs\":2}").json()
                .get("choices").get(0).get("logprobs");
        assertEquals(3, comp.get("tokens").size());
        assertEquals(3, comp.get("token_logprobs").size());
        assertEquals(2, comp.get("top_logprobs").get(0).size());
        assertEquals(0, comp.get("text_offset").get(0).asInt());
    }

    @Test
    void maxTokensBeyondTheContextIsCappedByIt() {
        // The end-of-turn tokens biased away, so that the reply runs to the end of the context.
        int eos = model.tokenizer().eos(), eot = model.tokenizer().tokenId("<end_of_turn>").orElse(eos);
        JsonNode j = s.post("/v1/completions", "{\"prompt\":\"The city\",\"max_tokens\":1000000000,\"temperature\":0,\"logit_bias\":{\""
                + eos + "\":-100,\"" + eot + "\":-100}}").json();
        JsonNode u = j.get("usage");
        assertEquals(128, u.get("total_tokens").asInt(), j.toString());
        assertEquals("length", j.get("choices").get(0).get("finish_reason").asText());
    }

    @Test
    void modelsSteeringTokenizeDetokenizeHealthMetrics() {
        JsonNode models = s.get("/v1/models").json();
        assertEquals("tiller-gemma2-tiny", models.get("data").get(0).get("id").asText());
        assertEquals(200, s.get("/v1/models/tiller-gemma2-tiny").status());
        assertEquals(404, s.get("/v1/models/gpt-4o").status());
        JsonNode steering = s.get("/v1/steering").json().get("data");
        boolean news = false;
        for (JsonNode v : steering) news |= v.get("id").asText().equals("steer-news") && v.get("kind").asText().equals("sas");
        assertTrue(news, steering.toString());
        JsonNode tokens = s.post("/tokenize", "{\"content\":\"Hello world\"}").json().get("tokens");
        int[] ids = new int[tokens.size()];
        for (int i = 0; i < ids.length; i++) ids[i] = tokens.get(i).asInt();
        org.junit.jupiter.api.Assertions.assertArrayEquals(model.tokenizer().encode("Hello world", false, true), ids);
        StringBuilder arr = new StringBuilder("[");
        for (int i = 0; i < ids.length; i++) arr.append(i > 0 ? "," : "").append(ids[i]);
        assertEquals("Hello world", s.post("/detokenize", "{\"tokens\":" + arr + "]}").json().get("content").asText());
        assertEquals("ok", s.get("/health").json().get("status").asText());
        s.post("/v1/completions", "{\"prompt\":\"x\",\"max_tokens\":2}");
        String metrics = s.get("/metrics").body();
        assertTrue(metrics.contains("tiller_requests_total{endpoint=\"/v1/completions\",status=\"200\"}"), metrics);
        assertTrue(metrics.contains("# TYPE tiller_generated_tokens_total counter"), metrics);
        assertTrue(metrics.contains("tiller_queue_length 0"), metrics);
    }

    @Test
    void featuresOfAReplyAreTheSaesOnItsTokensAndThePageIsServed() {
        String reply = "The government said the council would meet.";
        JsonNode r = s.post("/v1/features", "{\"messages\":[{\"role\":\"user\",\"content\":\"Tell me the news.\"}],\"reply\":\"" + reply
                + "\",\"top\":5}").json();
        assertEquals(2, r.get("layer").asInt(), r.toString());
        // The same features computed here: the reply's rows of resid_post(2), encoded, averaged.
        int[] prompt = model.chatTemplate().apply(List.of(dev.tiller.ChatMessage.user("Tell me the news.")), true);
        int[] replyTokens = model.tokenizer().encode(reply, false, false);
        int[] all = java.util.stream.IntStream.concat(java.util.Arrays.stream(prompt), java.util.Arrays.stream(replyTokens)).toArray();
        assertEquals(replyTokens.length, r.get("reply_tokens").asInt());
        try (Session direct = model.newSession(new dev.tiller.SessionOptions(128, 1));
             dev.tiller.steer.Sae sae = dev.tiller.steer.Sae.load(Served.models().resolve("tiller-gemma2-tiny.sae-l2.npz"))) {
            direct.captureLayers(2);
            direct.evaluate(all);
            float[][] rows = new float[replyTokens.length][];
            for (int t = 0; t < rows.length; t++) rows[t] = direct.captured(2).row(prompt.length + t);
            float[][] f = sae.encode(rows);
            JsonNode features = r.get("features");
            assertEquals(5, features.size());
            double previous = Double.POSITIVE_INFINITY;
            for (JsonNode x : features) {
                int c = x.get("index").asInt();
                double mean = 0;
                for (float[] row : f) mean += row[c];
                mean /= f.length;
                assertEquals(mean, x.get("mean").asDouble(), 1e-4, "feature " + c);
                assertTrue(x.get("mean").asDouble() <= previous, "sorted by mean");
                previous = x.get("mean").asDouble();
            }
        }
        assertEquals(400, s.post("/v1/features", "{\"messages\":[{\"role\":\"user\",\"content\":\"x\"}],\"reply\":\"\"}").status());
        assertEquals(400, s.post("/v1/features", "{\"reply\":\"x\"}").status());
        Served.Reply page = s.get("/");
        assertEquals(200, page.status());
        assertTrue(page.raw().headers().firstValue("content-type").orElse("").startsWith("text/html"));
        assertTrue(page.body().contains("/v1/chat/completions") && page.body().contains("/v1/steering") && page.body().contains("/v1/features"));
    }

    static JsonNode json(String s) {
        try {
            return Served.JSON.readTree(s);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(s, e);
        }
    }
}
