package dev.tiller.train.data;

import dev.tiller.ModelFormatException;
import dev.tiller.ModelIOException;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;

/** IDX files (MNIST, Fashion-MNIST), gzip-compressed or not: unsigned bytes with their dims. */
public final class Idx {
    private Idx() {}

    public record Array(int[] dims, byte[] data) {
        public int count() { return dims[0]; }
        public int rowSize() { return data.length / dims[0]; }

        /** The bytes as unsigned values / 255, in [0, 1] (pixels). */
        public float[] unitFloats() {
            float[] f = new float[data.length];
            for (int i = 0; i < f.length; i++) f[i] = (data[i] & 0xff) / 255f;
            return f;
        }

        /** The bytes as unsigned values (labels). */
        public int[] unsignedInts() {
            int[] v = new int[data.length];
            for (int i = 0; i < v.length; i++) v[i] = data[i] & 0xff;
            return v;
        }
    }

    public static Array read(Path path) {
        try (InputStream raw = Files.newInputStream(path);
             DataInputStream in = new DataInputStream(path.toString().endsWith(".gz") ? new GZIPInputStream(raw, 1 << 16) : raw)) {
            int magic = in.readInt();
            if ((magic >>> 8) != 0x08 || (magic & 0xff) < 1 || (magic & 0xff) > 4) {
                throw new ModelFormatException(0, path + ": not an unsigned-byte IDX file (magic " + Integer.toHexString(magic) + ")");
            }
            int[] dims = new int[magic & 0xff];
            long n = 1;
            for (int i = 0; i < dims.length; i++) {
                dims[i] = in.readInt();
                if (dims[i] <= 0) throw new ModelFormatException(0, path + ": dimension " + i + " is " + dims[i]);
                n *= dims[i];
            }
            if (n > Integer.MAX_VALUE - 8) throw new ModelFormatException(0, path + ": too large");
            byte[] data = new byte[(int) n];
            in.readFully(data);
            return new Array(dims, data);
        } catch (java.io.EOFException e) {
            throw new ModelFormatException(0, path + ": shorter than its dimensions say");
        } catch (IOException e) {
            throw new ModelIOException(0, path + ": cannot read: " + e.getMessage());
        }
    }

    /**
     * Images scaled to [0, 1] with their labels as a dataset, e.g. ("t10k-images-idx3-ubyte.gz",
     * "t10k-labels-idx1-ubyte.gz").
     */
    public static Dataset images(Path images, Path labels, int classes) {
        Array x = read(images), y = read(labels);
        if (x.count() != y.count() || y.rowSize() != 1) {
            throw new ModelFormatException(0, images + " and " + labels + " hold " + x.count() + " images and " + y.count() + " labels");
        }
        return new Dataset(x.unitFloats(), x.rowSize(), y.unsignedInts(), null, classes);
    }
}
