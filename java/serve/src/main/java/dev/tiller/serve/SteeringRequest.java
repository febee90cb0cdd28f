package dev.tiller.serve;

import com.fasterxml.jackson.databind.JsonNode;

import dev.tiller.steer.SteerPositions;

import java.util.ArrayList;
import java.util.List;

/**
 * One entry of a request's {@code "steering"} extension: a vector of the steering directory by
 * name, its strength and which tokens it changes.
 */
record SteeringRequest(String vector, float strength, SteerPositions positions) {
    static SteerPositions parsePositions(String s) {
        SteerPositions p = SteerPositions.named(s);
        if (p == null) throw ApiError.badRequest("steering", "steering positions must be " + SteerPositions.NAMES + ", not '" + s + "'");
        return p;
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
            SteerPositions p = f.string("positions").map(SteeringRequest::parsePositions).orElse(SteerPositions.defaultFor(chat));
            out.add(new SteeringRequest(name, strength, p));
        }
        return out;
    }
}
