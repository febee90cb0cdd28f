package dev.tiller.train.robust;

import dev.tiller.train.data.DataFormatException;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;

/**
 * The groups of a table's rows under one grouping: (y, attributes) with the given attribute
 * columns, y alone (classes), or (y, env) from an environments file. Group ids are dense, in order
 * of (y, attributes...), over the rows of all splits.
 */
public final class Groups {
    /** One group: its class and attribute values. */
    public record Key(int y, int[] attributes) {
        @Override
        public boolean equals(Object o) {
            return o instanceof Key k && k.y == y && Arrays.equals(k.attributes, attributes);
        }

        @Override
        public int hashCode() {
            return 31 * y + Arrays.hashCode(attributes);
        }

        @Override
        public String toString() {
            return "y=" + y + (attributes.length == 0 ? "" : " a=" + Arrays.toString(attributes));
        }
    }

    private final String description;
    private final int[] groupOfRow;
    private final List<Key> keys;

    private Groups(String description, int[] groupOfRow, List<Key> keys) {
        this.description = description;
        this.groupOfRow = groupOfRow;
        this.keys = List.copyOf(keys);
    }

    /** (y, attributes) of the table's attribute columns. */
    public static Groups attributes(GroupTable t) {
        Key[] k = new Key[t.rows()];
        for (int i = 0; i < k.length; i++) k[i] = new Key(t.y(i), t.attributes(i));
        return of("(y, " + String.join(", ", t.attributeNames()) + ")", k);
    }

    /** Classes only. */
    public static Groups classes(GroupTable t) {
        Key[] k = new Key[t.rows()];
        for (int i = 0; i < k.length; i++) k[i] = new Key(t.y(i), new int[0]);
        return of("classes", k);
    }

    /** (y, env) with env per row (-1: the row has no environment; only test rows may lack one). */
    public static Groups environments(GroupTable t, int[] envOfRow, String source) {
        Key[] k = new Key[t.rows()];
        for (int i = 0; i < k.length; i++) k[i] = new Key(t.y(i), envOfRow[i] < 0 ? new int[0] : new int[] {envOfRow[i]});
        return of("(y, env) from " + source, k);
    }

    private static Groups of(String description, Key[] rows) {
        List<Key> distinct = new ArrayList<>(new HashSet<>(Arrays.asList(rows)));
        distinct.sort((a, b) -> a.y != b.y ? Integer.compare(a.y, b.y) : Arrays.compare(a.attributes, b.attributes));
        Map<Key, Integer> id = new HashMap<>();
        for (int i = 0; i < distinct.size(); i++) id.put(distinct.get(i), i);
        int[] g = new int[rows.length];
        for (int i = 0; i < rows.length; i++) g[i] = id.get(rows[i]);
        return new Groups(description, g, distinct);
    }

    public String description() { return description; }
    public int count() { return keys.size(); }
    public int of(int row) { return groupOfRow[row]; }
    public Key key(int group) { return keys.get(group); }

    /** Refuses a split in which a group that training uses has no row (its accuracy, and so selection, would be undefined). */
    public void checkCovers(GroupTable t, GroupTable.Split train, GroupTable.Split other) {
        boolean[] inTrain = new boolean[count()], inOther = new boolean[count()];
        for (int i = 0; i < t.rows(); i++) {
            if (t.split(i) == train) inTrain[groupOfRow[i]] = true;
            if (t.split(i) == other) inOther[groupOfRow[i]] = true;
        }
        for (int g = 0; g < count(); g++) {
            if (inTrain[g] && !inOther[g]) {
                throw new DataFormatException(t.source() + ": the " + other.csvName() + " split has no row of group " + key(g) + " (" + description
                        + "), which the train split has");
            }
        }
    }
}
