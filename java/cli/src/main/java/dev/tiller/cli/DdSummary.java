package dev.tiller.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.tiller.io.AtomicFiles;
import dev.tiller.train.dynamics.TwoScaleTheory;

import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.markers.SeriesMarkers;

import java.nio.file.Path;
import java.util.Locale;

/** What {@code dd theory} and {@code dd simulate} report of a curve (its ends, its first dip and the bump after it) and the simulation's plot. */
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

    /** CURVE.png beside CURVE.csv. */
    static Path plotFile(Path csv) {
        String name = csv.getFileName().toString();
        return csv.resolveSibling((name.endsWith(".csv") ? name.substring(0, name.length() - 4) : name) + ".png");
    }

    /** Mean +- std of the simulation over log time, with the theory's curve when there is one. */
    static void plot(Path file, String title, double[] t, double[] mean, double[] std, TwoScaleTheory theory) {
        XYChart chart = new XYChartBuilder().width(800).height(480).title(title).xAxisTitle("t (gradient-descent steps)").yAxisTitle("E_G").build();
        chart.getStyler().setXAxisLogarithmic(true);
        XYSeries band = chart.addSeries("simulation, mean +- std", t, mean, std);
        band.setMarker(SeriesMarkers.NONE);
        if (theory != null) {
            double[] eg = new double[t.length];
            for (int i = 0; i < t.length; i++) eg[i] = theory.at(t[i]).eg();
            chart.addSeries("theory", t, eg).setMarker(SeriesMarkers.NONE);
        }
        AtomicFiles.write(file, os -> BitmapEncoder.saveBitmap(chart, os, BitmapEncoder.BitmapFormat.PNG));
    }
}
