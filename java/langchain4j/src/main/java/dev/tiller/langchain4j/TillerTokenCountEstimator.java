package dev.tiller.langchain4j;

import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.model.TokenCountEstimator;

import dev.tiller.Model;

import java.util.ArrayList;
import java.util.List;

/**
 * Token counts by the model's own tokenizer, so they are exact rather than estimated: a text
 * without special tokens, a message or a conversation as the chat template writes it (BOS and
 * turn markup included, without the generation prompt). For chat memories that keep to a token
 * budget ({@code TokenWindowChatMemory}).
 */
public final class TillerTokenCountEstimator implements TokenCountEstimator {
    private final Model model;

    public TillerTokenCountEstimator(Model model) {
        this.model = model;
    }

    @Override
    public int estimateTokenCountInText(String text) {
        return model.tokenizer().encode(text, false, false).length;
    }

    @Override
    public int estimateTokenCountInMessage(ChatMessage message) {
        return model.chatTemplate().apply(List.of(TillerChat.message(message)), false).length;
    }

    @Override
    public int estimateTokenCountInMessages(Iterable<ChatMessage> messages) {
        List<dev.tiller.ChatMessage> all = new ArrayList<>();
        for (ChatMessage m : messages) all.add(TillerChat.message(m));
        return model.chatTemplate().apply(all, false).length;
    }
}
