package dev.tiller.langchain4j;

import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.Content;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.TextContent;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.exception.InvalidRequestException;
import dev.langchain4j.exception.UnsupportedFeatureException;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.request.ChatRequestParameters;
import dev.langchain4j.model.chat.request.ResponseFormatType;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.output.FinishReason;
import dev.langchain4j.model.output.TokenUsage;

import dev.tiller.ChatMessage;
import dev.tiller.ChatTemplate;
import dev.tiller.GeneratedToken;
import dev.tiller.Generation;
import dev.tiller.Model;
import dev.tiller.SamplingParams;
import dev.tiller.Session;
import dev.tiller.SessionOptions;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Consumer;

/**
 * What the chat models share: a model, a pool of sessions (one per concurrent call, up to
 * {@code parallel}, made when first needed), and one chat turn run as {@code tiller chat} runs it:
 * the model's chat template, steering from the end of the instruction unless told otherwise,
 * Tiller's sampler. Calls beyond the pool wait for a session.
 */
final class TillerChat implements AutoCloseable {
    final Model model;
    private final boolean ownsModel;
    private final SessionOptions options;
    private final BlockingQueue<Session> free;
    private final List<Session> all = new ArrayList<>();
    private final int parallel;
    final String modelName;
    final TillerChatRequestParameters defaults;
    private volatile boolean closed;

    TillerChat(Model model, Path modelPath, int contextLength, int threads, int parallel, TillerChatRequestParameters defaults) {
        if ((model == null) == (modelPath == null)) throw new IllegalArgumentException("give the builder either model(Model) or modelPath(Path)");
        if (parallel < 1) throw new IllegalArgumentException("parallel must be >= 1, got " + parallel);
        this.ownsModel = model == null;
        this.model = model != null ? model : Model.load(modelPath);
        int ctx = contextLength > 0 ? contextLength : Math.min(this.model.info().contextLength(), 8192);
        this.options = new SessionOptions(ctx, threads);
        this.parallel = parallel;
        this.free = new ArrayBlockingQueue<>(parallel);
        String file = this.model.path().getFileName().toString();
        this.modelName = file.endsWith(".gguf") ? file.substring(0, file.length() - 5) : file;
        this.defaults = defaults != null ? defaults : TillerChatRequestParameters.builder().build();
    }

    /** One chat turn; each piece of text goes to partial as it is generated (null: none). */
    ChatResponse chat(ChatRequest request, Consumer<String> partial) {
        ChatRequestParameters p = request.parameters();
        if (p.toolSpecifications() != null && !p.toolSpecifications().isEmpty()) {
            throw new UnsupportedFeatureException("Tiller's chat models do not call tools");
        }
        if (p.responseFormat() != null && p.responseFormat().type() != ResponseFormatType.TEXT) {
            throw new UnsupportedFeatureException("Tiller's chat models answer in text only (no JSON response format)");
        }
        List<ChatMessage> messages = messages(request.messages());
        SamplingParams params = sampling(p);
        TillerChatRequestParameters t = p instanceof TillerChatRequestParameters tp ? tp : null;
        Session session = acquire();
        try {
            session.reset();
            ChatTemplate template = model.chatTemplate();
            int[] tokens = template.apply(messages, true);
            int room = session.contextLength() - tokens.length;
            if (room < 1) {
                throw new InvalidRequestException("the conversation is " + tokens.length + " tokens and the context holds " + session.contextLength());
            }
            params = params.withMaxTokens(p.maxOutputTokens() == null ? room : Math.min(p.maxOutputTokens(), room));
            steer(session, t, tokens.length, tokens.length - template.turnHandoverLength());
            StringBuilder text = new StringBuilder();
            try (Generation g = session.generate(tokens, params)) {
                while (g.hasNext()) {
                    GeneratedToken tok = g.next();
                    text.append(tok.text());
                    if (partial != null && !tok.text().isEmpty()) partial.accept(tok.text());
                }
                var u = g.usage();
                return ChatResponse.builder().aiMessage(AiMessage.from(text.toString())).modelName(modelName)
                        .tokenUsage(new TokenUsage(u.promptTokens(), u.generatedTokens())).finishReason(finishReason(g.finishReason())).build();
            }
        } finally {
            free.add(session);
        }
    }

    private static void steer(Session session, TillerChatRequestParameters t, int promptLength, int instructionEnd) {
        session.clearSteering();
        session.clearControlVector();
        if (t == null) return;
        if (t.steering() != null) {
            for (Steering s : t.steering()) {
                session.steer(s.vector(), s.strength(), s.positions().from(promptLength, instructionEnd), s.sae(), s.vector().jumpSigma());
            }
        }
        if (t.controlVector() != null) session.setControlVector(t.controlVector());
    }

    /** LangChain4j's parameters over Tiller's sampler defaults; without a seed, each call draws one (as OpenAI's API does). */
    private static SamplingParams sampling(ChatRequestParameters p) {
        SamplingParams s = SamplingParams.defaults().withSeed(ThreadLocalRandom.current().nextLong());
        if (p.temperature() != null) s = s.withTemperature(p.temperature().floatValue());
        if (p.topP() != null) s = s.withTopP(p.topP().floatValue());
        if (p.topK() != null) s = s.withTopK(p.topK());
        if (p.frequencyPenalty() != null) s = s.withFrequencyPenalty(p.frequencyPenalty().floatValue());
        if (p.presencePenalty() != null) s = s.withPresencePenalty(p.presencePenalty().floatValue());
        if (p.stopSequences() != null) s = s.withStop(p.stopSequences());
        if (p instanceof TillerChatRequestParameters t) {
            if (t.seed() != null) s = s.withSeed(t.seed());
            if (t.minP() != null) s = s.withMinP(t.minP().floatValue());
            if (t.repeatPenalty() != null) s = s.withRepeatPenalty(t.repeatPenalty().floatValue());
        }
        return s;
    }

    /** LangChain4j's messages as Tiller's chat turns: system, user and AI text; tools and media are refused. */
    static List<ChatMessage> messages(List<dev.langchain4j.data.message.ChatMessage> in) {
        List<ChatMessage> out = new ArrayList<>();
        for (dev.langchain4j.data.message.ChatMessage m : in) out.add(message(m));
        return out;
    }

    static ChatMessage message(dev.langchain4j.data.message.ChatMessage m) {
        if (m instanceof SystemMessage s) return ChatMessage.system(s.text());
        if (m instanceof UserMessage u) {
            StringBuilder text = new StringBuilder();
            for (Content c : u.contents()) {
                if (!(c instanceof TextContent tc)) throw new UnsupportedFeatureException("Tiller's chat models read text only, not " + c.type());
                if (!text.isEmpty()) text.append('\n');
                text.append(tc.text());
            }
            return ChatMessage.user(text.toString());
        }
        if (m instanceof AiMessage a) {
            if (a.hasToolExecutionRequests()) throw new UnsupportedFeatureException("Tiller's chat models do not call tools");
            return ChatMessage.assistant(a.text() == null ? "" : a.text());
        }
        throw new UnsupportedFeatureException("Tiller's chat models take system, user and AI messages, not " + m.type());
    }

    static FinishReason finishReason(dev.tiller.FinishReason f) {
        return switch (f) {
            case STOP, STOP_STRING -> FinishReason.STOP;
            case LENGTH, CONTEXT_FULL -> FinishReason.LENGTH;
            case CANCELLED -> FinishReason.OTHER;
        };
    }

    private Session acquire() {
        if (closed) throw new IllegalStateException("this chat model is closed");
        Session s = free.poll();
        if (s != null) return s;
        synchronized (all) {
            if (all.size() < parallel) {
                s = model.newSession(options);
                all.add(s);
                return s;
            }
        }
        try {
            return free.take();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for a session", e);
        }
    }

    @Override
    public void close() {
        closed = true;
        synchronized (all) {
            all.forEach(Session::close);
            all.clear();
        }
        if (ownsModel) model.close();
    }
}
