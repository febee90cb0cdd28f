package dev.tiller.serve;

import com.fasterxml.jackson.databind.JsonNode;

import dev.tiller.ChatMessage;
import dev.tiller.SamplingParams;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A validated {@code POST /v1/chat/completions} or {@code /v1/completions} body. Sampling defaults
 * are Tiller's (llama.cpp's: temperature 0.8, top-k 40, top-p 0.95, min-p 0.05); without a seed
 * each request draws one; without max_tokens a reply may run to the end of the slot's context.
 */
record CompletionRequest(boolean chat, String model, List<ChatMessage> messages, String prompt, SamplingParams params, OptionalLong maxTokens,
        boolean stream, boolean includeUsage, boolean logprobs, int topLogprobs, List<SteeringRequest> steering) {

    static final int MAX_STOP = 16;

    static CompletionRequest parse(JsonNode body, boolean chat, int vocabularySize) {
        RequestFields f = new RequestFields(body);
        refuseUnsupported(f, chat);
        String model = f.string("model").orElse(null);
        List<ChatMessage> messages = chat ? messages(f.node("messages")) : List.of();
        String prompt = chat ? null : prompt(f.node("prompt"));

        SamplingParams p = SamplingParams.defaults().withSeed(f.integer("seed", Long.MIN_VALUE, Long.MAX_VALUE)
                .orElseGet(() -> ThreadLocalRandom.current().nextLong()));
        p = p.withTemperature((float) (double) f.number("temperature", 0, 2).orElse((double) p.temperature()));
        if (f.has("top_p")) {
            double topP = f.number("top_p", 0, 1).get();
            if (topP == 0) throw ApiError.badRequest("top_p", "'top_p' must be in (0, 1]; use temperature 0 for greedy decoding");
            p = p.withTopP((float) topP);
        }
        p = p.withTopK((int) (long) f.integer("top_k", 0, Integer.MAX_VALUE).orElse((long) p.topK()));
        if (f.has("min_p")) {
            double minP = f.number("min_p", 0, 1).get();
            if (minP == 1) throw ApiError.badRequest("min_p", "'min_p' must be in [0, 1)");
            p = p.withMinP((float) minP);
        }
        if (f.has("repeat_penalty")) {
            double r = f.number("repeat_penalty", 0, 100).get();
            if (r == 0) throw ApiError.badRequest("repeat_penalty", "'repeat_penalty' must be positive (1 is off)");
            p = p.withRepeatPenalty((float) r);
        }
        p = p.withRepeatLastN((int) (long) f.integer("repeat_last_n", 0, 1 << 20).orElse((long) p.repeatLastN()));
        p = p.withPresencePenalty((float) (double) f.number("presence_penalty", -2, 2).orElse(0.0));
        p = p.withFrequencyPenalty((float) (double) f.number("frequency_penalty", -2, 2).orElse(0.0));
        p = p.withLogitBias(logitBias(f.node("logit_bias"), vocabularySize));
        p = p.withStop(stop(f.node("stop")));

        OptionalLong max = OptionalLong.empty();
        for (String name : List.of("max_completion_tokens", "max_tokens")) {
            var v = f.integer(name, 1, Long.MAX_VALUE);
            if (v.isPresent()) {
                max = OptionalLong.of(v.get());
                break;
            }
        }
        long n = f.integer("n", 1, Integer.MAX_VALUE).orElse(1L);
        if (n != 1) throw ApiError.badRequest("n", "only n = 1 is supported (one choice per request), got " + n);
        f.string("user"); // accepted (a type check only): nothing is logged per user

        boolean stream = f.bool("stream", false);
        boolean includeUsage = false;
        JsonNode so = f.node("stream_options");
        if (so != null) includeUsage = new RequestFields(so).bool("include_usage", false);

        boolean logprobs;
        int top;
        if (chat) {
            logprobs = f.bool("logprobs", false);
            top = (int) (long) f.integer("top_logprobs", 0, 20).orElse(0L);
            if (top > 0 && !logprobs) throw ApiError.badRequest("top_logprobs", "'top_logprobs' needs 'logprobs': true");
        } else {
            var lp = f.integer("logprobs", 0, 5);
            logprobs = lp.isPresent();
            top = (int) (long) lp.orElse(0L);
        }
        return new CompletionRequest(chat, model, messages, prompt, p, max, stream, includeUsage, logprobs, top,
                SteeringRequest.parse(f.node("steering"), chat));
    }

    private static void refuseUnsupported(RequestFields f, boolean chat) {
        for (String name : List.of("tools", "functions", "tool_choice", "function_call", "audio", "prediction")) {
            JsonNode n = f.node(name);
            if (n != null && !(n.isArray() && n.isEmpty()) && !(n.isTextual() && n.asText().equals("none"))) {
                throw ApiError.badRequest(name, "'" + name + "' is not supported by this server");
            }
        }
        JsonNode rf = f.node("response_format");
        if (rf != null && !(rf.isObject() && "text".equals(rf.path("type").asText()))) {
            throw ApiError.badRequest("response_format", "only response_format {\"type\": \"text\"} is supported");
        }
        if (!chat) {
            if (f.bool("echo", false)) throw ApiError.badRequest("echo", "'echo' is not supported");
            if (f.string("suffix").isPresent()) throw ApiError.badRequest("suffix", "'suffix' is not supported");
            f.integer("best_of", 1, 1); // one candidate per request: best_of > 1 is out of range
        }
    }

    static List<ChatMessage> messages(JsonNode node) {
        if (node == null || !node.isArray() || node.isEmpty()) {
            throw ApiError.badRequest("messages", "'messages' must be a non-empty array of {role, content}");
        }
        List<ChatMessage> out = new ArrayList<>();
        for (JsonNode m : node) {
            RequestFields f = new RequestFields(m);
            String role = f.string("role").orElseThrow(() -> ApiError.badRequest("messages", "every message needs a 'role'"));
            ChatMessage.Role r = switch (role) {
                case "system", "developer" -> ChatMessage.Role.SYSTEM;
                case "user" -> ChatMessage.Role.USER;
                case "assistant" -> ChatMessage.Role.ASSISTANT;
                default -> throw ApiError.badRequest("messages", "message role '" + role + "' is not supported (system, developer, user, assistant)");
            };
            out.add(new ChatMessage(r, content(f.node("content"))));
        }
        return out;
    }

    /** A message's content: a string, or an array of text parts (other part types are refused). */
    private static String content(JsonNode c) {
        if (c == null) throw ApiError.badRequest("messages", "every message needs 'content'");
        if (c.isTextual()) return c.asText();
        if (!c.isArray()) throw ApiError.badRequest("messages", "message 'content' must be a string or an array of text parts");
        StringBuilder sb = new StringBuilder();
        for (JsonNode part : c) {
            RequestFields f = new RequestFields(part);
            String type = f.string("type").orElse("text");
            if (!type.equals("text")) throw ApiError.badRequest("messages", "content parts of type '" + type + "' are not supported (text only)");
            sb.append(f.string("text").orElseThrow(() -> ApiError.badRequest("messages", "a text part needs 'text'")));
        }
        return sb.toString();
    }

    private static String prompt(JsonNode node) {
        if (node != null && node.isArray() && node.size() == 1) node = node.get(0);
        if (node == null || !node.isTextual()) {
            throw ApiError.badRequest("prompt", "'prompt' must be a string (or an array holding one string)");
        }
        if (node.asText().isEmpty()) throw ApiError.badRequest("prompt", "'prompt' is empty");
        return node.asText();
    }

    private static Map<Integer, Float> logitBias(JsonNode node, int vocabularySize) {
        Map<Integer, Float> out = new HashMap<>();
        if (node == null) return out;
        if (!node.isObject()) throw ApiError.badRequest("logit_bias", "'logit_bias' must be an object of token id -> bias");
        for (Map.Entry<String, JsonNode> e : node.properties()) {
            int id;
            try {
                id = Integer.parseInt(e.getKey());
            } catch (NumberFormatException x) {
                throw ApiError.badRequest("logit_bias", "logit_bias key '" + e.getKey() + "' is not a token id");
            }
            if (id < 0 || id >= vocabularySize) {
                throw ApiError.badRequest("logit_bias", "logit_bias token " + id + " is outside the vocabulary [0, " + vocabularySize + ")");
            }
            JsonNode v = e.getValue();
            if (!v.isNumber() || !Double.isFinite(v.asDouble()) || Math.abs(v.asDouble()) > 100) {
                throw ApiError.badRequest("logit_bias", "logit_bias of token " + id + " must be a number in [-100, 100]");
            }
            out.put(id, (float) v.asDouble());
        }
        return out;
    }

    private static List<String> stop(JsonNode node) {
        List<String> out = new ArrayList<>();
        if (node == null) return out;
        if (node.isTextual()) node = com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.arrayNode().add(node.asText());
        if (!node.isArray()) throw ApiError.badRequest("stop", "'stop' must be a string or an array of strings");
        if (node.size() > MAX_STOP) throw ApiError.badRequest("stop", "at most " + MAX_STOP + " stop strings, got " + node.size());
        for (JsonNode s : node) {
            if (!s.isTextual() || s.asText().isEmpty()) throw ApiError.badRequest("stop", "stop strings must be non-empty strings");
            out.add(s.asText());
        }
        return out;
    }
}
