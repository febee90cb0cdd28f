package dev.tiller.train.robust;

import dev.tiller.train.data.Csv;
import dev.tiller.train.data.DataFormatException;
import dev.tiller.train.data.Sampler;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * UCI Adult as a group table: y = income > 50K, attribute a = sex (0 female, 1 male), so groups
 * are sex x income. Features: the six numeric columns standardised by the training rows' mean and
 * deviation, and the seven other categorical columns one-hot (categories as they appear in
 * adult.data, "?" included); sex is left out of the features, as an attribute the model is not
 * shown. adult.data is split 80 / 20 into train and val by a seeded shuffle; adult.test is test.
 */
public final class AdultData {
    static final String[] COLUMNS = {"age", "workclass", "fnlwgt", "education", "education-num", "marital-status", "occupation", "relationship",
        "race", "sex", "capital-gain", "capital-loss", "hours-per-week", "native-country", "income"};
    static final int SEX = 9, INCOME = 14;
    static final boolean[] NUMERIC = {true, false, true, false, true, false, false, false, false, false, true, true, true, false, false};

    private AdultData() {}

    public static GroupTable make(Path dir, long seed) {
        Path train = dir.resolve("adult.data.gz"), test = dir.resolve("adult.test.gz");
        if (!Files.isRegularFile(train) || !Files.isRegularFile(test)) {
            throw new IllegalArgumentException(dir + " does not hold adult.data.gz and adult.test.gz (../shared/data/adult, or --data-dir)");
        }
        List<String[]> rows = new ArrayList<>(), tr = read(train), te = read(test);
        rows.addAll(tr);
        rows.addAll(te);
        int nTrain = tr.size();
        // Categories from the training file, in sorted order; a test value not seen there is all zeros.
        List<TreeMap<String, Integer>> cats = new ArrayList<>();
        List<String> names = new ArrayList<>();
        for (int c = 0; c < COLUMNS.length; c++) {
            TreeMap<String, Integer> m = new TreeMap<>();
            if (c != SEX && c != INCOME) {
                if (NUMERIC[c]) {
                    names.add(COLUMNS[c]);
                } else {
                    TreeSet<String> values = new TreeSet<>();
                    for (String[] r : tr) values.add(r[c]);
                    for (String v : values) {
                        m.put(v, m.size());
                        names.add(COLUMNS[c] + "=" + v);
                    }
                }
            }
            cats.add(m);
        }
        int d = names.size(), n = rows.size();
        double[] mean = new double[COLUMNS.length], sd = new double[COLUMNS.length];
        for (int c = 0; c < COLUMNS.length; c++) {
            if (!NUMERIC[c]) continue;
            for (int i = 0; i < nTrain; i++) mean[c] += Double.parseDouble(tr.get(i)[c]) / nTrain;
            for (int i = 0; i < nTrain; i++) sd[c] += Math.pow(Double.parseDouble(tr.get(i)[c]) - mean[c], 2) / nTrain;
            sd[c] = Math.sqrt(sd[c]);
        }
        float[] x = new float[n * d];
        int[] y = new int[n], a = new int[n];
        GroupTable.Split[] split = new GroupTable.Split[n];
        boolean[] isVal = valRows(nTrain, seed);
        for (int i = 0; i < n; i++) {
            String[] r = rows.get(i);
            int at = i * d;
            for (int c = 0; c < COLUMNS.length; c++) {
                if (c == SEX || c == INCOME) continue;
                if (NUMERIC[c]) {
                    x[at++] = (float) ((Double.parseDouble(r[c]) - mean[c]) / sd[c]);
                } else {
                    Integer k = cats.get(c).get(r[c]);
                    if (k != null) x[at + k] = 1f;
                    at += cats.get(c).size();
                }
            }
            y[i] = r[INCOME].startsWith(">50K") ? 1 : 0;
            a[i] = r[SEX].equals("Male") ? 1 : 0;
            split[i] = i >= nTrain ? GroupTable.Split.TEST : isVal[i] ? GroupTable.Split.VAL : GroupTable.Split.TRAIN;
        }
        return new GroupTable("adult", names, List.of("a"), split, y, a, x);
    }

    private static List<String[]> read(Path file) {
        List<String[]> rows = Csv.read(file, ',');
        for (int i = 0; i < rows.size(); i++) {
            if (rows.get(i).length != COLUMNS.length) {
                throw new DataFormatException(file + ": row " + i + " has " + rows.get(i).length + " fields, Adult has " + COLUMNS.length);
            }
        }
        return rows;
    }

    /** 20% of adult.data's rows, by a seeded shuffle. */
    private static boolean[] valRows(int n, long seed) {
        int[] p = Sampler.shuffle(Sampler.sequential(n).epoch(0), new SplittableRandom(seed ^ 0xad017L));
        boolean[] val = new boolean[n];
        for (int i = 0; i < n / 5; i++) val[p[i]] = true;
        return val;
    }
}
