package dev.tiller.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tiller.ChatMessage;
import dev.tiller.GeneratedToken;
import dev.tiller.Generation;
import dev.tiller.Model;
import dev.tiller.Progress;
import dev.tiller.SamplingParams;
import dev.tiller.Session;
import dev.tiller.SessionOptions;
import dev.tiller.Usage;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code tiller generate -m M.gguf (-p P | -f FILE) [--chat] [--system S] [--special] [sampling]
 * [--json | --jsonl] [steering]}: streams text to stdout, statistics to stderr.
 */
@Command(name = "generate", mixinStandardHelpOptions = true,
        description = "Generate text from a prompt (raw, or as a chat turn with --chat); text on stdout, statistics on stderr.")
final class GenerateCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    RunOptions run;

    @ArgGroup(exclusive = true, multiplicity = "1")
    PromptSource source;

    static final class PromptSource {
        @Option(names = {"-p", "--prompt"}, paramLabel = "P", description = "the prompt")
        String prompt;

        @Option(names = {"-f", "--prompt-file"}, paramLabel = "FILE", description = "read the prompt from a UTF-8 file ('-': standard input)")
        Path file;
    }

    @Option(names = "--chat", description = "wrap the prompt in the model's chat turn format")
    boolean chat;

    @Option(names = "--system", paramLabel = "S", description = "system message (with --chat)")
    String system;

    @Option(names = "--special",
            description = "parse special-token text in a raw prompt (<start_of_turn>, <end_of_turn>, ...) into control tokens, as "
                    + "`tiller tokenize` does; without it the prompt is plain text")
    boolean special;

    @ArgGroup(exclusive = true)
    Format format = new Format();

    static final class Format {
        @Option(names = "--json", description = "print one JSON object when done (text, tokens, finish_reason, usage)")
        boolean json;

        @Option(names = "--jsonl", description = "print one JSON line per token (id, text, logprob), then one with finish_reason and usage")
        boolean jsonl;
    }

    @Mixin
    SamplingOptions sampling;

    @Mixin
    SteeringOptions steering;

    @Mixin
    AdaptiveAttentionOptions adaptive;

    @Mixin
    CacheTypeOptions cache;

    @Override
    public Integer call() {
        PrintStream out = Utf8Out.stdout();
        String prompt = source.file != null ? PromptText.read(source.file) : PromptText.checked(spec, source.prompt);
        if (system != null && !chat) throw new IllegalArgumentException("--system needs --chat");
        if (special && chat) throw new IllegalArgumentException("--special is for raw prompts; --chat keeps message text plain");
        try (SteeringOptions st = steering;
                Model m = Model.load(run.model);
                Session s = m.newSession(cache.apply(new SessionOptions(run.contextLength(m), run.threads(), adaptive.config())))) {
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
                tokens = m.tokenizer().encode(prompt, true, special);
                instructionEnd = tokens.length - 1;
            }
            int room = s.contextLength() - tokens.length;
            if (room < 1) {
                throw new IllegalArgumentException("the prompt is " + tokens.length + " tokens and the context holds " + s.contextLength()
                        + ": no room to generate (raise --ctx-size, up to the model's " + m.info().contextLength() + ")");
            }
            int max = sampling.maxTokens(Math.min(256, room));
            if (max > room) Cli.warn(spec, "--max-tokens " + max + " is more than the " + room + " tokens left in the context: "
                    + "generation stops when the context is full");
            SamplingParams params = sampling.params(max, m.info().vocabularySize());
            st.applySteering(s, tokens.length, instructionEnd, chat);
            if (tokens.length > 2 * Session.PROGRESS_CHUNK) s.setProgressListener(new Progress("prompt tokens", tokens.length, System.err, 2, 1));
            Generation g = s.generate(tokens, params);
            Interrupts.onInterrupt(g::cancel);
            List<Integer> ids = new ArrayList<>();
            ObjectMapper json = new ObjectMapper();
            while (g.hasNext()) {
                GeneratedToken t = g.next();
                if (t.id() >= 0) ids.add(t.id());
                if (format.jsonl) {
                    out.println(json.createObjectNode().put("id", t.id()).put("text", t.text()).put("logprob", t.logProb()));
                } else if (!format.json) {
                    out.print(t.text());
                }
                out.flush();
            }
            String finish = g.finishReason().toString().toLowerCase(Locale.ROOT);
            if (format.json || format.jsonl) {
                ObjectNode o = json.createObjectNode();
                if (format.json) {
                    o.put("text", g.text());
                    ArrayNode a = o.putArray("tokens");
                    ids.forEach(a::add);
                }
                o.put("finish_reason", finish);
                usage(o, g.usage(), params.seed());
                out.println(o);
            } else {
                out.println();
                printUsage(g.usage(), finish);
            }
        }
        return 0;
    }

    private static void usage(ObjectNode o, Usage u, long seed) {
        o.put("prompt_tokens", u.promptTokens()).put("generated_tokens", u.generatedTokens())
                .put("prompt_tokens_per_s", u.promptTokensPerSecond()).put("tokens_per_s", u.tokensPerSecond()).put("seed", seed);
    }

    static void printUsage(Usage u, String finish) {
        System.err.printf(Locale.ROOT, "[prompt %d tokens, %.1f tok/s | generated %d tokens, %.1f tok/s | %s]%n", u.promptTokens(),
                u.promptTokensPerSecond(), u.generatedTokens(), u.tokensPerSecond(), finish);
    }
}
