package dev.tiller.train.synth;

import dev.tiller.train.Graph;
import dev.tiller.train.Tensor;

import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.CholeskyDecomposition;
import org.apache.commons.math3.linear.RealMatrix;

/**
 * The hardness score of Sehwag et al. (2022), as feedback-guided synthesis uses it: how unlikely
 * an image's embedding is under the Gaussian of its class, here the squared Mahalanobis distance
 * (h - mu_c)' P (h - mu_c) of the classifier's penultimate activations to the class mean, P the
 * inverse of the pooled within-class covariance fitted on real data. Pooled (as in Lee et al.
 * 2018's Mahalanobis detector) because the rarest classes hold 50 images for a 256-wide embedding,
 * where a per-class covariance is singular; a ridge of 1e-3 of the mean variance keeps P finite.
 */
public final class HardnessScore {
    private final float[] means, precision;
    private final int width, classes;

    private HardnessScore(float[] means, float[] precision, int width, int classes) {
        this.means = means;
        this.precision = precision;
        this.width = width;
        this.classes = classes;
    }

    /** Fits the class means and pooled precision on real images with their labels. */
    public static HardnessScore fit(ImageMlp model, float[] images, int[] labels) {
        int n = labels.length, k = model.classes();
        float[] h = model.embed(images, n);
        int w = h.length / Math.max(1, n);
        double[] mu = new double[k * w];
        int[] count = new int[k];
        for (int i = 0; i < n; i++) {
            count[labels[i]]++;
            for (int j = 0; j < w; j++) mu[labels[i] * w + j] += h[i * w + j];
        }
        for (int c = 0; c < k; c++) {
            if (count[c] == 0) throw new IllegalArgumentException("class " + c + " has no real images to fit its hardness Gaussian");
            for (int j = 0; j < w; j++) mu[c * w + j] /= count[c];
        }
        double[][] cov = new double[w][w];
        double[] d = new double[w];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < w; j++) d[j] = h[i * w + j] - mu[labels[i] * w + j];
            for (int a = 0; a < w; a++) {
                if (d[a] == 0) continue;
                for (int b = 0; b <= a; b++) cov[a][b] += d[a] * d[b] / n;
            }
        }
        double trace = 0;
        for (int a = 0; a < w; a++) trace += cov[a][a];
        double ridge = 1e-3 * Math.max(trace / w, 1e-12);
        for (int a = 0; a < w; a++) {
            cov[a][a] += ridge;
            for (int b = 0; b < a; b++) cov[b][a] = cov[a][b];
        }
        RealMatrix p = new CholeskyDecomposition(new Array2DRowRealMatrix(cov, false), 1e-12, 1e-14).getSolver().getInverse();
        float[] pf = new float[w * w], mf = new float[k * w];
        for (int a = 0; a < w; a++) for (int b = 0; b < w; b++) pf[a * w + b] = (float) p.getEntry(a, b);
        for (int i = 0; i < mf.length; i++) mf[i] = (float) mu[i];
        return new HardnessScore(mf, pf, w, k);
    }

    /** The score of each row of embeddings [n, width] for its intended class, [n]. */
    public Tensor score(Tensor embeddings, int[] labels) {
        Graph g = embeddings.graph();
        float[] m = new float[labels.length * width];
        for (int i = 0; i < labels.length; i++) {
            if (labels[i] < 0 || labels[i] >= classes) throw new IllegalArgumentException("class " + labels[i] + " is outside [0, " + classes + ")");
            System.arraycopy(means, labels[i] * width, m, i * width, width);
        }
        Tensor diff = embeddings.sub(g.constant(m, labels.length, width));
        return diff.matmul(g.constant(precision, width, width)).mul(diff).sum(1, false);
    }
}
