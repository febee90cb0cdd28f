package dev.tiller.steer;

import dev.tiller.InvalidArgumentException;

/**
 * Which tokens a steering vector changes: every token, the tokens from the end of the user's
 * instruction on (the chat turn's hand-over markup and the reply), or the generated tokens only.
 * These are {@code tiller generate --steer-positions}, the server's {@code "positions"} and the
 * LangChain4j adapter's, so that one request steers the same tokens through each.
 */
public enum SteerPositions {
    ALL("all"), AFTER_INSTRUCTION("after-instruction"), GENERATED("generated");

    /** The names, for messages. */
    public static final String NAMES = "all, after-instruction or generated";

    private final String cliName;

    SteerPositions(String cliName) {
        this.cliName = cliName;
    }

    /** all, after-instruction or generated. */
    public String cliName() {
        return cliName;
    }

    /** The mode of this name, or null when there is none. */
    public static SteerPositions named(String name) {
        for (SteerPositions p : values()) if (p.cliName.equals(name)) return p;
        return null;
    }

    /** The first position steered, for a prompt of promptLength tokens whose instruction ends at instructionEnd. */
    public int from(int promptLength, int instructionEnd) {
        if (instructionEnd < 0 || instructionEnd > promptLength) {
            throw new InvalidArgumentException(0, "the instruction ends at " + instructionEnd + ", outside a prompt of " + promptLength + " tokens");
        }
        return switch (this) {
            case ALL -> 0;
            case AFTER_INSTRUCTION -> instructionEnd;
            case GENERATED -> promptLength;
        };
    }

    /** Chat turns are steered from the end of the instruction on, raw prompts at every token (as llama.cpp steers). */
    public static SteerPositions defaultFor(boolean chat) {
        return chat ? AFTER_INSTRUCTION : ALL;
    }
}
