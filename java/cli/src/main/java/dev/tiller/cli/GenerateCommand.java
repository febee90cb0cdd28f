package dev.tiller.cli;

import dev.tiller.ChatMessage;
import dev.tiller.Generation;
import dev.tiller.GeneratedToken;
import dev.tiller.Model;
import dev.tiller.Session;
import dev.tiller.SessionOptions;
import dev.tiller.Usage;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code tiller generate --model M.gguf --prompt P [--chat] [--system S] [--max-tokens N]
 * [--temperature T] [--top-k K] [--top-p P] [--min-p P] [--repeat-penalty R] [--seed S]
 * [--control-vector CV[:S]]...}: streams text to stdout, statistics to stderr.
 */
@Command(name = "generate", mixinStandardHelpOptions = true,
        description = "Generate text from a prompt (raw, or as a chat turn with --chat); text on stdout, statistics on stderr.")
final class GenerateCommand implements Callable<Integer> {
    @Mixin
    RunOptions run;

    @Option(names = "--prompt", required = true, paramLabel = "P", description = "the prompt")
    String prompt;

    @Option(names = "--chat", description = "wrap the prompt in the model's chat turn format")
    boolean chat;

    @Option(names = "--system", paramLabel = "S", description = "system message (with --chat)")
    String system;

    @Mixin
    SamplingOptions sampling;

    @Mixin
    SteeringOptions steering;

    @Override
    public Integer call() {
        PrintStream out = Utf8Out.stdout();
        try (SteeringOptions st = steering;
                Model m = Model.load(run.model);
                Session s = m.newSession(new SessionOptions(run.contextLength(m), run.threads))) {
            st.apply(s, m.info().layerCount());
            int[] tokens;
            int instructionEnd;
            if (chat) {
                List<ChatMessage> messages = new ArrayList<>();
                if (system != null) messages.add(ChatMessage.system(system));
                messages.add(ChatMessage.user(prompt));
                tokens = m.chatTemplate().apply(messages, true);
                instructionEnd = tokens.length - m.chatTemplate().turnHandoverLength();
            } else {
                if (system != null) throw new IllegalArgumentException("--system needs --chat");
                tokens = m.tokenizer().encode(prompt, true, false);
                instructionEnd = tokens.length - 1;
            }
            st.applySteering(s, tokens.length, instructionEnd, chat);
            Generation g = s.generate(tokens, sampling.params());
            Interrupts.onInterrupt(g::cancel);
            while (g.hasNext()) {
                GeneratedToken t = g.next();
                out.print(t.text());
                out.flush();
            }
            out.println();
            printUsage(g.usage(), g.finishReason().toString());
        }
        return 0;
    }

    static void printUsage(Usage u, String finish) {
        System.err.printf("[prompt %d tokens, %.1f tok/s | generated %d tokens, %.1f tok/s | %s]%n", u.promptTokens(),
                u.promptTokensPerSecond(), u.generatedTokens(), u.tokensPerSecond(), finish.toLowerCase(java.util.Locale.ROOT));
    }
}
