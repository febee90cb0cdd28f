package dev.tiller.langchain4j;

import dev.langchain4j.model.ModelProvider;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.request.ChatRequestParameters;
import dev.langchain4j.model.chat.response.ChatResponse;

/**
 * LangChain4j's {@link ChatModel} on a Tiller model, in-process: no HTTP, no copies of the
 * weights, the same tokens as {@code tiller chat} would give. Steering, a seed, min-p and the
 * repeat penalty travel in {@link TillerChatRequestParameters}.
 *
 * <pre>{@code
 * try (TillerChatModel chat = TillerChatModel.builder().modelPath(Path.of("gemma-2-2b-it.gguf")).build()) {
 *     String reply = chat.chat("Why is the sky blue?");
 * }
 * }</pre>
 */
public final class TillerChatModel implements ChatModel, AutoCloseable {
    private final TillerChat engine;

    private TillerChatModel(TillerChat engine) {
        this.engine = engine;
    }

    public static Builder builder() {
        return new Builder();
    }

    public static final class Builder extends ModelSettings<Builder> {
        private Builder() {}

        public TillerChatModel build() {
            return new TillerChatModel(engine());
        }
    }

    @Override
    public ChatResponse doChat(ChatRequest request) {
        return engine.chat(request, null);
    }

    @Override
    public ChatRequestParameters defaultRequestParameters() {
        return engine.defaults;
    }

    @Override
    public ModelProvider provider() {
        return ModelProvider.OTHER;
    }

    /** The model's file name without {@code .gguf}, as responses name it. */
    public String modelName() {
        return engine.modelName;
    }

    @Override
    public void close() {
        engine.close();
    }
}
