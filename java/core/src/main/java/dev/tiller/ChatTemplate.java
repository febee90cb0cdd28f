package dev.tiller;

import java.util.ArrayList;
import java.util.List;

/**
 * Gemma's turn format, tokenized safely: the template's own markup ({@code <start_of_turn>},
 * {@code <end_of_turn>}, role names) is encoded with special-token parsing, message contents
 * without it, so a user who types {@code <end_of_turn>} gets text, never a control token.
 *
 * <pre>
 * &lt;bos&gt;&lt;start_of_turn&gt;user\n{system}\n\n{user}&lt;end_of_turn&gt;\n
 * &lt;start_of_turn&gt;model\n{assistant}&lt;end_of_turn&gt;\n
 * &lt;start_of_turn&gt;model\n            (generation prompt)
 * </pre>
 *
 * A system message is folded into the first user turn as Gemma 3's template does (Gemma 1 and 2
 * have no system role; llama.cpp folds it the same way for them). Contents are trimmed, roles must
 * alternate user / model, as in the official templates.
 */
public final class ChatTemplate {
    private final Tokenizer tokenizer;

    public ChatTemplate(Tokenizer tokenizer) {
        this.tokenizer = tokenizer;
    }

    /** The whole conversation, from BOS to the generation prompt. */
    public int[] apply(List<ChatMessage> messages, boolean addGenerationPrompt) {
        Tokens out = new Tokens();
        if (tokenizer.addsBos() && tokenizer.bos() >= 0) out.add(tokenizer.bos());
        appendTurns(out, messages, addGenerationPrompt);
        return out.toArray();
    }

    /**
     * Tokens that continue a conversation whose model turn just stopped at its end-of-turn token
     * (not yet evaluated): closes that turn, then adds the new messages and the generation prompt.
     */
    public int[] continuation(List<ChatMessage> newMessages) {
        Tokens out = new Tokens();
        out.addAll(markup("<end_of_turn>\n"));
        appendTurns(out, newMessages, true);
        return out.toArray();
    }

    private void appendTurns(Tokens out, List<ChatMessage> messages, boolean addGenerationPrompt) {
        String systemPrefix = null;
        int start = 0;
        if (!messages.isEmpty() && messages.get(0).role() == ChatMessage.Role.SYSTEM) {
            systemPrefix = messages.get(0).content().strip() + "\n\n";
            start = 1;
        }
        ChatMessage.Role expected = ChatMessage.Role.USER;
        for (int i = start; i < messages.size(); i++) {
            ChatMessage m = messages.get(i);
            if (m.role() == ChatMessage.Role.SYSTEM) {
                throw new InvalidArgumentException(0, "a system message may only come first (message " + i + ")");
            }
            if (m.role() != expected) {
                throw new InvalidArgumentException(0, "conversation roles must alternate user/assistant: message " + i
                        + " is " + m.role() + ", expected " + expected);
            }
            out.addAll(markup("<start_of_turn>" + (m.role() == ChatMessage.Role.USER ? "user" : "model") + "\n"));
            String content = m.content().strip();
            if (systemPrefix != null) {
                content = systemPrefix + content;
                systemPrefix = null;
            }
            out.addAll(tokenizer.encode(content, false, false));
            out.addAll(markup("<end_of_turn>\n"));
            expected = expected == ChatMessage.Role.USER ? ChatMessage.Role.ASSISTANT : ChatMessage.Role.USER;
        }
        if (systemPrefix != null) {
            // A system message alone: it still goes into a user turn.
            out.addAll(markup("<start_of_turn>user\n"));
            out.addAll(tokenizer.encode(systemPrefix.strip(), false, false));
            out.addAll(markup("<end_of_turn>\n"));
        }
        if (addGenerationPrompt) out.addAll(markup("<start_of_turn>model\n"));
    }

    /**
     * Tokens that end a user turn and open the model's ({@code <end_of_turn>\n<start_of_turn>model\n}):
     * in a prompt from {@link #apply} with the generation prompt, the instruction ends this many
     * tokens before the end.
     */
    public int turnHandoverLength() {
        return markup("<end_of_turn>\n<start_of_turn>model\n").length;
    }

    private int[] markup(String s) {
        return tokenizer.encode(s, false, true);
    }

    /** Token ids that end a model turn: EOS and {@code <end_of_turn>}, found by text in the vocabulary. */
    public int[] stopTokens() {
        List<Integer> ids = new ArrayList<>();
        if (tokenizer.eos() >= 0) ids.add(tokenizer.eos());
        tokenizer.tokenId("<end_of_turn>").ifPresent(ids::add);
        if (tokenizer.eot() >= 0 && !ids.contains(tokenizer.eot())) ids.add(tokenizer.eot());
        return ids.stream().mapToInt(Integer::intValue).toArray();
    }

    private static final class Tokens {
        private int[] a = new int[64];
        private int n;

        void add(int v) {
            if (n == a.length) a = java.util.Arrays.copyOf(a, n * 2);
            a[n++] = v;
        }

        void addAll(int[] vs) {
            for (int v : vs) add(v);
        }

        int[] toArray() {
            return java.util.Arrays.copyOf(a, n);
        }
    }
}
