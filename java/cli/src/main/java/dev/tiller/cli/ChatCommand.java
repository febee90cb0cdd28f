package dev.tiller.cli;

import dev.tiller.ChatMessage;
import dev.tiller.ChatTemplate;
import dev.tiller.FinishReason;
import dev.tiller.GeneratedToken;
import dev.tiller.Generation;
import dev.tiller.Model;
import dev.tiller.Progress;
import dev.tiller.Session;
import dev.tiller.SessionOptions;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicReference;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code tiller chat -m M.gguf}: an interactive conversation. The KV cache keeps the history, so
 * each turn only evaluates its new tokens; when the context would overflow, the oldest turns are
 * dropped and the rest evaluated again (the system message is kept), as llama.cpp's context shift
 * does. Line editing and history on a terminal; Ctrl-C stops a reply, not the program.
 */
@Command(name = "chat", mixinStandardHelpOptions = true,
        description = "Interactive chat with history. Commands: /reset, /system TEXT, /help, /exit. Ctrl-C stops a reply.")
final class ChatCommand implements Callable<Integer> {
    static final String COMMANDS = "/reset, /system TEXT, /help, /exit (start a message with // to send a leading /)";

    @Spec
    CommandSpec spec;

    @Mixin
    RunOptions run;

    @Option(names = "--system", paramLabel = "S", description = "initial system message")
    String system;

    @Mixin
    SamplingOptions sampling;

    @Mixin
    SteeringOptions steering;

    @Override
    public Integer call() throws Exception {
        PrintStream out = Utf8Out.stdout();
        AtomicReference<Generation> running = new AtomicReference<>();
        Runnable onInterrupt = () -> {
            Generation g = running.get();
            if (g != null) g.cancel();
        };
        try (SteeringOptions st = steering;
                Model m = Model.load(run.model);
                Session s = m.newSession(new SessionOptions(run.contextLength(m), run.threads()));
                LineInput in = LineInput.open(onInterrupt)) {
            st.apply(s, m.info().layerCount());
            ChatTemplate template = m.chatTemplate();
            // Replies fit the context with room for the history: at most a quarter of it by default.
            int replyBudget = sampling.maxTokens(Math.max(1, Math.min(256, s.contextLength() / 4)));
            int reserve = replyBudget > 0 ? replyBudget : Math.max(1, s.contextLength() / 4);
            List<ChatMessage> turns = new ArrayList<>(); // the conversation after the system message
            boolean inCache = false;                     // whether the session holds the turns
            System.err.println("Chatting with " + m.info().name().orElse(run.model.getFileName().toString()) + " (context "
                    + s.contextLength() + " tokens, replies up to " + (replyBudget > 0 ? replyBudget : reserve + "+") + "). "
                    + COMMANDS + (in.canInterrupt() ? "; Ctrl-C stops a reply." : "."));
            while (true) {
                String line = in.readLine("> ");
                if (line == null) break;
                String cmd = line.strip();
                if (cmd.isEmpty()) continue;
                if (cmd.startsWith("/") && !cmd.startsWith("//")) {
                    String word = cmd.split("\\s+", 2)[0];
                    switch (word) {
                        case "/exit", "/quit" -> { return 0; }
                        case "/help" -> System.err.println("(commands: " + COMMANDS + ")");
                        case "/reset" -> {
                            turns.clear();
                            inCache = false;
                            s.reset();
                            System.err.println("(conversation cleared)");
                        }
                        case "/system" -> {
                            String text = cmd.substring("/system".length()).strip();
                            system = text.isEmpty() ? null : text;
                            turns.clear();
                            inCache = false;
                            s.reset();
                            System.err.println(system == null ? "(system message removed; conversation cleared)"
                                    : "(system message set; conversation cleared)");
                        }
                        default -> System.err.println("(unknown command " + word + "; commands: " + COMMANDS + ")");
                    }
                    continue;
                }
                ChatMessage user = ChatMessage.user(cmd.startsWith("//") ? line.strip().substring(1) : line);
                if (!inCache) s.reset(); // the whole conversation is evaluated from the start
                int[] tokens = inCache ? template.continuation(List.of(user)) : template.apply(conversation(turns, user), true);
                if (s.position() + tokens.length + reserve > s.contextLength()) {
                    // Context shift: drop the oldest turns (user and reply together) until the rest fits.
                    List<ChatMessage> kept = new ArrayList<>(turns);
                    int dropped = 0;
                    while (true) {
                        tokens = template.apply(conversation(kept, user), true);
                        if (tokens.length + reserve <= s.contextLength() || kept.isEmpty()) break;
                        kept.subList(0, Math.min(2, kept.size())).clear();
                        dropped++;
                    }
                    if (tokens.length + reserve > s.contextLength()) {
                        System.err.println("(this message is " + tokens.length + " tokens with the chat markup"
                                + (system != null ? " and the system message" : "") + "; with room for a reply of " + reserve
                                + " the context of " + s.contextLength() + " cannot hold it: shorten it, lower --max-tokens or raise --ctx-size"
                                + " (the model was trained for " + m.info().contextLength() + "); nothing was sent)");
                        continue;
                    }
                    turns.clear();
                    turns.addAll(kept);
                    s.reset();
                    if (dropped > 0) {
                        System.err.println("(context full: dropped the " + (dropped == 1 ? "oldest turn" : dropped + " oldest turns")
                                + (system != null ? "; the system message is kept" : "") + ")");
                    }
                }
                // Steering programs follow the conversation: re-added for each turn's positions.
                s.clearSteering();
                int start = s.position();
                st.applySteering(s, start + tokens.length, start + tokens.length - template.turnHandoverLength(), true);
                s.setProgressListener(tokens.length > 2 * Session.PROGRESS_CHUNK
                        ? new Progress("prompt tokens", tokens.length, System.err, 2, 1) : null);
                Generation g = s.generate(tokens, sampling.params(replyBudget, m.info().vocabularySize()));
                running.set(g);
                StringBuilder reply = new StringBuilder();
                try {
                    while (g.hasNext()) {
                        GeneratedToken t = g.next();
                        reply.append(t.text());
                        out.print(t.text());
                        out.flush();
                    }
                } finally {
                    running.set(null);
                }
                out.println();
                g.keepInContext(); // the session holds the whole reply before the next turn
                turns.add(user);
                turns.add(ChatMessage.assistant(reply.toString()));
                inCache = true;
                if (g.finishReason() == FinishReason.CANCELLED) System.err.println("(stopped)");
                if (g.finishReason() == FinishReason.CONTEXT_FULL) {
                    System.err.println("(the reply filled the context; older turns are dropped before the next one)");
                    inCache = false;
                }
            }
        }
        return 0;
    }

    private List<ChatMessage> conversation(List<ChatMessage> turns, ChatMessage user) {
        List<ChatMessage> all = new ArrayList<>();
        if (system != null) all.add(ChatMessage.system(system));
        all.addAll(turns);
        all.add(user);
        return all;
    }
}
