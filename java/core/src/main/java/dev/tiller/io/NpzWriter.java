package dev.tiller.io;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/** numpy .npz archives (np.savez: stored .npy members) of float32 arrays: Gemma Scope's format. */
public final class NpzWriter {
    private NpzWriter() {}

    public record Array(float[] data, long... shape) {}

    public static void write(Path path, Map<String, Array> arrays) {
        AtomicFiles.write(path, raw -> {
            ZipOutputStream zip = new ZipOutputStream(raw);
            for (Map.Entry<String, Array> e : arrays.entrySet()) {
                byte[] npy = npy(e.getValue());
                ZipEntry z = new ZipEntry(e.getKey() + ".npy");
                z.setMethod(ZipEntry.STORED);  // np.savez stores; Tiller's reader refuses compressed members
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
            zip.finish();
        });
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
