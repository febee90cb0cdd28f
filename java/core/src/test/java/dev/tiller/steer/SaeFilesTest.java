package dev.tiller.steer;

import dev.tiller.ModelFormatException;
import dev.tiller.ModelIOException;
import dev.tiller.UnsupportedModelException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** SAE files that are wrong in the ways real files can be, each refused with a clear message. */
class SaeFilesTest {
    @TempDir
    Path dir;

    private static byte[] safetensors(float nanAt) {
        int d = 4, m = 8;
        String[] names = {"W_enc", "W_dec", "b_enc", "b_dec", "threshold"};
        int[][] shapes = {{d, m}, {m, d}, {m}, {d}, {m}};
        StringBuilder h = new StringBuilder("{");
        int off = 0;
        for (int i = 0; i < names.length; i++) {
            int n = 1;
            for (int s : shapes[i]) n *= s;
            h.append(i > 0 ? "," : "").append('"').append(names[i]).append("\":{\"dtype\":\"F32\",\"shape\":")
                    .append(java.util.Arrays.toString(shapes[i])).append(",\"data_offsets\":[").append(off).append(',').append(off + 4 * n).append("]}");
            off += 4 * n;
        }
        h.append('}');
        byte[] header = h.toString().getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(8 + header.length + off).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(header.length).put(header);
        for (int i = 0; i < off / 4; i++) b.putFloat(i == (int) nanAt ? Float.NaN : 0.01f * i);
        return b.array();
    }

    private Path saelens(byte[] weights, String cfg) throws IOException {
        Path folder = Files.createTempDirectory(dir, "sae");
        Files.write(folder.resolve("sae_weights.safetensors"), weights);
        Files.writeString(folder.resolve("cfg.json"), cfg);
        return folder;
    }

    @Test
    void aValidFolderLoadsAndRuns() throws IOException {
        try (Sae s = Sae.load(saelens(safetensors(-1), "{\"architecture\": \"jumprelu\", \"d_in\": 4, \"d_sae\": 8}"))) {
            assertEquals(4, s.dModel());
            assertEquals(8, s.dSae());
            // The JumpReLU SAE by hand from the weights safetensors(-1) wrote (value 0.01 * i at flat
            // index i): W_enc [4][8] at 0, W_dec [8][4] at 32, b_enc at 64, b_dec at 72, threshold at 76.
            // pre - threshold = 0.01 * (3c - 11) for this x: features 4..7 fire, 0..3 do not.
            float[] x = {2.875f, 0.125f, 0, 0};
            double[] f = new double[8];
            int firing = 0;
            for (int c = 0; c < 8; c++) {
                double pre = 0.01 * (64 + c);
                for (int i = 0; i < 4; i++) pre += x[i] * 0.01 * (i * 8 + c);
                f[c] = pre > 0.01 * (76 + c) ? pre : 0;
                if (f[c] != 0) firing++;
            }
            assertEquals(4, firing);
            float[] got = s.encode(new float[][] {x})[0];
            for (int c = 0; c < 8; c++) assertEquals(f[c], got[c], 1e-5, "feature " + c);
            float[] back = s.decode(new float[][] {got})[0];
            for (int i = 0; i < 4; i++) {
                double xi = 0.01 * (72 + i);
                for (int c = 0; c < 8; c++) xi += f[c] * 0.01 * (32 + c * 4 + i);
                assertEquals(xi, back[i], 1e-5, "reconstruction " + i);
            }
        }
    }

    @Test
    void normalizedInputsMatchNormalizingByHand() throws IOException {
        byte[] w = safetensors(-1);
        float[][] x = {{1, -2, 3, 0.5f}, {10, 20, -30, 5}};
        try (Sae plain = Sae.load(saelens(w, "{\"architecture\": \"relu\"}"));
                Sae cnr = Sae.load(saelens(w, "{\"architecture\": \"relu\", \"normalize_activations\": \"constant_norm_rescale\"}"));
                Sae ln = Sae.load(saelens(w, "{\"architecture\": \"relu\", \"normalize_activations\": \"layer_norm\"}"))) {
            float[][] byHandCnr = new float[2][4], byHandLn = new float[2][4];
            for (int r = 0; r < 2; r++) {
                double ss = 0, mean = 0;
                for (float v : x[r]) {
                    ss += v * (double) v;
                    mean += v / 4.0;
                }
                double var = 0;
                for (float v : x[r]) var += (v - mean) * (v - mean);
                double sd = Math.sqrt(var / 3) + 1e-5;
                for (int j = 0; j < 4; j++) {
                    byHandCnr[r][j] = (float) (x[r][j] * Math.sqrt(4) / Math.sqrt(ss));
                    byHandLn[r][j] = (float) ((x[r][j] - mean) / sd);
                }
            }
            float[][] a = cnr.encode(x), b = plain.encode(byHandCnr), c = ln.encode(x), d = plain.encode(byHandLn);
            for (int r = 0; r < 2; r++) {
                for (int f = 0; f < 8; f++) {
                    assertEquals(b[r][f], a[r][f], 1e-5, "constant_norm_rescale");
                    assertEquals(d[r][f], c[r][f], 1e-5, "layer_norm");
                }
            }
        }
    }

    @Test
    void nanWeightsAreRefused() throws IOException {
        Path folder = saelens(safetensors(5), "{\"architecture\": \"jumprelu\"}");
        ModelFormatException e = assertThrows(ModelFormatException.class, () -> Sae.load(folder));
        assertTrue(e.getMessage().contains("W_enc") && e.getMessage().contains("NaN"), e.getMessage());
    }

    @Test
    void unsupportedOrInconsistentConfigs() throws IOException {
        UnsupportedModelException arch = assertThrows(UnsupportedModelException.class,
                () -> Sae.load(saelens(safetensors(-1), "{\"architecture\": \"gated\"}")));
        assertTrue(arch.getMessage().contains("gated"), arch.getMessage());
        UnsupportedModelException norm = assertThrows(UnsupportedModelException.class, () -> Sae.load(
                saelens(safetensors(-1), "{\"architecture\": \"relu\", \"normalize_activations\": \"something_else\"}")));
        assertTrue(norm.getMessage().contains("normalize_activations"), norm.getMessage());
        ModelFormatException dims = assertThrows(ModelFormatException.class,
                () -> Sae.load(saelens(safetensors(-1), "{\"architecture\": \"relu\", \"d_in\": 5}")));
        assertTrue(dims.getMessage().contains("d_in"), dims.getMessage());
        ModelFormatException json = assertThrows(ModelFormatException.class,
                () -> Sae.load(saelens(safetensors(-1), "{\"architecture\": ")));
        assertTrue(json.getMessage().contains("cfg.json") && json.getMessage().contains("invalid JSON"), json.getMessage());
        assertThrows(ModelIOException.class, () -> Sae.load(dir.resolve("absent-folder")));
    }

    @Test
    void compressedAndTruncatedNpz() throws IOException {
        Path zipped = dir.resolve("params.npz");
        try (ZipOutputStream z = new ZipOutputStream(Files.newOutputStream(zipped))) {
            z.putNextEntry(new ZipEntry("W_enc.npy")); // DEFLATED: what np.savez_compressed writes
            z.write(new byte[64]);
            z.closeEntry();
        }
        UnsupportedModelException e = assertThrows(UnsupportedModelException.class, () -> Sae.load(zipped));
        assertTrue(e.getMessage().contains("np.savez"), e.getMessage());
        Path real = SteeringFixtureTest.dir().resolve("gemma-scope/layer_12/width_512/average_l0_41/params.npz");
        byte[] bytes = Files.readAllBytes(real);
        Path cut = dir.resolve("cut.npz");
        Files.write(cut, java.util.Arrays.copyOf(bytes, bytes.length / 2));
        ModelFormatException t = assertThrows(ModelFormatException.class, () -> Sae.load(cut));
        assertTrue(t.getMessage().contains("cut.npz"), t.getMessage());
    }
}
