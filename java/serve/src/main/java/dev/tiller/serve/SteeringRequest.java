package dev.tiller.serve;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.List;

/**
 * One entry of a request's {@code "steering"} extension: a vector of the steering directory by
 * name, its strength and which tokens it changes.
 */
record SteeringRequest(String vector, float strength, Positions positions) {
    /** Which tokens a vector changes, as {@code tiller generate --steer-positions} says. */
    enum Positions {
        ALL, AFTER_INSTRUCTION, GENERATED;

        static final String NAMES = "all, after-instruction or generated";

        /** The mode of this name, or null. */
        static Positions named(String s) {
            return switch (s) {
                case "all" -> ALL;
                case "after-instruction" -> AFTER_INSTRUCTION;
                case "generated" -> GENERATED;
                default -> null;
            };
        }

        static Positions parse(String s) {
            Positions p = named(s);
            if (p == null) throw ApiError.badRequest("steering", "steering positions must be " + NAMES + ", not '" + s + "'");
            return p;
        }

        /** The first position steered, for a prompt of promptLength tokens whose instruction ends at instructionEnd. */
        int from(int promptLength, int instructionEnd) {
            return switch (this) {
                case ALL -> 0;
                case AFTER_INSTRUCTION -> instructionEnd;
                case GENERATED -> promptLength;
            };
        }
    }

    static final int MAX_ENTRIES = 16;

    /** The entries of {@code "steering"}; chat requests steer after the instruction by default, completions every token. */
    static List<SteeringRequest> parse(JsonNode node, boolean chat) {
        List<SteeringRequest> out = new ArrayList<>();
        if (node == null) return out;
        if (!node.isArray()) throw ApiError.badRequest("steering", "'steering' must be an array of {vector, strength, positions}");
        if (node.size() > MAX_ENTRIES) throw ApiError.badRequest("steering", "at most " + MAX_ENTRIES + " steering entries, got " + node.size());
        for (JsonNode e : node) {
            RequestFields f = new RequestFields(e);
            String name = f.string("vector").orElseThrow(() -> ApiError.badRequest("steering", "a steering entry needs 'vector' (a name from GET /v1/steering)"));
            float strength = (float) (double) f.number("strength", -1e4, 1e4).orElse(1.0);
            Positions p = f.string("positions").map(Positions::parse).orElse(chat ? Positions.AFTER_INSTRUCTION : Positions.ALL);
            out.add(new SteeringRequest(name, strength, p));
        }
        return out;
    }
}
