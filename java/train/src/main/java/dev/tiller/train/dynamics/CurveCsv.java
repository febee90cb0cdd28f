package dev.tiller.train.dynamics;

import dev.tiller.train.data.DataFormatException;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A training curve as CSV with a header (what {@code tiller grok train} writes:
 * step,train_loss,train_acc,val_loss,val_acc): its columns by name, every cell a finite number, or a
 * {@link DataFormatException} naming the file, row and column.
 */
public final class CurveCsv {
    private final Path file;
    private final List<String> header;
    private final double[][] columns;

    private CurveCsv(Path file, List<String> header, double[][] columns) {
        this.file = file;
        this.header = header;
        this.columns = columns;
    }

    public static CurveCsv read(Path file) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file);
        } catch (IOException e) {
            throw new UncheckedIOException(file + ": " + e.getMessage(), e);
        }
        if (lines.isEmpty() || lines.get(0).isBlank()) throw new DataFormatException(file + ": empty file (expected a header row)");
        List<String> header = Arrays.stream(lines.get(0).split(",", -1)).map(String::strip).toList();
        List<double[]> rows = new ArrayList<>();
        for (int r = 1; r < lines.size(); r++) {
            String line = lines.get(r);
            if (line.isBlank()) continue;
            String[] cells = line.split(",", -1);
            if (cells.length != header.size())
                throw new DataFormatException(file + ": row " + (r + 1) + " has " + cells.length + " cells, the header " + header.size());
            double[] v = new double[cells.length];
            for (int c = 0; c < cells.length; c++) {
                try {
                    v[c] = Double.parseDouble(cells[c].strip());
                } catch (NumberFormatException e) {
                    throw new DataFormatException(file + ": row " + (r + 1) + ", column " + header.get(c) + ": not a number: '" + cells[c].strip() + "'");
                }
                if (!Double.isFinite(v[c]))
                    throw new DataFormatException(file + ": row " + (r + 1) + ", column " + header.get(c) + ": " + cells[c].strip() + " is not finite");
            }
            rows.add(v);
        }
        double[][] cols = new double[header.size()][rows.size()];
        for (int r = 0; r < rows.size(); r++)
            for (int c = 0; c < header.size(); c++) cols[c][r] = rows.get(r)[c];
        return new CurveCsv(file, header, cols);
    }

    public int rows() {
        return columns.length == 0 ? 0 : columns[0].length;
    }

    public boolean has(String column) {
        return header.contains(column);
    }

    public double[] column(String name) {
        int i = header.indexOf(name);
        if (i < 0) throw new DataFormatException(file + ": no column '" + name + "' (columns: " + String.join(", ", header) + ")");
        return columns[i].clone();
    }

    /** The phase times, when the curve has step, train_acc and val_acc columns; null otherwise. */
    public PhaseTimes phaseTimes() {
        if (!has("step") || !has("train_acc") || !has("val_acc")) return null;
        double[] s = column("step");
        long[] steps = new long[s.length];
        for (int i = 0; i < s.length; i++) steps[i] = (long) s[i];
        return PhaseTimes.of(steps, column("train_acc"), column("val_acc"));
    }
}
