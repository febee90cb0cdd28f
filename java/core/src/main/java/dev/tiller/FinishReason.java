package dev.tiller;

/** Why a generation ended. */
public enum FinishReason {
    /** The model ended its turn (EOS or end-of-turn token). */
    STOP,
    /** A stop string appeared; it is not part of the text. */
    STOP_STRING,
    /** The maximum number of tokens was generated. */
    LENGTH,
    /** The session's context is full. */
    CONTEXT_FULL,
    /** {@link Generation#cancel()} was called. */
    CANCELLED
}
