package dev.tiller.serve;

import dev.tiller.ChatTemplate;
import dev.tiller.FinishReason;
import dev.tiller.FloatView;
import dev.tiller.GeneratedToken;
import dev.tiller.Generation;
import dev.tiller.Model;
import dev.tiller.SamplingParams;
import dev.tiller.Session;
import dev.tiller.Usage;
import dev.tiller.steer.SteerPositions;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * One completion on one slot, as {@code tiller generate} runs it: the prompt tokenized the same way
 * (the chat template for chat requests, plain text with BOS for completions), the same steering
 * positions, the same sampler. Everything that can be refused is refused in the constructor, before
 * a byte of the reply is sent.
 */
final class CompletionRun {
    /** One generated token with, when asked, its log-probability and the most likely alternatives. */
    record Step(GeneratedToken token, TokenLogprob logprob) {}

    record TokenLogprob(String token, byte[] bytes, double logprob, List<TokenLogprob> top) {}

    /** How the model's reply ended and what it cost. */
    record End(String finishReason, Usage usage) {}

    interface Sink {
        /** Returns false when the client is gone: the generation stops before its next token. */
        boolean step(Step s);
    }

    private final Model model;
    private final Session session;
    private final CompletionRequest request;
    private final Generation generation;

    CompletionRun(Model model, Session session, SteeringLibrary library, SteerPositions startupPositions, CompletionRequest request) {
        this.model = model;
        this.session = session;
        this.request = request;
        int[] tokens;
        int instructionEnd;
        if (request.chat()) {
            ChatTemplate t = model.chatTemplate();
            tokens = t.apply(request.messages(), true);
            instructionEnd = tokens.length - t.turnHandoverLength();
        } else {
            tokens = model.tokenizer().encode(request.prompt(), true, false);
            instructionEnd = tokens.length - 1;
        }
        int room = session.contextLength() - tokens.length;
        if (room < 1) {
            throw ApiError.badRequest(request.chat() ? "messages" : "prompt", "the prompt is " + tokens.length + " tokens and a slot's context holds "
                    + session.contextLength() + ": no room to generate");
        }
        // max_tokens beyond the context is capped by it (never an allocation of that size).
        int max = (int) Math.min(request.maxTokens().orElse(room), room);
        SamplingParams params = request.params().withMaxTokens(max);
        session.reset();
        SteerPositions startup = startupPositions != null ? startupPositions : SteerPositions.defaultFor(request.chat());
        library.apply(session, request.steering(), startup.from(tokens.length, instructionEnd), tokens.length, instructionEnd);
        this.generation = session.generate(tokens, params);
    }

    /** Runs to the end, handing each token to the sink; null when the sink said the client is gone. */
    End run(Sink sink) {
        try {
            while (generation.hasNext()) {
                GeneratedToken t = generation.next();
                TokenLogprob lp = request.logprobs() && t.id() >= 0 ? logprob(t) : null;
                if (!sink.step(new Step(t, lp))) {
                    generation.cancel();
                    return null;
                }
            }
            return new End(finishReason(generation.finishReason()), generation.usage());
        } finally {
            generation.close();
        }
    }

    Usage usage() {
        return generation.usage();
    }

    static String finishReason(FinishReason f) {
        return switch (f) {
            case STOP, STOP_STRING -> "stop";
            case LENGTH, CONTEXT_FULL -> "length";
            case CANCELLED -> "cancelled";
        };
    }

    /** The token's log-probability under the model's own distribution (before sampling settings), and the top alternatives. */
    private TokenLogprob logprob(GeneratedToken t) {
        List<TokenLogprob> top = new ArrayList<>();
        if (request.topLogprobs() > 0) {
            FloatView logits = session.logits();
            float[] row = logits.row(0);
            double max = Double.NEGATIVE_INFINITY;
            for (float v : row) max = Math.max(max, v);
            double sum = 0;
            for (float v : row) sum += Math.exp(v - max);
            double lse = max + Math.log(sum);
            int k = Math.min(request.topLogprobs(), row.length);
            int[] best = new int[k];
            boolean[] taken = new boolean[row.length];
            for (int j = 0; j < k; j++) {
                int arg = -1;
                for (int i = 0; i < row.length; i++) if (!taken[i] && (arg < 0 || row[i] > row[arg])) arg = i;
                taken[arg] = true;
                best[j] = arg;
            }
            for (int id : best) top.add(piece(id, row[id] - lse, List.of()));
        }
        return piece(t.id(), t.logProb(), top);
    }

    private TokenLogprob piece(int id, double logprob, List<TokenLogprob> top) {
        byte[] bytes = model.tokenizer().pieceBytes(id, false);
        return new TokenLogprob(new String(bytes, StandardCharsets.UTF_8), bytes, logprob, top);
    }
}
