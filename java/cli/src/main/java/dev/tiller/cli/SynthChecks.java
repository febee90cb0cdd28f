package dev.tiller.cli;

import dev.tiller.io.AtomicFiles;
import dev.tiller.train.synth.Cvae;
import dev.tiller.train.synth.ImageData;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Model.CommandSpec;

/** Checks shared by the synth commands. */
final class SynthChecks {
    private SynthChecks() {}

    /** A generator file must draw images of the data set's size and classes. */
    static void sameImages(CommandSpec spec, Path generator, Cvae.Shape g, ImageData data) {
        if (g.height() != data.height() || g.width() != data.width() || g.classes() != data.classes()) {
            throw Cli.usage(spec, generator + " draws " + g.height() + "x" + g.width() + " images of " + g.classes() + " classes (" + g.dataset()
                    + "), the data set has " + data.height() + "x" + data.width() + " images of " + data.classes());
        }
    }

    /** Creates an --out folder and checks that its result.json can be written, before the long work. */
    static void prepareOut(Path out) {
        try {
            Files.createDirectories(out);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot create " + out + ": " + e.getMessage());
        }
        AtomicFiles.checkWritable(out.resolve("result.json"));
    }

    /**
     * Refuses, before any work, a request for more images than half the JVM's heap holds (a grid or
     * pool of millions of images would otherwise end in an OutOfMemoryError).
     */
    static void fitsInMemory(CommandSpec spec, String what, long images, int pixels) {
        long bytes = images * pixels * 4L, max = Runtime.getRuntime().maxMemory() / 2;
        if (images > Integer.MAX_VALUE / Math.max(1, pixels) || bytes > max) {
            throw Cli.usage(spec, what + " asks for " + images + " images (" + bytes / (1 << 20) + " MB), more than half of this JVM's "
                    + (2 * max) / (1 << 20) + " MB heap; ask for fewer or raise -Xmx through TILLER_JAVA_OPTS");
        }
    }

    /** The generator must have been trained on the named data set. */
    static void trainedOn(CommandSpec spec, Path generator, Cvae.Shape g, String dataset) {
        if (!g.dataset().equals(dataset)) throw Cli.usage(spec, generator + " is a generator of " + g.dataset() + ", not of " + dataset);
    }
}
