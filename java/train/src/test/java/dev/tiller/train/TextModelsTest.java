package dev.tiller.train;

import static org.junit.jupiter.api.Assertions.*;

import dev.tiller.train.sae.SaeTrainer;
import dev.tiller.train.text.GenreClassifier;
import dev.tiller.train.text.KneserNeyTrigram;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class TextModelsTest {
    @Test
    void kneserNeyGivesADistributionAndPrefersSeenContinuations() {
        int v = 50;
        SplittableRandom r = new SplittableRandom(1);
        int[] stream = new int[5000];
        for (int i = 0; i < stream.length; i++) stream[i] = i % 7 == 0 ? 3 : 4 + r.nextInt(v - 4);
        for (int i = 0; i + 2 < stream.length; i += 50) {  // a frequent trigram 10 11 12
            stream[i] = 10;
            stream[i + 1] = 11;
            stream[i + 2] = 12;
        }
        KneserNeyTrigram kn = new KneserNeyTrigram(stream, 2, v);
        for (int[] ctx : new int[][] {{10, 11}, {3, 5}, {49, 48}, {2, 2}}) {
            double sum = 0;
            for (int w = 0; w < v; w++) sum += kn.probability(ctx[0], ctx[1], w);
            assertEquals(1.0, sum, 1e-9, "context " + ctx[0] + " " + ctx[1]);
        }
        assertTrue(kn.probability(10, 11, 12) > 0.5);
    }

    @Test
    void genreClassifierSeparatesItsGenres() {
        GenreClassifier c = GenreClassifier.train("news", List.of("the senate voted on the bill today", "the mayor said the city budget"),
                "romance", List.of("she loved him and her heart", "his kiss and her tears of love"), 1);
        assertTrue(c.probabilityA("the senate and the mayor") > 0.9);
        assertTrue(c.probabilityA("her love and his kiss") < 0.1);
    }

    @Test
    void saeRecoversASparseDictionary() {
        int d = 16, m = 32, n = 4000;
        SplittableRandom r = new SplittableRandom(2);
        float[][] dict = new float[m][d];
        for (float[] row : dict) {
            double s = 0;
            for (int j = 0; j < d; j++) s += (row[j] = (float) r.nextGaussian()) * row[j];
            for (int j = 0; j < d; j++) row[j] /= (float) Math.sqrt(s);
        }
        float[] x = new float[n * d];
        for (int i = 0; i < n; i++)
            for (int k = 0; k < 2; k++) {
                int c = r.nextInt(m);
                float a = 1 + (float) r.nextDouble();
                for (int j = 0; j < d; j++) x[i * d + j] += a * dict[c][j];
            }
        SaeTrainer.Weights w = SaeTrainer.train(x, d, new SaeTrainer.Options(64, 0.5, 1500, 256, 3e-3, 200, 3, 1), null);
        double err = 0, var = 0;
        double[] mean = new double[d];
        for (int i = 0; i < n; i++) for (int j = 0; j < d; j++) mean[j] += x[i * d + j] / n;
        long active = 0;
        for (int i = 0; i < n; i++) {
            float[] f = new float[w.m()];
            for (int c = 0; c < w.m(); c++) {
                double pre = w.bEnc()[c];
                for (int j = 0; j < d; j++) pre += x[i * d + j] * w.wEnc()[j * w.m() + c];
                f[c] = (float) Math.max(0, pre);
                if (f[c] > 0) active++;
            }
            for (int j = 0; j < d; j++) {
                double y = w.bDec()[j];
                for (int c = 0; c < w.m(); c++) y += f[c] * w.wDec()[c * d + j];
                err += Math.pow(y - x[i * d + j], 2);
                var += Math.pow(x[i * d + j] - mean[j], 2);
            }
        }
        assertTrue(err / var < 0.1, "fraction of variance unexplained " + err / var);
        assertTrue((double) active / n < 12, "L0 " + (double) active / n);
    }
}
