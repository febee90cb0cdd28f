package dev.tiller.train.robust;

import dev.tiller.train.data.DataFormatException;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * An environments file (ENVS.csv, as {@code tiller robust xrm} writes it): columns row, split, env
 * for every train and val row of a group table, and the held-out logits ho_0..ho_{K-1} of the
 * train rows (MAT's). Reading checks it against the table: each row once, in range, of the split
 * the table says; held-out logits, when asked for, one per class and finite for every train row.
 */
public final class Environments {
    private Environments() {}

    /** env per table row; -1 for test rows. */
    public static int[] read(Path path, GroupTable t) {
        return parse(path, t, false).env;
    }

    /** The held-out logits [rows x K] of the train rows (NaN for the other rows): MAT's. */
    public static float[] readHeldOut(Path path, GroupTable t) {
        return parse(path, t, true).heldOut;
    }

    private record Parsed(int[] env, float[] heldOut) {}

    private static Parsed parse(Path path, GroupTable t, boolean heldOut) {
        String src = path.toString();
        int k = t.classes();
        int[] env = new int[t.rows()];
        Arrays.fill(env, -1);
        float[] ho = heldOut ? new float[t.rows() * k] : null;
        if (ho != null) Arrays.fill(ho, Float.NaN);
        try (BufferedReader in = Files.newBufferedReader(path, StandardCharsets.UTF_8)) {
            String header = in.readLine();
            if (header == null) throw new DataFormatException(src + ": empty file (expected a header row,split,env)");
            List<String> cols = Arrays.stream(header.split(",", -1)).map(String::trim).toList();
            int rowCol = cols.indexOf("row"), splitCol = cols.indexOf("split"), envCol = cols.indexOf("env");
            if (rowCol < 0 || splitCol < 0 || envCol < 0) throw new DataFormatException(src + ": the header needs columns row, split and env");
            int[] hoCol = heldOut ? heldOutColumns(src, cols, k, t) : null;
            int line = 0;
            for (String l; (l = in.readLine()) != null; line++) {
                if (l.isEmpty()) continue;
                String[] c = l.split(",", -1);
                if (c.length != cols.size()) throw new DataFormatException(src + ": line " + (line + 2) + " has " + c.length + " cells, the header " + cols.size());
                int row = integer(src, line, "row", c[rowCol]);
                if (row < 0 || row >= t.rows()) {
                    throw new DataFormatException(src + ": line " + (line + 2) + ", column row: " + row + " is not a row of " + t.source() + " (0.." + (t.rows() - 1) + ")");
                }
                String split = c[splitCol].trim();
                if (!split.equals(t.split(row).csvName())) {
                    throw new DataFormatException(src + ": line " + (line + 2) + ", column split: row " + row + " is '" + split + "' here but '"
                            + t.split(row).csvName() + "' in " + t.source());
                }
                if (t.split(row) == GroupTable.Split.TEST) continue;
                int e = integer(src, line, "env", c[envCol]);
                if (e < 0) throw new DataFormatException(src + ": line " + (line + 2) + ", column env: " + e + " is negative");
                if (env[row] >= 0) throw new DataFormatException(src + ": line " + (line + 2) + ", column row: row " + row + " appears twice");
                env[row] = e;
                if (hoCol != null && t.split(row) == GroupTable.Split.TRAIN) {
                    for (int j = 0; j < k; j++) ho[row * k + j] = logit(src, line, "ho_" + j, c[hoCol[j]]);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(src + ": cannot read: " + e.getMessage(), e);
        }
        for (int r = 0; r < t.rows(); r++) {
            if (env[r] < 0 && t.split(r) != GroupTable.Split.TEST) {
                throw new DataFormatException(src + ": no environment for " + t.split(r).csvName() + " row " + r + " of " + t.source());
            }
        }
        return new Parsed(env, ho);
    }

    /** The columns of ho_0..ho_{K-1}: all present, and no ho_K or beyond (a file of another table's classes). */
    private static int[] heldOutColumns(String src, List<String> cols, int k, GroupTable t) {
        int found = (int) cols.stream().filter(c -> c.matches("ho_[0-9]+")).count();
        if (found == 0) throw new DataFormatException(src + ": no held-out logits (columns ho_0..ho_" + (k - 1) + "); tiller robust xrm writes them");
        if (found != k) throw new DataFormatException(src + ": " + found + " held-out logit columns ho_*, but " + t.source() + " has " + k + " classes");
        int[] at = new int[k];
        for (int j = 0; j < k; j++) {
            at[j] = cols.indexOf("ho_" + j);
            if (at[j] < 0) throw new DataFormatException(src + ": the header has no column ho_" + j);
        }
        return at;
    }

    private static float logit(String src, int line, String col, String v) {
        float f;
        try {
            f = Float.parseFloat(v.trim());
        } catch (NumberFormatException e) {
            throw new DataFormatException(src + ": line " + (line + 2) + ", column " + col + ": '" + v.trim() + "' is not a number (train rows need their held-out logits)");
        }
        if (!Float.isFinite(f)) throw new DataFormatException(src + ": line " + (line + 2) + ", column " + col + ": '" + v.trim() + "' is not a finite number");
        return f;
    }

    private static int integer(String src, int line, String col, String v) {
        try {
            return Integer.parseInt(v.trim());
        } catch (NumberFormatException e) {
            throw new DataFormatException(src + ": line " + (line + 2) + ", column " + col + ": '" + v.trim() + "' is not an integer");
        }
    }
}
