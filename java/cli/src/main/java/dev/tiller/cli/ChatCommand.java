package dev.tiller.cli;

import dev.tiller.ChatMessage;
import dev.tiller.ChatTemplate;
import dev.tiller.FinishReason;
import dev.tiller.Generation;
import dev.tiller.Model;
import dev.tiller.Session;
import dev.tiller.SessionOptions;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicReference;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code tiller chat --model M.gguf}: an interactive conversation. The KV cache keeps the history,
 * so each turn only evaluates its new tokens. {@code /reset}, {@code /system TEXT}, {@code /exit};
 * Ctrl-C stops a reply, not the program.
 */
@Command(name = "chat", mixinStandardHelpOptions = true,
        description = "Interactive chat with history. Commands: /reset, /system TEXT, /exit. Ctrl-C stops a reply.")
final class ChatCommand implements Callable<Integer> {
    @Mixin
    RunOptions run;

    @Option(names = "--system", paramLabel = "S", description = "initial system message")
    String system;

    @Mixin
    SamplingOptions sampling;

    @Mixin
    SteeringOptions steering;

    @Override
    public Integer call() throws java.io.IOException {
        PrintStream out = Utf8Out.stdout();
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        AtomicReference<Generation> running = new AtomicReference<>();
        boolean canInterrupt = Interrupts.onInterrupt(() -> {
            Generation g = running.get();
            if (g != null) g.cancel();
            else System.err.println("\n(Ctrl-C stops a reply; type /exit or press Ctrl-D to quit)");
        });
        try (SteeringOptions st = steering;
                Model m = Model.load(run.model);
                Session s = m.newSession(new SessionOptions(run.contextLength(m), run.threads))) {
            st.apply(s, m.info().layerCount());
            ChatTemplate template = m.chatTemplate();
            List<ChatMessage> pending = new ArrayList<>();
            if (system != null) pending.add(ChatMessage.system(system));
            boolean fresh = true;
            System.err.println("Chatting with " + m.info().name().orElse(run.model.getFileName().toString())
                    + ". /reset, /system TEXT, /exit" + (canInterrupt ? "; Ctrl-C stops a reply." : "."));
            while (true) {
                out.print("> ");
                out.flush();
                String line = in.readLine();
                if (line == null || line.strip().equals("/exit")) break;
                if (line.isBlank()) continue;
                if (line.strip().equals("/reset")) {
                    s.reset();
                    fresh = true;
                    pending.clear();
                    if (system != null) pending.add(ChatMessage.system(system));
                    System.err.println("(conversation cleared)");
                    continue;
                }
                if (line.startsWith("/system")) {
                    system = line.substring("/system".length()).strip();
                    s.reset();
                    fresh = true;
                    pending.clear();
                    if (!system.isEmpty()) pending.add(ChatMessage.system(system));
                    else system = null;
                    System.err.println("(system message set; conversation cleared)");
                    continue;
                }
                pending.add(ChatMessage.user(line));
                int[] tokens = fresh ? template.apply(pending, true) : template.continuation(pending);
                pending.clear();
                if (s.position() + tokens.length >= s.contextLength()) {
                    System.err.println("(context full: conversation cleared, please repeat)");
                    s.reset();
                    fresh = true;
                    continue;
                }
                fresh = false;
                // Steering programs follow the conversation: re-added for each turn's positions.
                s.clearSteering();
                int start = s.position();
                st.applySteering(s, start + tokens.length,
                        start + tokens.length - template.turnHandoverLength(), true);
                Generation g = s.generate(tokens, sampling.params());
                running.set(g);
                try {
                    while (g.hasNext()) {
                        out.print(g.next().text());
                        out.flush();
                    }
                } finally {
                    running.set(null);
                }
                out.println();
                if (g.finishReason() == FinishReason.CANCELLED) System.err.println("(stopped)");
                if (g.finishReason() == FinishReason.CONTEXT_FULL) {
                    System.err.println("(context full: conversation cleared)");
                    s.reset();
                    fresh = true;
                }
            }
        }
        return 0;
    }
}
