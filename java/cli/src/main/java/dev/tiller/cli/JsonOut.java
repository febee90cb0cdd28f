package dev.tiller.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.math.BigDecimal;
import java.util.Locale;

/**
 * JSON on stdout through Jackson: one object per line, keys in insertion order, measured numbers
 * rounded to the digits they are quoted with (as {@code %.Nf} rounds) so that outputs stay short
 * and comparable run to run.
 */
final class JsonOut {
    static final ObjectMapper MAPPER = new ObjectMapper();

    private JsonOut() {}

    static ObjectNode object() {
        return MAPPER.createObjectNode();
    }

    /** v with exactly `digits` decimals, the digits printf's %.Nf gives; null (JSON null) for NaN and infinities. */
    static BigDecimal fixed(double v, int digits) {
        return Double.isFinite(v) ? new BigDecimal(String.format(Locale.ROOT, "%." + digits + "f", v)) : null;
    }

    /** v, or null (JSON null) for NaN and infinities, which JSON cannot hold. */
    static Double finite(double v) {
        return Double.isFinite(v) ? v : null;
    }

    static ArrayNode fixedArray(double[] v, int digits) {
        ArrayNode a = MAPPER.createArrayNode();
        for (double x : v) a.add(fixed(x, digits));
        return a;
    }

    static void print(ObjectNode o) {
        System.out.println(o.toString());
    }
}
