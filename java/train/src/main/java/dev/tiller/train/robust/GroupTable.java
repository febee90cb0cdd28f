package dev.tiller.train.robust;

import dev.tiller.io.AtomicFiles;
import dev.tiller.train.data.DataFormatException;

import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

/**
 * The group table, Tiller's input for robustness work: CSV (gzip when the name ends in .gz) with
 * a header row; {@code split} (train, val, test), {@code y} (class 0..K-1), attribute columns
 * {@code a}, {@code a1}, {@code a2}... (integers >= 0; a group is (y, attributes)), and every other
 * column a numeric feature, in file order. Rows are numbered from 0 in file order (data rows, not
 * counting the header). A bad cell is refused naming the file, the row and the column.
 */
public final class GroupTable {
    public enum Split {
        TRAIN, VAL, TEST;

        public String csvName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    private static final Pattern ATTRIBUTE = Pattern.compile("a[0-9]*");

    private final String source;
    private final List<String> featureNames, attributeNames;
    private final Split[] split;
    private final int[] y;
    private final int[] attributes;   // rows x attributeNames.size()
    private final float[] features;   // rows x featureNames.size()
    private final int classes;

    public GroupTable(String source, List<String> featureNames, List<String> attributeNames, Split[] split, int[] y, int[] attributes, float[] features) {
        int n = y.length;
        if (split.length != n || attributes.length != n * attributeNames.size() || features.length != (long) n * featureNames.size()) {
            throw new IllegalArgumentException("group table " + source + ": columns of different lengths");
        }
        if (featureNames.isEmpty()) throw new DataFormatException(source + ": no feature columns (every column but split, y and a* is a feature)");
        this.source = source;
        this.featureNames = List.copyOf(featureNames);
        this.attributeNames = List.copyOf(attributeNames);
        this.split = split.clone();
        this.y = y.clone();
        this.attributes = attributes.clone();
        this.features = features.clone();
        int k = 0;
        for (int v : y) k = Math.max(k, v + 1);
        this.classes = k;
        for (int i = 0; i < n; i++) {
            if (y[i] < 0) throw new DataFormatException(source + ": row " + i + ", column y: class " + y[i] + " is negative");
        }
        for (int i = 0; i < attributes.length; i++) {
            if (attributes[i] < 0) {
                throw new DataFormatException(source + ": row " + i / attributeNames.size() + ", column " + attributeNames.get(i % attributeNames.size())
                        + ": attribute " + attributes[i] + " is negative");
            }
        }
        for (int i = 0; i < features.length; i++) {
            if (!Float.isFinite(features[i])) {
                throw new DataFormatException(source + ": row " + i / featureNames.size() + ", column " + featureNames.get(i % featureNames.size())
                        + ": " + features[i] + " is not a finite number");
            }
        }
        if (count(Split.TRAIN) == 0) throw new DataFormatException(source + ": the train split is empty");
    }

    public static GroupTable read(Path path) {
        String src = path.toString();
        try (InputStream raw = Files.newInputStream(path);
                BufferedReader in = new BufferedReader(new InputStreamReader(src.endsWith(".gz") ? new GZIPInputStream(raw) : raw, StandardCharsets.UTF_8))) {
            String header = in.readLine();
            if (header == null || header.isBlank()) throw new DataFormatException(src + ": empty file (a group table starts with a header row)");
            String[] names = header.split(",", -1);
            int splitCol = -1, yCol = -1;
            List<Integer> attrCols = new ArrayList<>(), featCols = new ArrayList<>();
            List<String> attrNames = new ArrayList<>(), featNames = new ArrayList<>();
            for (int c = 0; c < names.length; c++) {
                String name = names[c].trim();
                names[c] = name;
                for (int d = 0; d < c; d++) if (names[d].equals(name)) throw new DataFormatException(src + ": column '" + name + "' appears twice in the header");
                if (name.equals("split")) splitCol = c;
                else if (name.equals("y")) yCol = c;
                else if (ATTRIBUTE.matcher(name).matches()) {
                    attrCols.add(c);
                    attrNames.add(name);
                } else {
                    featCols.add(c);
                    featNames.add(name);
                }
            }
            if (splitCol < 0) throw new DataFormatException(src + ": no 'split' column in the header");
            if (yCol < 0) throw new DataFormatException(src + ": no 'y' column in the header");
            List<Split> splits = new ArrayList<>();
            IntList ys = new IntList(), attrs = new IntList();
            FloatList feats = new FloatList();
            int row = 0;
            for (String line; (line = in.readLine()) != null; ) {
                if (line.isEmpty()) continue;
                String[] cells = line.split(",", -1);
                if (cells.length != names.length) {
                    throw new DataFormatException(src + ": row " + row + " has " + cells.length + " cells, the header " + names.length);
                }
                splits.add(split(src, row, cells[splitCol].trim()));
                ys.add(integer(src, row, "y", cells[yCol]));
                for (int k = 0; k < attrCols.size(); k++) attrs.add(integer(src, row, attrNames.get(k), cells[attrCols.get(k)]));
                for (int k = 0; k < featCols.size(); k++) feats.add(number(src, row, featNames.get(k), cells[featCols.get(k)]));
                row++;
            }
            return new GroupTable(src, featNames, attrNames, splits.toArray(new Split[0]), ys.toArray(), attrs.toArray(), feats.toArray());
        } catch (IOException e) {
            throw new UncheckedIOException(src + ": cannot read: " + e.getMessage(), e);
        }
    }

    private static Split split(String src, int row, String v) {
        for (Split s : Split.values()) if (s.csvName().equals(v)) return s;
        throw new DataFormatException(src + ": row " + row + ", column split: '" + v + "' is not train, val or test");
    }

    private static int integer(String src, int row, String col, String v) {
        try {
            return Integer.parseInt(v.trim());
        } catch (NumberFormatException e) {
            throw new DataFormatException(src + ": row " + row + ", column " + col + ": '" + v.trim() + "' is not an integer");
        }
    }

    private static float number(String src, int row, String col, String v) {
        float f;
        try {
            f = Float.parseFloat(v.trim());
        } catch (NumberFormatException e) {
            throw new DataFormatException(src + ": row " + row + ", column " + col + ": '" + v.trim() + "' is not a number");
        }
        if (!Float.isFinite(f)) throw new DataFormatException(src + ": row " + row + ", column " + col + ": '" + v.trim() + "' is not a finite number");
        return f;
    }

    /** Writes the table (gzip when the name ends in .gz), atomically. */
    public void write(Path path) {
        AtomicFiles.write(path, os -> {
            try (Writer w = new BufferedWriter(new OutputStreamWriter(path.toString().endsWith(".gz") ? new GZIPOutputStream(os) : os, StandardCharsets.UTF_8), 1 << 16)) {
                StringBuilder h = new StringBuilder("split,y");
                for (String a : attributeNames) h.append(',').append(a);
                for (String f : featureNames) h.append(',').append(f);
                w.write(h.append('\n').toString());
                int na = attributeNames.size(), nf = featureNames.size();
                StringBuilder r = new StringBuilder();
                for (int i = 0; i < y.length; i++) {
                    r.setLength(0);
                    r.append(split[i].csvName()).append(',').append(y[i]);
                    for (int k = 0; k < na; k++) r.append(',').append(attributes[i * na + k]);
                    for (int k = 0; k < nf; k++) r.append(',').append(features[i * nf + k]);
                    w.write(r.append('\n').toString());
                }
            }
        });
    }

    public String source() { return source; }
    public int rows() { return y.length; }
    public int classes() { return classes; }
    public int dim() { return featureNames.size(); }
    public List<String> featureNames() { return featureNames; }
    public List<String> attributeNames() { return attributeNames; }
    public Split split(int row) { return split[row]; }
    public int y(int row) { return y[row]; }
    public int attribute(int row, int k) { return attributes[row * attributeNames.size() + k]; }

    /** The attribute values of a row (empty without attribute columns). */
    public int[] attributes(int row) {
        int na = attributeNames.size();
        int[] a = new int[na];
        System.arraycopy(attributes, row * na, a, 0, na);
        return a;
    }

    public float feature(int row, int k) { return features[row * featureNames.size() + k]; }

    /** The features of the given rows, row after row. */
    public float[] features(int[] rows) {
        int d = dim();
        float[] out = new float[rows.length * d];
        for (int i = 0; i < rows.length; i++) System.arraycopy(features, rows[i] * d, out, i * d, d);
        return out;
    }

    public int count(Split s) {
        int n = 0;
        for (Split v : split) if (v == s) n++;
        return n;
    }

    /**
     * This table without the train and val rows of one group (y and attribute values): a
     * compositional scenario, where the group appears at test only (CRM's launcher.py drop_group).
     */
    public GroupTable withoutGroup(int groupY, int[] groupAttributes) {
        return withoutGroups(java.util.Set.of(new Groups.Key(groupY, groupAttributes)),
                source + " without y=" + groupY + " a=" + Arrays.toString(groupAttributes) + " in train and val");
    }

    /** This table without the train and val rows of several groups; name: the new table's source. */
    public GroupTable withoutGroups(java.util.Set<Groups.Key> groups, String name) {
        int na = attributeNames.size();
        IntList keep = new IntList();
        for (int r = 0; r < y.length; r++) {
            if (split[r] == Split.TEST || !groups.contains(new Groups.Key(y[r], attributes(r)))) keep.add(r);
        }
        int[] rows = keep.toArray();
        Split[] s = new Split[rows.length];
        int[] ys = new int[rows.length], as = new int[rows.length * na];
        for (int i = 0; i < rows.length; i++) {
            s[i] = split[rows[i]];
            ys[i] = y[rows[i]];
            System.arraycopy(attributes, rows[i] * na, as, i * na, na);
        }
        return new GroupTable(name, featureNames, attributeNames, s, ys, as, features(rows));
    }

    /** The rows of a split, in file order. */
    public int[] rowsOf(Split s) {
        int[] out = new int[count(s)];
        int k = 0;
        for (int i = 0; i < split.length; i++) if (split[i] == s) out[k++] = i;
        return out;
    }

    private static final class IntList {
        int[] a = new int[1024];
        int n;

        void add(int v) {
            if (n == a.length) a = Arrays.copyOf(a, 2 * n);
            a[n++] = v;
        }

        int[] toArray() {
            return Arrays.copyOf(a, n);
        }
    }

    private static final class FloatList {
        float[] a = new float[4096];
        int n;

        void add(float v) {
            if (n == a.length) a = Arrays.copyOf(a, 2 * n);
            a[n++] = v;
        }

        float[] toArray() {
            return Arrays.copyOf(a, n);
        }
    }
}
