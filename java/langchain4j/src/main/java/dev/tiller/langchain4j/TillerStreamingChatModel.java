package dev.tiller.langchain4j;

import dev.langchain4j.model.ModelProvider;
import dev.langchain4j.model.chat.StreamingChatModel;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.request.ChatRequestParameters;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.chat.response.StreamingChatResponseHandler;

/**
 * LangChain4j's {@link StreamingChatModel} on a Tiller model, in-process. The handler hears each
 * token's text as it is generated, on the calling thread (the call returns when the reply is
 * complete), then the whole response; an error ends the call through {@code onError}.
 */
public final class TillerStreamingChatModel implements StreamingChatModel, AutoCloseable {
    private final TillerChat engine;

    private TillerStreamingChatModel(TillerChat engine) {
        this.engine = engine;
    }

    public static Builder builder() {
        return new Builder();
    }

    public static final class Builder extends ModelSettings<Builder> {
        private Builder() {}

        public TillerStreamingChatModel build() {
            return new TillerStreamingChatModel(engine());
        }
    }

    @Override
    public void doChat(ChatRequest request, StreamingChatResponseHandler handler) {
        ChatResponse response;
        try {
            response = engine.chat(request, handler::onPartialResponse);
        } catch (RuntimeException e) {
            handler.onError(e);
            return;
        }
        handler.onCompleteResponse(response);
    }

    @Override
    public ChatRequestParameters defaultRequestParameters() {
        return engine.defaults;
    }

    @Override
    public ModelProvider provider() {
        return ModelProvider.OTHER;
    }

    @Override
    public void close() {
        engine.close();
    }
}
