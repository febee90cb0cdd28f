package dev.tiller.train.sae;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/** numpy .npz archives (np.savez: stored .npy members) of float32 arrays: Gemma Scope's format. */
public final class NpzWriter {
    private NpzWriter() {}

    public record Array(float[] data, long... shape) {}

    public static void write(Path path, Map<String, Array> arrays) {
        Path tmp = path.resolveSibling(path.getFileName() + ".tmp");
        try (ZipOutputStream zip = new ZipOutputStream(new BufferedOutputStream(Files.newOutputStream(tmp)))) {
            for (Map.Entry<String, Array> e : arrays.entrySet()) {
                byte[] npy = npy(e.getValue());
                ZipEntry z = new ZipEntry(e.getKey() + ".npy");
                z.setMethod(ZipEntry.STORED);
                z.setSize(npy.length);
                z.setCompressedSize(npy.length);
                CRC32 crc = new CRC32();
                crc.update(npy);
                z.setCrc(crc.getValue());
                z.setTime(0);
                zip.putNextEntry(z);
                zip.write(npy);
                zip.closeEntry();
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + path, e);
        }
        try {
            Files.move(tmp, path, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot move " + tmp + " to " + path, e);
        }
    }

    // NPY 1.0: magic, version, header length, a Python dict literal padded to 64 bytes, data.
    static byte[] npy(Array a) {
        StringBuilder shape = new StringBuilder("(");
        for (long d : a.shape()) shape.append(d).append(a.shape().length == 1 ? ",)" : ", ");
        if (a.shape().length > 1) shape.setLength(shape.length() - 2);
        if (a.shape().length > 1) shape.append(')');
        String dict = "{'descr': '<f4', 'fortran_order': False, 'shape': " + shape + ", }";
        int total = 10 + dict.length() + 1;
        String header = dict + " ".repeat((64 - total % 64) % 64) + "\n";
        byte[] h = header.getBytes(StandardCharsets.US_ASCII);
        ByteBuffer b = ByteBuffer.allocate(10 + h.length + a.data().length * 4).order(ByteOrder.LITTLE_ENDIAN);
        b.put((byte) 0x93).put("NUMPY".getBytes(StandardCharsets.US_ASCII)).put((byte) 1).put((byte) 0).putShort((short) h.length).put(h);
        b.asFloatBuffer().put(a.data());
        return b.array();
    }
}
