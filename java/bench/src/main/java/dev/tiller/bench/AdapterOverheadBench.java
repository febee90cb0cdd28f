package dev.tiller.bench;

import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.chat.request.ChatRequest;

import dev.tiller.ChatMessage;
import dev.tiller.Generation;
import dev.tiller.Model;
import dev.tiller.SamplingParams;
import dev.tiller.Session;
import dev.tiller.SessionOptions;
import dev.tiller.langchain4j.TillerChatModel;
import dev.tiller.langchain4j.TillerChatRequestParameters;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * What the in-process LangChain4j adapter costs over the Java API: one chat turn, greedy, the
 * same prompt and token count, through {@link Session#generate} (template, generation, text) and
 * through {@link TillerChatModel#chat} (message conversion, the session pool, steering reset,
 * the response), each timed end to end. The two alternate in blocks, in a rotating order, and the
 * medians are compared (the machine is shared and noisy).
 *
 * <p>Arguments: MODEL.gguf [--threads N (2)] [--blocks B (20)] [--tokens G (32)] [--warm-up W (20)]. Run with
 * {@code scripts/bench-langchain4j}.
 */
public final class AdapterOverheadBench {
    private AdapterOverheadBench() {}

    public static void main(String[] args) {
        Path path = null;
        int threads = 2, blocks = 20, gen = 32, warmUp = 20;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--threads" -> threads = Integer.parseInt(args[++i]);
                case "--blocks" -> blocks = Integer.parseInt(args[++i]);
                case "--tokens" -> gen = Integer.parseInt(args[++i]);
                case "--warm-up" -> warmUp = Integer.parseInt(args[++i]);
                default -> path = Path.of(args[i]);
            }
        }
        if (path == null) throw new IllegalArgumentException("usage: MODEL.gguf [--threads N] [--blocks B] [--tokens G] [--warm-up W]");
        String question = "Tell me about the city and its people.";
        try (Model m = Model.load(path)) {
            int ctx = m.chatTemplate().apply(List.of(ChatMessage.user(question)), true).length + gen + 8;
            run(m, path, question, ctx, threads, blocks, gen, warmUp);
        }
    }

    private static void run(Model m, Path path, String question, int ctx, int threads, int blocks, int gen, int warmUp) {
        try (Session s = m.newSession(new SessionOptions(ctx, threads));
             TillerChatModel chat = TillerChatModel.builder().model(m).contextLength(ctx).threads(threads).build()) {
            // Greedy on both paths, so both give the same reply (checked below) and the same work.
            SamplingParams p = SamplingParams.greedy().withMaxTokens(gen);
            ChatRequest request = ChatRequest.builder().messages(UserMessage.from(question))
                    .parameters(TillerChatRequestParameters.builder().temperature(0.0).maxOutputTokens(gen).build()).build();
            double[][] secs = new double[2][blocks];
            String direct = null, adapted = null;
            for (int b = -warmUp; b < blocks; b++) { // warm-up blocks first, for the JIT
                for (int k = 0; k < 2; k++) {
                    int mode = (k + Math.max(b, 0)) % 2;
                    long t0 = System.nanoTime();
                    if (mode == 0) {
                        s.reset();
                        int[] tokens = m.chatTemplate().apply(List.of(ChatMessage.user(question)), true);
                        try (Generation g = s.generate(tokens, p)) {
                            direct = g.complete();
                        }
                    } else {
                        adapted = chat.chat(request).aiMessage().text();
                    }
                    if (b >= 0) secs[mode][b] = (System.nanoTime() - t0) / 1e9;
                }
            }
            if (!direct.equals(adapted)) throw new IllegalStateException("the two paths replied differently:\n" + direct + "\n" + adapted);
            double d = median(secs[0]), a = median(secs[1]);
            System.out.printf(Locale.ROOT, "%s, %d threads, a chat turn of %d tokens, median of %d blocks, rotating order:%n", path.getFileName(),
                    threads, gen, blocks);
            System.out.printf(Locale.ROOT, "  Session.generate       %8.2f ms%n", 1e3 * d);
            System.out.printf(Locale.ROOT, "  TillerChatModel.chat   %8.2f ms  (%+.2f%% over Session.generate)%n", 1e3 * a, 100 * (a / d - 1));
        }
    }

    private static double median(double[] v) {
        double[] c = v.clone();
        Arrays.sort(c);
        return c.length % 2 == 1 ? c[c.length / 2] : (c[c.length / 2 - 1] + c[c.length / 2]) / 2;
    }
}
