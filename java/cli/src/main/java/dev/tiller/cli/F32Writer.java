package dev.tiller.cli;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/** Writes native float buffers and int32 headers, little-endian, straight from native memory. */
final class F32Writer implements AutoCloseable {
    private final FileChannel ch;

    F32Writer(Path path) throws IOException {
        ch = FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING);
    }

    /** The segment's bytes as they are (the runtime stores little-endian floats on x86-64 and aarch64). */
    void write(MemorySegment floats) throws IOException {
        ByteBuffer b = floats.asByteBuffer();
        while (b.hasRemaining()) ch.write(b);
    }

    void writeInts(int... values) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (int v : values) b.putInt(v);
        b.flip();
        while (b.hasRemaining()) ch.write(b);
    }

    @Override
    public void close() throws IOException {
        ch.close();
    }
}
