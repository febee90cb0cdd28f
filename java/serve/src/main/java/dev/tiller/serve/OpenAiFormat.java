package dev.tiller.serve;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.tiller.Usage;

import java.util.List;

/**
 * The reply objects of OpenAI's chat completions and (legacy) completions APIs: whole replies,
 * stream chunks, usage and logprobs, each in the shape its endpoint uses.
 */
final class OpenAiFormat {
    private final ObjectMapper mapper;
    private final boolean chat;
    private final String id;
    private final long created;
    private final String model;

    OpenAiFormat(ObjectMapper mapper, boolean chat, String id, long created, String model) {
        this.mapper = mapper;
        this.chat = chat;
        this.id = id;
        this.created = created;
        this.model = model;
    }

    private ObjectNode head(String object) {
        ObjectNode o = mapper.createObjectNode();
        o.put("id", id).put("object", object).put("created", created).put("model", model);
        o.putNull("system_fingerprint");
        return o;
    }

    /** The whole reply of a request without {@code stream}. */
    ObjectNode reply(String text, List<CompletionRun.TokenLogprob> logprobs, CompletionRun.End end, long seed) {
        ObjectNode o = head(chat ? "chat.completion" : "text_completion");
        ObjectNode c = o.putArray("choices").addObject().put("index", 0);
        if (chat) {
            c.putObject("message").put("role", "assistant").put("content", text).putNull("refusal");
        } else {
            c.put("text", text);
        }
        if (logprobs == null) c.putNull("logprobs");
        else c.set("logprobs", logprobs(logprobs));
        c.put("finish_reason", end.finishReason());
        o.set("usage", usage(end.usage()));
        o.set("timings", timings(end.usage(), seed));
        return o;
    }

    /** The first chunk of a chat stream: the assistant's role, no text yet. */
    ObjectNode roleChunk(boolean withUsage) {
        ObjectNode o = chunk(null, withUsage);
        ((ObjectNode) o.get("choices").get(0).get("delta")).put("role", "assistant").put("content", "");
        return o;
    }

    /** A chunk with text (and its tokens' logprobs), or the last one with finish_reason. */
    ObjectNode chunk(String text, List<CompletionRun.TokenLogprob> logprobs, String finishReason, boolean withUsage) {
        ObjectNode o = chunk(finishReason, withUsage);
        ObjectNode c = (ObjectNode) o.get("choices").get(0);
        if (chat) {
            if (text != null) ((ObjectNode) c.get("delta")).put("content", text);
        } else {
            c.put("text", text == null ? "" : text);
        }
        if (logprobs != null && !logprobs.isEmpty()) c.set("logprobs", logprobs(logprobs));
        return o;
    }

    private ObjectNode chunk(String finishReason, boolean withUsage) {
        ObjectNode o = head(chat ? "chat.completion.chunk" : "text_completion");
        ObjectNode c = o.putArray("choices").addObject().put("index", 0);
        if (chat) c.putObject("delta");
        c.putNull("logprobs");
        if (finishReason == null) c.putNull("finish_reason");
        else c.put("finish_reason", finishReason);
        if (withUsage) o.putNull("usage");
        return o;
    }

    /** The chunk after the last choice when {@code stream_options.include_usage}: no choices, the usage. */
    ObjectNode usageChunk(Usage u, long seed) {
        ObjectNode o = head(chat ? "chat.completion.chunk" : "text_completion");
        o.putArray("choices");
        o.set("usage", usage(u));
        o.set("timings", timings(u, seed));
        return o;
    }

    ObjectNode usage(Usage u) {
        return mapper.createObjectNode().put("prompt_tokens", u.promptTokens()).put("completion_tokens", u.generatedTokens())
                .put("total_tokens", u.promptTokens() + u.generatedTokens());
    }

    /** Tiller's extension, named as llama.cpp's server names it: speeds and the seed used. */
    private ObjectNode timings(Usage u, long seed) {
        return mapper.createObjectNode().put("prompt_n", u.promptTokens()).put("prompt_per_second", u.promptTokensPerSecond())
                .put("predicted_n", u.generatedTokens()).put("predicted_per_second", u.tokensPerSecond()).put("seed", seed);
    }

    private ObjectNode logprobs(List<CompletionRun.TokenLogprob> lps) {
        ObjectNode o = mapper.createObjectNode();
        if (chat) {
            ArrayNode content = o.putArray("content");
            for (CompletionRun.TokenLogprob lp : lps) {
                ObjectNode t = entry(lp);
                ArrayNode top = t.putArray("top_logprobs");
                for (CompletionRun.TokenLogprob alt : lp.top()) top.add(entry(alt));
                content.add(t);
            }
            o.putNull("refusal");
        } else {
            ArrayNode tokens = o.putArray("tokens"), values = o.putArray("token_logprobs"), tops = o.putArray("top_logprobs");
            ArrayNode offsets = o.putArray("text_offset");
            int offset = 0;
            for (CompletionRun.TokenLogprob lp : lps) {
                tokens.add(lp.token());
                values.add(lp.logprob());
                ObjectNode top = tops.addObject();
                for (CompletionRun.TokenLogprob alt : lp.top()) top.put(alt.token(), alt.logprob());
                offsets.add(offset);
                offset += lp.token().length();
            }
        }
        return o;
    }

    private ObjectNode entry(CompletionRun.TokenLogprob lp) {
        ObjectNode t = mapper.createObjectNode().put("token", lp.token()).put("logprob", lp.logprob());
        ArrayNode bytes = t.putArray("bytes");
        for (byte b : lp.bytes()) bytes.add(b & 0xFF);
        return t;
    }
}
