package dev.tiller.train.robust;

import dev.tiller.io.AtomicFiles;
import dev.tiller.train.Graph;
import dev.tiller.train.Logits;
import dev.tiller.train.Tensor;
import dev.tiller.train.Trainer;
import dev.tiller.train.algo.Algorithm;
import dev.tiller.train.data.Batch;
import dev.tiller.train.data.Dataset;
import dev.tiller.train.data.EpochBatches;
import dev.tiller.train.data.Loader;
import dev.tiller.train.data.Sampler;
import dev.tiller.train.nn.Init;
import dev.tiller.train.nn.Linear;
import dev.tiller.train.nn.Mlp;
import dev.tiller.train.nn.Module;
import dev.tiller.train.optim.Adam;
import dev.tiller.train.optim.LrSchedule;
import dev.tiller.train.optim.Optimizer;
import dev.tiller.train.optim.ParamGroup;
import dev.tiller.train.optim.Sgd;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.UnaryOperator;

/**
 * XRM, cross-risk minimisation ("Discovering environments with XRM"; facebookresearch/XRM
 * algorithms.py XRM, spec train-xrm.md): two networks each trained on a random half of the training
 * rows with class-balanced cross-entropy (sum over the batch's classes of their mean loss) against
 * dynamic labels; after each step a row's label becomes the held-out twin's prediction with
 * probability (p_max - 1/K) K / (K - 1). After the fixed number of steps, a train or val row's
 * environment is 1 when either twin misclassifies it under its original label (cross-mistakes).
 * Runs whose classes are not all split into two environments are degenerate (flip rate 0).
 */
public final class Xrm {
    private Xrm() {}

    /**
     * model: "mlp", Xavier-uniform weights and zero biases (XRM's networks.py; hidden: its widths,
     * XRM's 390, 390; none: a linear layer), or "torch-linear", a bias-free linear layer with
     * PyTorch's default initialisation (the MAT toy's twins); optimizer "adam" (XRM's ColorMNIST)
     * or "sgd" (plain, no momentum: the MAT toy's), both with L2 weight decay; balanced:
     * class-balanced cross-entropy (XRM's) or plain (the MAT toy's).
     */
    public record Options(int steps, double lr, int batch, double weightDecay, String model, int[] hidden, long seed, int threads, String optimizer,
            boolean balanced) {
        /** XRM's ColorMNIST twins: MLPs, Adam, class-balanced loss. */
        public Options(int steps, double lr, int batch, double weightDecay, int[] hidden, long seed, int threads) {
            this(steps, lr, batch, weightDecay, "mlp", hidden, seed, threads, "adam", true);
        }
    }

    /**
     * env per table row (-1 for test rows); heldOut [rows x K], the held-out twin's logits for train
     * rows (NaN elsewhere); envSizes[y][env] over the train rows.
     */
    public record Result(Options options, double flipRate, boolean degenerate, int[] env, float[] heldOut, int classes, int[][] envSizes, double seconds) {}

    /**
     * XRM's ColorMNIST search space (hparams_registry.py): lr 10^U(-5,-3), batch int(2^U(3,6)), wd
     * 10^U(-6,-3); a field of base that is set (lr or weight decay not NaN, batch > 0) is kept
     * instead of drawn (the three are drawn all the same, so that fixing one keeps the others' draws).
     */
    public static Options draw(SplittableRandom rnd, Options base, long seed) {
        double lr = Math.pow(10, -5 + 2 * rnd.nextDouble());
        int batch = (int) Math.pow(2, 3 + 3 * rnd.nextDouble());
        double wd = Math.pow(10, -6 + 3 * rnd.nextDouble());
        return new Options(base.steps(), Double.isNaN(base.lr()) ? lr : base.lr(), base.batch() > 0 ? base.batch() : batch,
                Double.isNaN(base.weightDecay()) ? wd : base.weightDecay(), base.model(), base.hidden(), seed, base.threads(), base.optimizer(), base.balanced());
    }

    /** XRM's ColorMNIST defaults: every hyper-parameter drawn, MLP 390-390 twins, Adam, class-balanced loss. */
    public static Options colorMnist(int steps, long seed, int threads) {
        return new Options(steps, Double.NaN, 0, Double.NaN, new int[] {390, 390}, seed, threads);
    }

    /** `trials` draws around base (seeds base.seed() + k); the run with the largest final flip rate (degenerate runs count 0). */
    public static Result search(GroupTable t, int trials, Options base, PrintStream log, List<Result> all) {
        SplittableRandom rnd = new SplittableRandom(base.seed() ^ 0x7e57L);
        Result best = null;
        for (int k = 0; k < trials; k++) {
            Result r = run(t, draw(rnd, base, base.seed() + k), null);
            if (all != null) all.add(r);
            if (log != null) {
                log.printf(Locale.ROOT, "xrm trial %d/%d (lr %.2e, batch %d, wd %.2e): flip rate %.4f%s (%.1f s)%n", k + 1, trials, r.options().lr(), r.options().batch(),
                        r.options().weightDecay(), r.flipRate(), r.degenerate() ? ", degenerate" : "", r.seconds());
            }
            if (best == null || r.flipRate() > best.flipRate()) best = r;
        }
        return best;
    }

    public static Result run(GroupTable t, Options o, PrintStream log) {
        long t0 = System.nanoTime();
        int[] trainRows = t.rowsOf(GroupTable.Split.TRAIN);
        int k = t.classes(), n = trainRows.length;
        if (k < 2) throw new IllegalArgumentException(t.source() + ": XRM needs at least two classes");
        int[] y = new int[n];
        for (int i = 0; i < n; i++) y[i] = t.y(trainRows[i]);
        Dataset train = new Dataset(t.features(trainRows), t.dim(), y, null, k);
        SplittableRandom rnd = new SplittableRandom(o.seed());
        float[] assign = new float[n];  // 1: held in for twin a, out for twin b
        for (int i = 0; i < n; i++) assign[i] = rnd.nextDouble() < 0.5 ? 1f : 0f;
        try (Graph g = new Graph(o.threads())) {
            Module ma = twin(g, o, t.dim(), k, rnd), mb = twin(g, o, t.dim(), k, rnd);
            UnaryOperator<Tensor> a = forward(ma), b = forward(mb);
            List<Tensor> params = new ArrayList<>(ma.parameters());
            params.addAll(mb.parameters());
            List<ParamGroup> groups = List.of(ParamGroup.of(params));
            Optimizer opt = switch (o.optimizer()) {
                case "adam" -> new Adam(groups, LrSchedule.constant(o.lr()), 0.9, 0.999, 1e-8, o.weightDecay(), false);
                case "sgd" -> new Sgd(groups, LrSchedule.constant(o.lr()), 0, o.weightDecay(), false);
                default -> throw new IllegalArgumentException("xrm: unknown optimizer '" + o.optimizer() + "' (known: adam, sgd)");
            };
            SplittableRandom flips = new SplittableRandom(o.seed() ^ 0xf11bL);
            Algorithm<Batch> twins = new XrmTwins(g, a, b, assign, k, train, flips, o.balanced());
            Loader loader = new Loader(train, Sampler.shuffled(n, o.seed() + 1), o.batch(), false);
            new Trainer<Batch>(opt, o.steps()).progress("xrm step", log, 10, s -> String.format(Locale.ROOT, "loss %.4f", s.loss()))
                    .run(twins, new EpochBatches(loader));
            int flipped = 0;
            for (int i = 0; i < n; i++) if (train.label(i) != train.originalLabel(i)) flipped++;
            // Cross-mistakes with the original labels, for train and val rows.
            int[] env = new int[t.rows()];
            Arrays.fill(env, -1);
            float[] heldOut = new float[t.rows() * k];
            Arrays.fill(heldOut, Float.NaN);
            int[] trainIndex = new int[t.rows()];
            Arrays.fill(trainIndex, -1);
            for (int i = 0; i < n; i++) trainIndex[trainRows[i]] = i;
            int[] rows = concat(trainRows, t.rowsOf(GroupTable.Split.VAL));
            g.noGrad(() -> {
                for (int at = 0; at < rows.length; at += 1024) {
                    int m = Math.min(1024, rows.length - at);
                    int[] chunk = Arrays.copyOfRange(rows, at, at + m);
                    Tensor x = g.constant(t.features(chunk), m, t.dim());
                    float[] za = a.apply(x).toArray(), zb = b.apply(x).toArray();
                    for (int i = 0; i < m; i++) {
                        int r = chunk[i];
                        env[r] = Logits.argmax(za, i, k) != t.y(r) || Logits.argmax(zb, i, k) != t.y(r) ? 1 : 0;
                        int ti = trainIndex[r];
                        if (ti >= 0) for (int c = 0; c < k; c++) heldOut[r * k + c] = assign[ti] == 1f ? zb[i * k + c] : za[i * k + c];
                    }
                    g.clear();
                }
                return null;
            });
            int[][] sizesTrain = new int[k][2], sizesVal = new int[k][2];
            for (int r = 0; r < t.rows(); r++) {
                if (env[r] < 0) continue;
                (t.split(r) == GroupTable.Split.TRAIN ? sizesTrain : sizesVal)[t.y(r)][env[r]]++;
            }
            boolean degenerate = false;
            for (int c = 0; c < k; c++) degenerate |= sizesTrain[c][0] == 0 || sizesTrain[c][1] == 0 || sizesVal[c][0] == 0 || sizesVal[c][1] == 0;
            double rate = degenerate ? 0 : (double) flipped / n;
            return new Result(o, rate, degenerate, env, heldOut, k, sizesTrain, (System.nanoTime() - t0) / 1e9);
        }
    }

    private static Module twin(Graph g, Options o, int dim, int k, SplittableRandom rnd) {
        switch (o.model()) {
            case "mlp": {
                int[] sizes = new int[o.hidden().length + 2];
                sizes[0] = dim;
                System.arraycopy(o.hidden(), 0, sizes, 1, o.hidden().length);
                sizes[sizes.length - 1] = k;
                return new Mlp(g, sizes, rnd, true);
            }
            case "torch-linear":
                return new Linear(g, dim, k, false, Init.torchLinear(rnd, dim, k));
            default:
                throw new IllegalArgumentException("xrm: unknown twin model '" + o.model() + "' (known: mlp, torch-linear)");
        }
    }

    private static UnaryOperator<Tensor> forward(Module m) {
        return m instanceof Mlp mlp ? mlp::forward : ((Linear) m)::forward;
    }

    /** ENVS.csv: row,split,env for every train and val row, and the held-out logits ho_0..ho_{K-1} (empty for val rows). */
    public static void writeEnvs(Path path, GroupTable t, Result r) {
        StringBuilder s = new StringBuilder("row,split,env");
        for (int c = 0; c < r.classes(); c++) s.append(",ho_").append(c);
        s.append('\n');
        for (int row = 0; row < t.rows(); row++) {
            if (r.env()[row] < 0) continue;
            s.append(row).append(',').append(t.split(row).csvName()).append(',').append(r.env()[row]);
            for (int c = 0; c < r.classes(); c++) {
                float v = r.heldOut()[row * r.classes() + c];
                s.append(',').append(Float.isNaN(v) ? "" : Float.toString(v));
            }
            s.append('\n');
        }
        AtomicFiles.writeString(path, s);
    }

    /** The hyper-parameters of a run, for reports. */
    public static Map<String, Object> hparams(Options o) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("lr", o.lr());
        m.put("batch", o.batch());
        m.put("weight_decay", o.weightDecay());
        m.put("optimizer", o.optimizer());
        m.put("balanced_loss", o.balanced());
        m.put("steps", o.steps());
        m.put("model", o.model());
        m.put("hidden", o.hidden());
        m.put("seed", o.seed());
        return m;
    }

    private static int[] concat(int[] a, int[] b) {
        int[] c = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, c, a.length, b.length);
        return c;
    }
}
