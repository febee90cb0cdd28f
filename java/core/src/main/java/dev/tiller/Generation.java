package dev.tiller;

import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

/**
 * A running generation: iterate (or {@link #stream()}) to get tokens one at a time as they are
 * produced. Work happens inside {@link #hasNext()}; {@link #cancel()} may be called from any
 * thread and takes effect before the next token, as does interrupting the generating thread.
 * Closing cancels.
 */
public final class Generation implements Iterator<GeneratedToken>, AutoCloseable {
    private final Session session;
    private final SamplingParams params;
    private final int[] prompt;
    private final int[] stopIds;
    private final Sampler sampler;
    private final StreamingDecoder decoder;
    private final StringBuilder text = new StringBuilder();
    private final StringBuilder held = new StringBuilder();
    private volatile boolean cancelled;
    private FinishReason finish;
    private GeneratedToken next;
    private FloatView logits;
    private int pendingToken = -1;
    private int generated;
    private long promptNanos, genNanos;

    Generation(Session session, Tokenizer tokenizer, int[] prompt, SamplingParams params, int[] stopIds) {
        this.session = session;
        this.params = params;
        this.prompt = prompt.clone();
        this.stopIds = stopIds.clone();
        this.sampler = new Sampler(params, tokenizer.vocabularySize());
        this.decoder = tokenizer.newDecoder(false);
        if (prompt.length == 0) throw new InvalidArgumentException(0, "empty prompt");
        for (int t : prompt) sampler.accept(t);
    }

    @Override
    public boolean hasNext() {
        if (next != null) return true;
        if (finish != null) return false;
        next = step();
        return next != null;
    }

    @Override
    public GeneratedToken next() {
        if (!hasNext()) throw new NoSuchElementException("generation finished: " + finish);
        GeneratedToken t = next;
        next = null;
        return t;
    }

    public Stream<GeneratedToken> stream() {
        return StreamSupport.stream(Spliterators.spliteratorUnknownSize(this, Spliterator.ORDERED | Spliterator.NONNULL), false);
    }

    /** Stops the generation before its next token; safe from any thread. */
    public void cancel() {
        cancelled = true;
    }

    /** Why it ended, or null while it runs. */
    public FinishReason finishReason() {
        return finish;
    }

    /** All text emitted so far. */
    public String text() {
        return text.toString();
    }

    public Usage usage() {
        return new Usage(prompt.length, generated, promptNanos / 1e9, genNanos / 1e9);
    }

    /**
     * After the generation ended, evaluates its last token if it has not been (a generation that
     * stopped at {@code maxTokens}, at a stop string or by a cancel sampled that token but never fed
     * it back), so that the session's context holds the whole reply before a conversation goes on
     * in the same session. Does nothing while running, after a stop token (the chat template's
     * continuation closes the turn) or when the context is full.
     */
    public void keepInContext() {
        if (finish == null || pendingToken < 0 || finish == FinishReason.CONTEXT_FULL) return;
        if (session.position() >= session.contextLength()) return;
        session.evaluate(new int[] {pendingToken});
        pendingToken = -1;
    }

    /** Runs to the end and returns the text. */
    public String complete() {
        while (hasNext()) next();
        return text();
    }

    @Override
    public void close() {
        cancel();
        if (finish == null) finish = FinishReason.CANCELLED;
    }

    private GeneratedToken step() {
        // An interrupted thread stops generating (the interrupt flag stays set for the caller).
        if (cancelled || Thread.currentThread().isInterrupted()) return end(FinishReason.CANCELLED, -1, 0);
        long t0 = System.nanoTime();
        if (logits == null) {
            if (session.position() + prompt.length > session.contextLength()) {
                throw new InvalidArgumentException(0, "prompt of " + prompt.length + " tokens does not fit the context ("
                        + session.contextLength() + ", " + session.position() + " used)");
            }
            logits = session.evaluate(prompt);
            promptNanos = System.nanoTime() - t0;
            t0 = System.nanoTime();
        } else if (pendingToken >= 0) {
            if (session.position() >= session.contextLength()) return end(FinishReason.CONTEXT_FULL, -1, 0);
            logits = session.evaluate(new int[] {pendingToken});
            pendingToken = -1;
        }
        int token = sampler.sample(logits.segment(), session.logitStats(0));
        double logProb = sampler.lastLogProb();
        genNanos += System.nanoTime() - t0;
        for (int s : stopIds) {
            if (s == token) {
                generated++;
                return end(FinishReason.STOP, token, logProb);
            }
        }
        generated++;
        sampler.accept(token);
        pendingToken = token;
        held.append(decoder.push(token));
        String emitted = releaseHeld();
        if (finish == FinishReason.STOP_STRING) return new GeneratedToken(token, emitted, logProb, true);
        boolean last = params.maxTokens() > 0 && generated >= params.maxTokens();
        if (last) {
            held.append(decoder.finish());
            emitted += held;
            text.append(held);
            held.setLength(0);
            finish = FinishReason.LENGTH;
        }
        return new GeneratedToken(token, emitted, logProb, last);
    }

    /** Emits what cannot be the start of a stop string; ends the generation at a stop string. */
    private String releaseHeld() {
        String h = held.toString();
        int cut = -1;
        for (String s : params.stop()) {
            int at = h.indexOf(s);
            if (at >= 0 && (cut < 0 || at < cut)) cut = at;
        }
        if (cut >= 0) {
            String out = h.substring(0, cut);
            text.append(out);
            held.setLength(0);
            finish = FinishReason.STOP_STRING;
            return out;
        }
        int keep = 0;
        for (String s : params.stop()) {
            for (int k = Math.min(s.length() - 1, h.length()); k > keep; k--) {
                if (h.endsWith(s.substring(0, k))) {
                    keep = k;
                    break;
                }
            }
        }
        String out = h.substring(0, h.length() - keep);
        text.append(out);
        held.delete(0, h.length() - keep);
        return out;
    }

    private GeneratedToken end(FinishReason reason, int token, double logProb) {
        finish = reason;
        held.append(decoder.finish());
        String rest = held.toString();
        held.setLength(0);
        text.append(rest);
        if (token < 0 && rest.isEmpty()) return null;
        return new GeneratedToken(token, rest, logProb, true);
    }
}
