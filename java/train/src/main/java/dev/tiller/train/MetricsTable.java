package dev.tiller.train;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Evaluations of a run as a table: one row per evaluated step, one column per metric (columns
 * appear in the order metrics are first reported). Printed as aligned text or written as CSV.
 */
public final class MetricsTable {
    public record Row(long step, Map<String, Double> values) {}

    private final List<Row> rows = new ArrayList<>();
    private final Set<String> columns = new LinkedHashSet<>();

    public MetricsTable() {}

    public void add(long step, Map<String, Double> values) {
        Map<String, Double> copy = new LinkedHashMap<>(values);
        columns.addAll(copy.keySet());
        rows.add(new Row(step, Collections.unmodifiableMap(copy)));
    }

    public List<Row> rows() {
        return Collections.unmodifiableList(rows);
    }

    public List<String> columns() {
        return List.copyOf(columns);
    }

    public boolean isEmpty() {
        return rows.isEmpty();
    }

    /** The value of a metric at the last step that reported it (NaN when none did). */
    public double last(String metric) {
        for (int i = rows.size() - 1; i >= 0; i--) {
            Double v = rows.get(i).values().get(metric);
            if (v != null) return v;
        }
        return Double.NaN;
    }

    /** CSV with a header row {@code step,<metrics...>}; a metric a row lacks is an empty cell. */
    public String toCsv() {
        StringBuilder s = new StringBuilder("step");
        for (String c : columns) s.append(',').append(c);
        s.append('\n');
        for (Row r : rows) {
            s.append(r.step());
            for (String c : columns) {
                Double v = r.values().get(c);
                s.append(',').append(v == null ? "" : Double.toString(v));
            }
            s.append('\n');
        }
        return s.toString();
    }

    /** The inverse of {@link #toCsv} (checkpoints carry the table this way). */
    public static MetricsTable fromCsv(String csv) {
        MetricsTable t = new MetricsTable();
        String[] lines = csv.split("\n");
        if (lines.length == 0 || !lines[0].startsWith("step")) throw new IllegalArgumentException("a metrics table starts with a 'step' column");
        String[] head = lines[0].split(",", -1);
        for (int i = 1; i < lines.length; i++) {
            if (lines[i].isEmpty()) continue;
            String[] cells = lines[i].split(",", -1);
            if (cells.length != head.length) throw new IllegalArgumentException("metrics row " + i + " has " + cells.length + " cells, the header " + head.length);
            Map<String, Double> v = new LinkedHashMap<>();
            for (int c = 1; c < head.length; c++) if (!cells[c].isEmpty()) v.put(head[c], Double.parseDouble(cells[c]));
            t.add(Long.parseLong(cells[0]), v);
        }
        return t;
    }

    /** Aligned columns, metrics to four decimals. */
    public String format() {
        StringBuilder s = new StringBuilder(String.format(Locale.ROOT, "%8s", "step"));
        for (String c : columns) s.append(String.format(Locale.ROOT, "  %" + Math.max(10, c.length()) + "s", c));
        s.append('\n');
        for (Row r : rows) {
            s.append(String.format(Locale.ROOT, "%8d", r.step()));
            for (String c : columns) {
                Double v = r.values().get(c);
                s.append(String.format(Locale.ROOT, "  %" + Math.max(10, c.length()) + "s", v == null ? "" : String.format(Locale.ROOT, "%.4f", v)));
            }
            s.append('\n');
        }
        return s.toString();
    }
}
