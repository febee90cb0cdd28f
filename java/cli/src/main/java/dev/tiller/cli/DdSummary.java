package dev.tiller.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;

import java.nio.file.Path;
import java.util.Locale;

/** What {@code dd theory} and {@code dd simulate} report of a curve: its ends, its first dip and the bump after it. */
final class DdSummary {
    private DdSummary() {}

    static ObjectNode of(double[] t, double[] eg) {
        ObjectNode j = JsonOut.object();
        j.put("points", t.length).put("eg_first", JsonOut.finite(eg[0])).put("eg_last", JsonOut.finite(eg[eg.length - 1]));
        int dip = -1;
        for (int i = 1; i + 1 < eg.length && dip < 0; i++)
            if (eg[i] < eg[i - 1] && eg[i] <= eg[i + 1]) dip = i;
        int bump = -1;
        if (dip >= 0)
            for (int i = dip + 1; i < eg.length; i++)
                if (bump < 0 || eg[i] > eg[bump]) bump = i;
        boolean doubleDescent = dip >= 0 && bump > dip && eg[bump] > eg[dip] && eg[eg.length - 1] < eg[bump];
        j.put("monotone", dip < 0);
        j.put("double_descent", doubleDescent);
        if (doubleDescent) {
            j.put("dip_t", t[dip]).put("dip_eg", eg[dip]).put("bump_t", t[bump]).put("bump_eg", eg[bump]);
        }
        return j;
    }

    static String describe(ObjectNode j, Path out) {
        String shape = j.get("double_descent").asBoolean()
                ? String.format(Locale.ROOT, "dip %.4f at t %.3g, bump %.4f at t %.3g, then %.4f", j.get("dip_eg").asDouble(), j.get("dip_t").asDouble(),
                        j.get("bump_eg").asDouble(), j.get("bump_t").asDouble(), j.get("eg_last").asDouble())
                : j.get("monotone").asBoolean() ? String.format(Locale.ROOT, "monotone from %.4f to %.4f", j.get("eg_first").asDouble(), j.get("eg_last").asDouble())
                : String.format(Locale.ROOT, "from %.4f to %.4f", j.get("eg_first").asDouble(), j.get("eg_last").asDouble());
        return "E_G(t): " + shape + " (" + out + ")";
    }
}
