package dev.tiller.cli;

import java.io.IOException;
import java.io.OutputStream;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.Channels;
import java.nio.channels.WritableByteChannel;

/** Writes native float buffers (as they are: little-endian on x86-64 and aarch64) and int32 headers to a stream. */
final class F32Writer {
    private final WritableByteChannel ch;

    F32Writer(OutputStream out) {
        ch = Channels.newChannel(out);
    }

    void write(MemorySegment floats) throws IOException {
        ByteBuffer b = floats.asByteBuffer();
        while (b.hasRemaining()) ch.write(b);
    }

    void write(float[] values) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        b.asFloatBuffer().put(values);
        while (b.hasRemaining()) ch.write(b);
    }

    void writeInts(int... values) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (int v : values) b.putInt(v);
        b.flip();
        while (b.hasRemaining()) ch.write(b);
    }
}
