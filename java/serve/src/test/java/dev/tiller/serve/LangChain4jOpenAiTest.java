package dev.tiller.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.chat.response.StreamingChatResponseHandler;
import dev.langchain4j.model.openai.OpenAiChatModel;
import dev.langchain4j.model.openai.OpenAiStreamingChatModel;
import dev.langchain4j.model.output.FinishReason;

import dev.tiller.ChatMessage;
import dev.tiller.Model;
import dev.tiller.SamplingParams;
import dev.tiller.Session;
import dev.tiller.SessionOptions;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The interoperability line: LangChain4j's OpenAI module ({@code OpenAiChatModel},
 * {@code OpenAiStreamingChatModel}) pointed at the server's base URL works unchanged: chat,
 * streaming, stop strings, max tokens, seed reproducibility, usage, the API key.
 */
class LangChain4jOpenAiTest {
    static final String QUESTION = "Tell me of the city.";
    static Model model;
    static Served s;

    @BeforeAll
    static void start() {
        model = Model.load(Served.models().resolve("tiller-gemma2-tiny.gguf"));
        s = new Served(model, ServerConfig.defaults(256).withParallel(2).withThreads(1).withApiKey("sekret"));
    }

    @AfterAll
    static void stop() {
        s.close();
        model.close();
    }

    static OpenAiChatModel.OpenAiChatModelBuilder chat() {
        return OpenAiChatModel.builder().baseUrl(s.server.baseUri().toString()).apiKey("sekret").modelName(s.server.modelId())
                .timeout(Duration.ofMinutes(1));
    }

    static OpenAiStreamingChatModel.OpenAiStreamingChatModelBuilder streaming() {
        return OpenAiStreamingChatModel.builder().baseUrl(s.server.baseUri().toString()).apiKey("sekret").modelName(s.server.modelId())
                .timeout(Duration.ofMinutes(1));
    }

    /** The model's own greedy reply through the Java API, and the prompt's length. */
    static String direct(int maxTokens) {
        try (Session session = model.newSession(new SessionOptions(256, 1))) {
            return session.complete(List.of(ChatMessage.user(QUESTION)), SamplingParams.greedy().withMaxTokens(maxTokens));
        }
    }

    @Test
    void chatWithMaxTokensAndUsage() {
        ChatResponse r = chat().temperature(0.0).maxTokens(12).build().chat(List.of(dev.langchain4j.data.message.UserMessage.from(QUESTION)));
        assertEquals(direct(12), r.aiMessage().text());
        assertEquals(FinishReason.LENGTH, r.finishReason());
        assertEquals(12, r.tokenUsage().outputTokenCount());
        int prompt = model.chatTemplate().apply(List.of(ChatMessage.user(QUESTION)), true).length;
        assertEquals(prompt, r.tokenUsage().inputTokenCount());
        assertEquals(prompt + 12, r.tokenUsage().totalTokenCount());
        assertEquals(s.server.modelId(), r.modelName());
    }

    @Test
    void streamingGivesTheSameTextAndUsage() throws Exception {
        String whole = chat().temperature(0.0).maxTokens(12).build().chat(QUESTION);
        StringBuilder parts = new StringBuilder();
        CompletableFuture<ChatResponse> done = new CompletableFuture<>();
        streaming().temperature(0.0).maxTokens(12).build().chat(QUESTION, new StreamingChatResponseHandler() {
            @Override
            public void onPartialResponse(String partial) {
                parts.append(partial);
            }

            @Override
            public void onCompleteResponse(ChatResponse response) {
                done.complete(response);
            }

            @Override
            public void onError(Throwable error) {
                done.completeExceptionally(error);
            }
        });
        ChatResponse r = done.get(1, TimeUnit.MINUTES);
        assertEquals(whole, parts.toString());
        assertEquals(whole, r.aiMessage().text());
        assertEquals(FinishReason.LENGTH, r.finishReason());
        assertNotNull(r.tokenUsage(), "no usage in the stream");
        assertEquals(12, r.tokenUsage().outputTokenCount());
    }

    @Test
    void stopStringsEndTheReplyBeforeThem() {
        String whole = direct(24);
        // A stop string from the middle of the greedy reply: the reply ends just before it.
        String[] words = whole.strip().split(" ");
        assertTrue(words.length > 4, whole);
        String stop = " " + words[3];
        ChatResponse r = chat().temperature(0.0).maxTokens(24).stop(List.of(stop)).build()
                .chat(List.of(dev.langchain4j.data.message.UserMessage.from(QUESTION)));
        assertEquals(whole.substring(0, whole.indexOf(stop)), r.aiMessage().text());
        assertEquals(FinishReason.STOP, r.finishReason());
    }

    @Test
    void theSameSeedRepeatsAndAnotherDiffers() {
        String a = chat().temperature(1.0).maxTokens(30).seed(7).build().chat(QUESTION);
        String b = chat().temperature(1.0).maxTokens(30).seed(7).build().chat(QUESTION);
        String c = chat().temperature(1.0).maxTokens(30).seed(8).build().chat(QUESTION);
        assertEquals(a, b);
        assertNotEquals(a, c);
    }

    @Test
    void aWrongKeyIsRefusedAndTheServerGoesOn() {
        OpenAiChatModel wrong = OpenAiChatModel.builder().baseUrl(s.server.baseUri().toString()).apiKey("wrong").modelName(s.server.modelId()).build();
        RuntimeException e = assertThrows(RuntimeException.class, () -> wrong.chat(QUESTION));
        assertTrue(e.getMessage().contains("API key"), e.getMessage());
        assertEquals(direct(5), chat().temperature(0.0).maxTokens(5).build().chat(QUESTION));
    }
}
