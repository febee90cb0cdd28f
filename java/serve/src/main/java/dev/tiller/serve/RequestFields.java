package dev.tiller.serve;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.Optional;

/**
 * Typed reads of a request body's fields: an absent or null field is empty; a field of the wrong
 * type or out of range is a 400 naming it.
 */
final class RequestFields {
    private final JsonNode body;

    RequestFields(JsonNode body) {
        if (body == null || !body.isObject()) throw ApiError.badRequest(null, "the request body must be a JSON object");
        this.body = body;
    }

    JsonNode node(String name) {
        JsonNode n = body.get(name);
        return n == null || n.isNull() ? null : n;
    }

    boolean has(String name) {
        return node(name) != null;
    }

    Optional<String> string(String name) {
        JsonNode n = node(name);
        if (n == null) return Optional.empty();
        if (!n.isTextual()) throw ApiError.badRequest(name, "'" + name + "' must be a string");
        return Optional.of(n.asText());
    }

    boolean bool(String name, boolean otherwise) {
        JsonNode n = node(name);
        if (n == null) return otherwise;
        if (!n.isBoolean()) throw ApiError.badRequest(name, "'" + name + "' must be true or false");
        return n.asBoolean();
    }

    /** A number in [min, max]; NaN and infinities are refused (JSON has neither, but Jackson reads "NaN" leniently when told to). */
    Optional<Double> number(String name, double min, double max) {
        JsonNode n = node(name);
        if (n == null) return Optional.empty();
        if (!n.isNumber()) throw ApiError.badRequest(name, "'" + name + "' must be a number");
        double v = n.asDouble();
        if (!Double.isFinite(v) || v < min || v > max) {
            throw ApiError.badRequest(name, "'" + name + "' must be in [" + fmt(min) + ", " + fmt(max) + "], got " + n);
        }
        return Optional.of(v);
    }

    Optional<Long> integer(String name, long min, long max) {
        JsonNode n = node(name);
        if (n == null) return Optional.empty();
        if (!n.isIntegralNumber() || !n.canConvertToLong()) throw ApiError.badRequest(name, "'" + name + "' must be an integer");
        long v = n.asLong();
        if (v < min || v > max) throw ApiError.badRequest(name, "'" + name + "' must be in [" + min + ", " + max + "], got " + v);
        return Optional.of(v);
    }

    private static String fmt(double v) {
        return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) : Double.toString(v);
    }
}
