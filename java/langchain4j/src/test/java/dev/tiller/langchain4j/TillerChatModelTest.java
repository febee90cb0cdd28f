package dev.tiller.langchain4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.langchain4j.agent.tool.ToolSpecification;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.ImageContent;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.TextContent;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.exception.InvalidRequestException;
import dev.langchain4j.exception.UnsupportedFeatureException;
import dev.langchain4j.memory.chat.MessageWindowChatMemory;
import dev.langchain4j.memory.chat.TokenWindowChatMemory;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.chat.response.StreamingChatResponseHandler;
import dev.langchain4j.model.output.FinishReason;
import dev.langchain4j.service.AiServices;
import dev.langchain4j.service.TokenStream;

import dev.tiller.ChatMessage;
import dev.tiller.Model;
import dev.tiller.SamplingParams;
import dev.tiller.Session;
import dev.tiller.SessionOptions;
import dev.tiller.steer.ControlVector;
import dev.tiller.steer.Sae;
import dev.tiller.steer.SteerPositions;
import dev.tiller.steer.SteeringFiles;
import dev.tiller.steer.SteeringVector;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The adapter against the Java API it wraps: every reply is checked against the same turn run
 * directly on a {@link Session}, through ChatModel, StreamingChatModel, AiServices with chat
 * memory, steering parameters, seeds and several threads at once.
 */
class TillerChatModelTest {
    static final int CTX = 256;
    static Model model;
    static Sae sae;
    static SteeringVector news;
    static TillerChatModel chat;
    static TillerStreamingChatModel streaming;

    static Path models() {
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            if (Files.isRegularFile(p.resolve("models/tiller-gemma2-tiny.gguf"))) return p.resolve("models");
        }
        throw new IllegalStateException("no models/ folder above " + Path.of("").toAbsolutePath());
    }

    @BeforeAll
    static void start() {
        model = Model.load(models().resolve("tiller-gemma2-tiny.gguf"));
        sae = Sae.load(models().resolve("tiller-gemma2-tiny.sae-l2.npz"));
        news = SteeringFiles.load(models().resolve("steer-news.safetensors"));
        chat = TillerChatModel.builder().model(model).contextLength(CTX).threads(1).parallel(2).build();
        streaming = TillerStreamingChatModel.builder().model(model).contextLength(CTX).threads(1).build();
    }

    @AfterAll
    static void stop() {
        chat.close();
        streaming.close();
        sae.close();
        model.close();
    }

    static TillerChatRequestParameters.Builder greedy(int maxTokens) {
        return TillerChatRequestParameters.builder().temperature(0.0).maxOutputTokens(maxTokens);
    }

    /** The turn run on a session directly: greedy, steered from the end of the instruction when a vector is given. */
    static String direct(List<ChatMessage> messages, int maxTokens, SteeringVector v, float strength) {
        try (Session s = model.newSession(new SessionOptions(CTX, 1))) {
            int[] tokens = model.chatTemplate().apply(messages, true);
            if (v != null) s.steer(v, strength, tokens.length - model.chatTemplate().turnHandoverLength(), sae, v.jumpSigma());
            try (var g = s.generate(tokens, SamplingParams.greedy().withMaxTokens(maxTokens))) {
                return g.complete();
            }
        }
    }

    @Test
    void aChatTurnEqualsTheSessionsAndReportsUsage() {
        ChatRequest r = ChatRequest.builder().messages(SystemMessage.from("Be brief."), UserMessage.from("Tell me of the city."))
                .parameters(greedy(12).build()).build();
        ChatResponse res = chat.chat(r);
        assertEquals(direct(List.of(ChatMessage.system("Be brief."), ChatMessage.user("Tell me of the city.")), 12, null, 0), res.aiMessage().text());
        assertEquals(FinishReason.LENGTH, res.finishReason());
        assertEquals(12, res.tokenUsage().outputTokenCount());
        int prompt = model.chatTemplate().apply(List.of(ChatMessage.system("Be brief."), ChatMessage.user("Tell me of the city.")), true).length;
        assertEquals(prompt, res.tokenUsage().inputTokenCount());
        assertEquals("tiller-gemma2-tiny", res.modelName());
    }

    @Test
    void streamingHearsEachPieceThenTheWhole() throws Exception {
        ChatRequest r = ChatRequest.builder().messages(UserMessage.from("Tell me a story.")).parameters(greedy(16).build()).build();
        StringBuilder parts = new StringBuilder();
        List<String> pieces = new ArrayList<>();
        CompletableFuture<ChatResponse> done = new CompletableFuture<>();
        streaming.chat(r, new StreamingChatResponseHandler() {
            @Override
            public void onPartialResponse(String p) {
                parts.append(p);
                pieces.add(p);
            }

            @Override
            public void onCompleteResponse(ChatResponse c) {
                done.complete(c);
            }

            @Override
            public void onError(Throwable e) {
                done.completeExceptionally(e);
            }
        });
        ChatResponse c = done.get(1, TimeUnit.MINUTES);
        String want = direct(List.of(ChatMessage.user("Tell me a story.")), 16, null, 0);
        assertEquals(want, parts.toString());
        assertEquals(want, c.aiMessage().text());
        assertTrue(pieces.size() > 4, "pieces: " + pieces);
    }

    interface Assistant {
        String chat(String message);
    }

    interface StreamingAssistant {
        TokenStream chat(String message);
    }

    @Test
    void aiServicesWithChatMemoryCarryTheConversation() throws Exception {
        try (TillerChatModel m = TillerChatModel.builder().model(model).contextLength(CTX).threads(1)
                .defaultRequestParameters(greedy(10).build()).build()) {
            MessageWindowChatMemory memory = MessageWindowChatMemory.withMaxMessages(10);
            Assistant a = AiServices.builder(Assistant.class).chatModel(m).chatMemory(memory).build();
            String first = a.chat("Tell me of the city.");
            String second = a.chat("And of the country?");
            assertEquals(direct(List.of(ChatMessage.user("Tell me of the city.")), 10, null, 0), first);
            // The second turn saw the first exchange: it equals the whole conversation run directly.
            assertEquals(direct(List.of(ChatMessage.user("Tell me of the city."), ChatMessage.assistant(first), ChatMessage.user("And of the country?")),
                    10, null, 0), second);
            assertEquals(4, memory.messages().size());
        }
        try (TillerStreamingChatModel m = TillerStreamingChatModel.builder().model(model).contextLength(CTX).threads(1)
                .defaultRequestParameters(greedy(10).build()).build()) {
            StreamingAssistant a = AiServices.builder(StreamingAssistant.class).streamingChatModel(m)
                    .chatMemory(TokenWindowChatMemory.withMaxTokens(200, new TillerTokenCountEstimator(model))).build();
            StringBuilder parts = new StringBuilder();
            CompletableFuture<ChatResponse> done = new CompletableFuture<>();
            a.chat("Tell me of the city.").onPartialResponse(parts::append).onCompleteResponse(done::complete).onError(done::completeExceptionally).start();
            assertEquals(direct(List.of(ChatMessage.user("Tell me of the city.")), 10, null, 0), done.get(1, TimeUnit.MINUTES).aiMessage().text());
            assertEquals(done.get().aiMessage().text(), parts.toString());
        }
    }

    @Test
    void steeringTravelsInTheRequestParameters() {
        List<ChatMessage> turn = List.of(ChatMessage.user("Tell me a story."));
        ChatRequest.Builder r = ChatRequest.builder().messages(UserMessage.from("Tell me a story."));
        String plain = chat.chat(r.parameters(greedy(16).build()).build()).aiMessage().text();
        String steered = chat.chat(r.parameters(greedy(16).steering(Steering.sparse(news, 1.5f, sae)).build()).build()).aiMessage().text();
        assertEquals(direct(turn, 16, news, 1.5f), steered);
        assertNotEquals(plain, steered);
        // Steering is per request: the next plain request is plain again.
        assertEquals(plain, chat.chat(r.parameters(greedy(16).build()).build()).aiMessage().text());
        // Every token, and a control vector.
        String all = chat.chat(r.parameters(greedy(16).steering(Steering.sparse(news, 1.5f, sae).at(SteerPositions.ALL)).build()).build())
                .aiMessage().text();
        assertNotEquals(steered, all);
        float[][] dirs = new float[model.info().layerCount()][];
        Random rnd = new Random(3);
        for (int il = 1; il < dirs.length; il++) {
            dirs[il] = new float[model.info().embeddingLength()];
            for (int i = 0; i < dirs[il].length; i++) dirs[il][i] = (float) rnd.nextGaussian() * 0.5f;
        }
        ControlVector cv = ControlVector.of(model.info().embeddingLength(), dirs);
        String controlled = chat.chat(r.parameters(greedy(16).controlVector(cv).build()).build()).aiMessage().text();
        try (Session s = model.newSession(new SessionOptions(CTX, 1))) {
            s.setControlVector(cv);
            assertEquals(s.complete(turn, SamplingParams.greedy().withMaxTokens(16)), controlled);
        }
        assertNotEquals(plain, controlled);
    }

    @Test
    void defaultsAndRequestParametersMerge() {
        TillerChatRequestParameters defaults = TillerChatRequestParameters.builder().temperature(1.0).seed(7L).maxOutputTokens(20).build();
        try (TillerChatModel m = TillerChatModel.builder().model(model).contextLength(CTX).threads(1).defaultRequestParameters(defaults).build()) {
            String a = m.chat("Tell me of the city.");
            assertEquals(a, m.chat("Tell me of the city."), "the default seed repeats");
            ChatRequest other = ChatRequest.builder().messages(UserMessage.from("Tell me of the city."))
                    .parameters(TillerChatRequestParameters.builder().seed(8L).build()).build();
            ChatResponse b = m.chat(other);
            assertNotEquals(a, b.aiMessage().text(), "the request's seed wins");
            assertEquals(20, b.tokenUsage().outputTokenCount(), "the default max tokens stays");
        }
    }

    @Test
    void severalThreadsGetTheirOwnRepliesUnmixed() throws Exception {
        List<String> prompts = List.of("Tell me of the city.", "Tell me a story.", "What is the news?", "Write about the weather.");
        List<String> alone = new ArrayList<>();
        for (String p : prompts) alone.add(direct(List.of(ChatMessage.user(p)), 20, null, 0));
        try (ExecutorService pool = Executors.newFixedThreadPool(4)) {
            List<Future<String>> got = new ArrayList<>();
            for (int round = 0; round < 3; round++) {
                for (String p : prompts) {
                    got.add(pool.submit(() -> chat.chat(ChatRequest.builder().messages(UserMessage.from(p)).parameters(greedy(20).build()).build())
                            .aiMessage().text()));
                }
            }
            for (int i = 0; i < got.size(); i++) assertEquals(alone.get(i % prompts.size()), got.get(i).get(2, TimeUnit.MINUTES));
        }
    }

    @Test
    void tokenCountsAreTheTokenizers() {
        TillerTokenCountEstimator est = new TillerTokenCountEstimator(model);
        assertEquals(model.tokenizer().encode("It is a truth universally acknowledged", false, false).length,
                est.estimateTokenCountInText("It is a truth universally acknowledged"));
        List<dev.langchain4j.data.message.ChatMessage> conv = List.of(UserMessage.from("Hello."), AiMessage.from("Good day."), UserMessage.from("And?"));
        assertEquals(model.chatTemplate().apply(List.of(ChatMessage.user("Hello."), ChatMessage.assistant("Good day."), ChatMessage.user("And?")), false).length,
                est.estimateTokenCountInMessages(conv));
        assertEquals(model.chatTemplate().apply(List.of(ChatMessage.user("Hello.")), false).length, est.estimateTokenCountInMessage(UserMessage.from("Hello.")));
    }

    @Test
    void whatTheAdapterCannotDoIsRefusedClearly() throws Exception {
        ChatRequest tools = ChatRequest.builder().messages(UserMessage.from("x"))
                .parameters(TillerChatRequestParameters.builder().toolSpecifications(ToolSpecification.builder().name("f").build()).build()).build();
        assertThrows(UnsupportedFeatureException.class, () -> chat.chat(tools));
        UserMessage image = UserMessage.from(TextContent.from("look"), ImageContent.from("https://example.invalid/a.png"));
        assertThrows(UnsupportedFeatureException.class, () -> chat.chat(image));
        String tooLong = "word ".repeat(400);
        InvalidRequestException e = assertThrows(InvalidRequestException.class, () -> chat.chat(tooLong));
        assertTrue(e.getMessage().contains("context holds " + CTX), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Steering.of(news, 1f), "a SAS vector without its SAE");
        assertThrows(IllegalArgumentException.class, () -> TillerChatModel.builder().build(), "no model");
        // A streaming failure reaches onError, not the caller.
        CompletableFuture<Throwable> err = new CompletableFuture<>();
        streaming.chat(tooLong, new StreamingChatResponseHandler() {
            @Override
            public void onCompleteResponse(ChatResponse c) {
                err.complete(null);
            }

            @Override
            public void onError(Throwable t) {
                err.complete(t);
            }
        });
        assertInstanceOf(InvalidRequestException.class, err.get(10, TimeUnit.SECONDS));
        // And the models still answer.
        assertEquals(direct(List.of(ChatMessage.user("x")), 3, null, 0),
                chat.chat(ChatRequest.builder().messages(UserMessage.from("x")).parameters(greedy(3).build()).build()).aiMessage().text());
    }
}
