package dev.tiller.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Model.CommandSpec;

/** Prompt text from the command line, a file or standard input, with bytes that are not UTF-8 caught rather than replaced. */
final class PromptText {
    private PromptText() {}

    /** A file ('-' for standard input), decoded strictly: bytes that are not UTF-8 are refused with their offset. */
    static String read(Path file) {
        boolean stdin = file.toString().equals("-");
        String name = stdin ? "standard input" : file.toString();
        byte[] bytes;
        try {
            if (stdin) {
                bytes = System.in.readAllBytes();
            } else {
                if (Files.isDirectory(file)) throw new IllegalArgumentException(file + " is a folder, not a prompt file");
                try (InputStream in = Files.newInputStream(file)) {
                    bytes = in.readAllBytes();
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the prompt from " + name, e);
        }
        return utf8(bytes, name);
    }

    static String utf8(byte[] bytes, String name) {
        CharsetDecoder d = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(bytes);
        try {
            return d.decode(in).toString();
        } catch (CharacterCodingException e) {
            throw new IllegalArgumentException(name + ": the bytes at offset " + in.position() + " are not UTF-8 (save the prompt as UTF-8)");
        }
    }

    /** Text from the command line: the JVM has already replaced bytes that were not UTF-8 by U+FFFD, so say so. */
    static String checked(CommandSpec spec, String text) {
        int at = text.indexOf('\uFFFD');
        if (at >= 0) {
            Cli.warn(spec, "the prompt holds U+FFFD at character " + at + ": bytes that were not UTF-8 were replaced "
                    + "(give the prompt as UTF-8, or in a file with --prompt-file to have them refused)");
        }
        return text;
    }
}
