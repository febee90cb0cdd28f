package dev.tiller.train.robust;

import dev.tiller.train.Graph;
import dev.tiller.train.Logits;
import dev.tiller.train.MetricsTable;
import dev.tiller.train.Tensor;
import dev.tiller.train.Trainer;
import dev.tiller.train.algo.Algorithm;
import dev.tiller.train.algo.Algorithms;
import dev.tiller.train.algo.Mat;
import dev.tiller.train.data.Batch;
import dev.tiller.train.data.Dataset;
import dev.tiller.train.data.EpochBatches;
import dev.tiller.train.data.Loader;
import dev.tiller.train.data.Sampler;
import dev.tiller.train.optim.Adam;
import dev.tiller.train.optim.LrSchedule;
import dev.tiller.train.optim.Optimizer;
import dev.tiller.train.optim.ParamGroup;
import dev.tiller.train.optim.Sgd;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * One robustness run on a group table: a method (sampling and loss) on the shared Trainer,
 * evaluation every N steps on val and test, and model selection as the papers do it: the
 * evaluated step with the best validation worst-group accuracy under the groups in use (ties: the
 * better validation average accuracy, then the later step). Test metrics are those of the
 * selected parameters under the reported groups (the table's attributes, or classes).
 */
public final class RobustTraining {
    private RobustTraining() {}

    /**
     * steps = 0 means epochs (of the method's sampler) instead; evalEvery = 0 means once an epoch.
     * optimizer: "sgd" (momentum from extras, 0.9 by default as BalancingGroups; L2 weight decay) or "adam" (L2 weight decay).
     * jttEpochs and jttUp are JTT's T and up; toyGammas the ToyNet's (spurious, core, noise);
     * sampling, when not null, replaces the method's own (XRM's GroupDRO samples uniformly);
     * extras the settings few runs change.
     */
    public record Options(Method method, String model, int[] hidden, long steps, int epochs, double lr, double weightDecay, int batch,
            String optimizer, double eta, int jttEpochs, int jttUp, long seed, int evalEvery, int threads, float[] toyGammas, Method.Sampling sampling,
            Extras extras) {
        public Options(Method method, String model, int[] hidden, long steps, int epochs, double lr, double weightDecay, int batch, String optimizer, double eta,
                int jttEpochs, int jttUp, long seed, int evalEvery, int threads, float[] toyGammas, Method.Sampling sampling) {
            this(method, model, hidden, steps, epochs, lr, weightDecay, batch, optimizer, eta, jttEpochs, jttUp, seed, evalEvery, threads, toyGammas, sampling,
                    Extras.DEFAULT);
        }

        /**
         * The defaults of {@code tiller robust train} for a method: a linear model, 10 epochs of
         * SGD (momentum 0.9) at lr 1e-3, weight decay 1e-4, batch 64, GroupDRO's eta 0.1, JTT's
         * T 1 and up 20, seed 0, an evaluation once an epoch, one thread per core.
         */
        public static Options defaults(Method method) {
            return new Options(method, "linear", new int[] {390, 390}, 0, 10, 1e-3, 1e-4, 64, "sgd", 0.1, 1, 20, 0, 0, 0, new float[] {4f, 1f, 2f}, null);
        }

        public Options withSeed(long s) {
            return new Options(method, model, hidden, steps, epochs, lr, weightDecay, batch, optimizer, eta, jttEpochs, jttUp, s, evalEvery, threads, toyGammas,
                    sampling, extras);
        }

        public Options withEpochs(int e) {
            return new Options(method, model, hidden, 0, e, lr, weightDecay, batch, optimizer, eta, jttEpochs, jttUp, seed, evalEvery, threads, toyGammas,
                    sampling, extras);
        }

        /** "linear", "mlp" (hidden: its widths), or the model names of {@code tiller robust train --model}. */
        public Options withModel(String m, int... widths) {
            return new Options(method, m, widths, steps, epochs, lr, weightDecay, batch, optimizer, eta, jttEpochs, jttUp, seed, evalEvery, threads, toyGammas,
                    sampling, extras);
        }

        /** "sgd" or "adam", with its learning rate and L2 weight decay. */
        public Options withOptimizer(String name, double learningRate, double wd) {
            return new Options(method, model, hidden, steps, epochs, learningRate, wd, batch, name, eta, jttEpochs, jttUp, seed, evalEvery, threads, toyGammas,
                    sampling, extras);
        }

        public Options withBatch(int b) {
            return new Options(method, model, hidden, steps, epochs, lr, weightDecay, b, optimizer, eta, jttEpochs, jttUp, seed, evalEvery, threads, toyGammas,
                    sampling, extras);
        }

        /** A budget in steps instead of epochs, evaluated every evalEvery steps. */
        public Options withSteps(long s, int every) {
            return new Options(method, model, hidden, s, epochs, lr, weightDecay, batch, optimizer, eta, jttEpochs, jttUp, seed, every, threads, toyGammas,
                    sampling, extras);
        }

        /** GroupDRO's step size on the group weights. */
        public Options withEta(double e) {
            return new Options(method, model, hidden, steps, epochs, lr, weightDecay, batch, optimizer, e, jttEpochs, jttUp, seed, evalEvery, threads, toyGammas,
                    sampling, extras);
        }

        /** Replaces the method's own sampling (null: the method's). */
        public Options withSampling(Method.Sampling s) {
            return new Options(method, model, hidden, steps, epochs, lr, weightDecay, batch, optimizer, eta, jttEpochs, jttUp, seed, evalEvery, threads, toyGammas,
                    s, extras);
        }

        public Method.Sampling samplingInUse() {
            return sampling != null ? sampling : method.sampling();
        }

        public Options with(Extras e) {
            return new Options(method, model, hidden, steps, epochs, lr, weightDecay, batch, optimizer, eta, jttEpochs, jttUp, seed, evalEvery, threads, toyGammas,
                    sampling, e);
        }
    }

    /**
     * momentum: SGD's (BalancingGroups: 0.9; the MAT toy: 0); selectLast: keep the last evaluated
     * step instead of the best by validation worst-group accuracy (the MAT toy reports its last
     * epoch); mat: MAT's inputs, null for the other methods; crmBias ("star": the post-hoc B*, or
     * "hat": the learned B-hat) and crmPrior ("uniform" or "train") choose CRM's prediction.
     */
    public record Extras(double momentum, boolean selectLast, MatInputs mat, String crmBias, String crmPrior) {
        public static final Extras DEFAULT = new Extras(0.9, false, null, "star", "uniform");

        public Extras(double momentum, boolean selectLast, MatInputs mat) {
            this(momentum, selectLast, mat, "star", "uniform");
        }

        public Extras withMat(MatInputs m) {
            return new Extras(momentum, selectLast, m, crmBias, crmPrior);
        }
    }

    /**
     * MAT's inputs: held-out logits [table rows x K] (those of the train rows are read; XRM's, from
     * ENVS.csv or a run of its own), the temperature tau, and where p(y | y-hat) is estimated
     * ("full": the training set, "batch": each mini-batch).
     */
    public record MatInputs(float[] heldOut, double tau, String estimate) {}

    public record GroupResult(Groups.Key key, int n, double accuracy) {}

    /** Predictions of the selected parameters for every val and test row (rows in file order). */
    public record Result(Method method, double valWga, double valAvg, double testWga, double testAvg, List<GroupResult> testGroups,
            long selectedStep, double seconds, MetricsTable curves, int[] predictedRows, int[] predictions, double trainAvg, List<GroupResult> trainGroups,
            double testUnseenAcc, List<Groups.Key> unseenGroups) {}

    public static Result run(GroupTable t, Groups inUse, Groups reported, Options o, PrintStream log) {
        long t0 = System.nanoTime();
        inUse.checkCovers(t, GroupTable.Split.TRAIN, GroupTable.Split.VAL);
        int[] trainRows = t.rowsOf(GroupTable.Split.TRAIN), valRows = t.rowsOf(GroupTable.Split.VAL), testRows = t.rowsOf(GroupTable.Split.TEST);
        if (valRows.length == 0) throw new IllegalArgumentException(t.source() + ": the val split is empty (model selection needs it)");
        Dataset train = dataset(t, trainRows, inUse);
        if (o.method() == Method.MAT) {
            if (o.extras().mat() == null) throw new IllegalArgumentException("mat needs held-out logits: --groups ENVS.csv from tiller robust xrm, or an XRM run of its own");
            float[] store = train.store(Mat.HELD_OUT, t.classes());
            for (int i = 0; i < trainRows.length; i++) System.arraycopy(o.extras().mat().heldOut(), trainRows[i] * t.classes(), store, i * t.classes(), t.classes());
        }
        try (Graph g = new Graph(o.threads())) {
            Run run = new Run(g, t, train, inUse, reported, valRows, testRows, o, log);
            run.train();
            return run.result((System.nanoTime() - t0) / 1e9);
        }
    }

    static Dataset dataset(GroupTable t, int[] rows, Groups groups) {
        int[] y = new int[rows.length], gr = new int[rows.length];
        for (int i = 0; i < rows.length; i++) {
            y[i] = t.y(rows[i]);
            gr[i] = groups.of(rows[i]);
        }
        return new Dataset(t.features(rows), t.dim(), y, gr, t.classes());
    }

    /** The state of one run: the model, the best parameters so far, the curves. */
    private static final class Run {
        final Graph g;
        final GroupTable t;
        final Dataset train;
        final Groups inUse, reported;
        final int[] valRows, testRows;
        final Options o;
        final PrintStream log;
        final MetricsTable curves = new MetricsTable();
        RobustModel model;
        float[][] best;
        double bestWga = -1, bestAvg = -1;
        long bestStep = -1, stepOffset;
        double lossSum;
        int lossCount;
        Crm.Setup crm;  // CRM's groups, prior and model; null for the other methods

        Run(Graph g, GroupTable t, Dataset train, Groups inUse, Groups reported, int[] valRows, int[] testRows, Options o, PrintStream log) {
            this.g = g;
            this.t = t;
            this.train = train;
            this.inUse = inUse;
            this.reported = reported;
            this.valRows = valRows;
            this.testRows = testRows;
            this.o = o;
            this.log = log;
        }

        void train() {
            SplittableRandom init = new SplittableRandom(o.seed());
            Sampler sampler = Balancing.sampler(o.samplingInUse(), train, o.seed());
            int perEpoch = new Loader(train, sampler, o.batch(), false).epoch(0).size();
            long total = o.steps() > 0 ? o.steps() : (long) o.epochs() * perEpoch;
            if (o.method() == Method.CRM) {
                crm = new Crm.Setup(t, t.rowsOf(GroupTable.Split.TRAIN));
                CrmModel m = new CrmModel(g, t.dim(), crm.cards, o.model(), o.hidden(), init);
                crm.model = m;
                model = new RobustModel(g, m, m::classScores);
                stage(sampler, total, new Crm(m, crm.groupOfExample, crm.logPrior));
                return;
            }
            model = RobustModel.create(g, o.model(), t.dim(), t.classes(), o.hidden(), o.toyGammas(), init);
            if (o.method() != Method.JTT) {
                stage(sampler, total, Algorithms.create(o.method().algorithm(), model.classifier(), train, hparams()));
                return;
            }
            // JTT: ERM for T epochs, one epoch that only records the errors, then a fresh model on the
            // training set with its errors repeated `up` times, to the end of the budget.
            long first = (long) o.jttEpochs() * perEpoch;
            if (first + perEpoch >= total) {
                throw new IllegalArgumentException("jtt: T = " + o.jttEpochs() + " epochs plus the error-recording epoch leave no steps of the " + total
                        + " to train the second model; give more --epochs / --steps or a smaller T");
            }
            stage(sampler, first, Algorithms.create("erm", model.classifier(), train, Map.of()));
            boolean[] wrong = new boolean[train.size()];
            int errors = 0;
            int[] pred = predict(Sampler.sequential(train.size()).epoch(0), train);
            for (int i = 0; i < wrong.length; i++) if (wrong[i] = pred[i] != train.label(i)) errors++;
            if (log != null) log.printf(Locale.ROOT, "jtt: error set of %d of %d training examples, repeated %d times%n", errors, wrong.length, o.jttUp());
            stepOffset = first + perEpoch;
            model = RobustModel.create(g, o.model(), t.dim(), t.classes(), o.hidden(), o.toyGammas(), new SplittableRandom(o.seed() ^ 0x77777777L));
            stage(Sampler.subsampled(Balancing.upsampled(wrong, o.jttUp()), o.seed() + 1), total - stepOffset,
                    Algorithms.create("erm", model.classifier(), train, Map.of()));
        }

        Map<String, String> hparams() {
            Map<String, String> hp = new LinkedHashMap<>();
            if (o.method() == Method.GROUPDRO) hp.put("eta", Double.toString(o.eta()));
            if (o.method() == Method.MAT) {
                hp.put("tau", Double.toString(o.extras().mat().tau()));
                hp.put("estimate", o.extras().mat().estimate());
            }
            return hp;
        }

        void stage(Sampler sampler, long steps, Algorithm<Batch> algorithm) {
            Loader loader = new Loader(train, sampler, o.batch(), false);
            EpochBatches batches = new EpochBatches(loader);
            long every = o.evalEvery() > 0 ? o.evalEvery() : batches.stepsPerEpoch();
            Optimizer opt = optimizer(model);
            new Trainer<Batch>(opt, steps)
                    .onStep(s -> {
                        lossSum += s.loss();
                        lossCount++;
                    })
                    .progress(o.method().cliName() + " step", log, 10, s -> String.format(Locale.ROOT, "loss %.4f", s.loss()))
                    .evaluate(every, n -> evaluate(stepOffset + n))
                    .run(algorithm, batches);
        }

        Optimizer optimizer(RobustModel m) {
            List<ParamGroup> params = List.of(ParamGroup.of(m.module().parameters()));
            return switch (o.optimizer()) {
                case "sgd" -> new Sgd(params, LrSchedule.constant(o.lr()), o.extras().momentum(), o.weightDecay(), false);
                case "adam" -> new Adam(params, LrSchedule.constant(o.lr()), 0.9, 0.999, 1e-8, o.weightDecay(), false);
                default -> throw new IllegalArgumentException("unknown optimizer '" + o.optimizer() + "' (known: sgd, adam)");
            };
        }

        /** Val and test accuracy per group at a step; keeps the parameters when the step is the best so far. */
        Map<String, Double> evaluate(long step) {
            Map<String, Double> m = new LinkedHashMap<>();
            m.put("train_loss", lossCount == 0 ? Double.NaN : lossSum / lossCount);
            lossSum = 0;
            lossCount = 0;
            double[] val = accuracies(valRows, inUse), test = accuracies(testRows, reported);
            double valWga = worst(val), valAvg = val[val.length - 1];
            m.put("val_avg", valAvg);
            m.put("val_wga", valWga);
            m.put("test_avg", test[test.length - 1]);
            m.put("test_wga", worst(test));
            for (int k = 0; k < inUse.count(); k++) if (!Double.isNaN(val[k])) m.put("val_" + name(inUse.key(k)), val[k]);
            for (int k = 0; k < reported.count(); k++) if (!Double.isNaN(test[k])) m.put("test_" + name(reported.key(k)), test[k]);
            if (o.extras().selectLast() || valWga > bestWga || valWga == bestWga && valAvg >= bestAvg) {
                bestWga = valWga;
                bestAvg = valAvg;
                bestStep = step;
                List<Tensor> ps = model.module().parameters();
                best = new float[ps.size()][];
                for (int i = 0; i < best.length; i++) best[i] = ps.get(i).toArray();
            }
            curves.add(step, m);
            return m;
        }

        /** Accuracy per group (NaN where a group has no row), then the average over the rows as the last entry. */
        double[] accuracies(int[] rows, Groups groups) {
            int[] pred = predict(rows, null);
            int[] ok = new int[groups.count()], n = new int[groups.count()];
            int all = 0;
            for (int i = 0; i < rows.length; i++) {
                int gr = groups.of(rows[i]);
                n[gr]++;
                if (pred[i] == t.y(rows[i])) {
                    ok[gr]++;
                    all++;
                }
            }
            double[] acc = new double[groups.count() + 1];
            for (int k = 0; k < groups.count(); k++) acc[k] = n[k] == 0 ? Double.NaN : (double) ok[k] / n[k];
            acc[groups.count()] = rows.length == 0 ? Double.NaN : (double) all / rows.length;
            return acc;
        }

        /** argmax predictions for table rows (or, with a dataset, for its example indices). */
        int[] predict(int[] rows, Dataset fromTrain) {
            return g.noGrad(() -> {
                int[] out = new int[rows.length];
                int k = t.classes();
                for (int at = 0; at < rows.length; at += 1024) {
                    int m = Math.min(1024, rows.length - at);
                    int[] chunk = Arrays.copyOfRange(rows, at, at + m);
                    float[] x = fromTrain != null ? fromTrain.batch(chunk).features() : t.features(chunk);
                    float[] z = model.logits(x, m, t.dim()).toArray();
                    for (int i = 0; i < m; i++) out[at + i] = Logits.argmax(z, i, k);
                    g.clear();
                }
                return out;
            });
        }

        Result result(double seconds) {
            List<Tensor> ps = model.module().parameters();
            for (int i = 0; i < ps.size(); i++) ps.get(i).copyFrom(best[i]);
            if (crm != null) crm.chooseInference(o.extras(), t, g);
            int[] trainRows = t.rowsOf(GroupTable.Split.TRAIN);
            double[] val = accuracies(valRows, inUse), test = accuracies(testRows, reported), tr = accuracies(trainRows, reported);
            int[] rows = new int[valRows.length + testRows.length];
            System.arraycopy(valRows, 0, rows, 0, valRows.length);
            System.arraycopy(testRows, 0, rows, valRows.length, testRows.length);
            Arrays.sort(rows);
            // groups of the test split that training never saw (CRM's compositional shift)
            List<GroupResult> testGroups = byGroup(testRows, test), trainGroups = byGroup(trainRows, tr);
            List<Groups.Key> unseen = new ArrayList<>();
            double ok = 0;
            int n = 0;
            for (GroupResult gr : testGroups) {
                if (trainGroups.stream().anyMatch(x -> x.key().equals(gr.key()))) continue;
                unseen.add(gr.key());
                ok += gr.accuracy() * gr.n();
                n += gr.n();
            }
            return new Result(o.method(), worst(val), val[val.length - 1], worst(test), test[test.length - 1], testGroups, bestStep, seconds, curves,
                    rows, predict(rows, null), tr[tr.length - 1], trainGroups, n == 0 ? Double.NaN : ok / n, unseen);
        }

        /** The reported groups that have rows among these, with their accuracies. */
        List<GroupResult> byGroup(int[] rows, double[] acc) {
            int[] n = new int[reported.count()];
            for (int r : rows) n[reported.of(r)]++;
            List<GroupResult> groups = new ArrayList<>();
            for (int k = 0; k < reported.count(); k++) if (n[k] > 0) groups.add(new GroupResult(reported.key(k), n[k], acc[k]));
            return groups;
        }
    }

    static double worst(double[] acc) {
        double w = Double.NaN;
        for (int k = 0; k < acc.length - 1; k++) if (!Double.isNaN(acc[k]) && (Double.isNaN(w) || acc[k] < w)) w = acc[k];
        return w;
    }

    /** A metric-name-safe group name: y0_a1_2. */
    static String name(Groups.Key k) {
        StringBuilder s = new StringBuilder("y").append(k.y());
        if (k.attributes().length > 0) {
            s.append("_a");
            for (int i = 0; i < k.attributes().length; i++) s.append(i > 0 ? "_" : "").append(k.attributes()[i]);
        }
        return s.toString();
    }
}
