package dev.tiller.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import org.jline.reader.EndOfFileException;
import org.jline.reader.LineReader;
import org.jline.reader.LineReaderBuilder;
import org.jline.reader.UserInterruptException;
import org.jline.terminal.Terminal;
import org.jline.terminal.TerminalBuilder;

/**
 * The lines a user types: on a terminal through JLine (line editing, history, Ctrl-C at the prompt
 * gives a fresh prompt), otherwise plain lines from standard input (pipes, scripts, tests). While no
 * line is being read, Ctrl-C runs {@code onInterrupt} (chat stops the reply).
 */
interface LineInput extends AutoCloseable {
    /** The next line, or null at the end of input (Ctrl-D). */
    String readLine(String prompt);

    /** Whether Ctrl-C can be caught here. */
    boolean canInterrupt();

    @Override
    void close();

    static LineInput open(Runnable onInterrupt) {
        java.io.Console console = System.console();
        if (console != null && console.isTerminal()) {
            try {
                return new Jline(onInterrupt);
            } catch (IOException | RuntimeException e) {
                // no usable terminal: fall back to plain lines
            }
        }
        return new Plain(onInterrupt);
    }

    final class Jline implements LineInput {
        private final Terminal terminal;
        private final LineReader reader;

        Jline(Runnable onInterrupt) throws IOException {
            terminal = TerminalBuilder.builder().system(true).encoding(StandardCharsets.UTF_8).build();
            terminal.handle(Terminal.Signal.INT, s -> onInterrupt.run());
            reader = LineReaderBuilder.builder().terminal(terminal).appName("tiller").build();
        }

        @Override
        public String readLine(String prompt) {
            while (true) {
                try {
                    return reader.readLine(prompt);
                } catch (UserInterruptException e) {
                    // Ctrl-C at the prompt: a fresh prompt, as a shell does
                } catch (EndOfFileException e) {
                    return null;
                }
            }
        }

        @Override
        public boolean canInterrupt() {
            return true;
        }

        @Override
        public void close() {
            try {
                terminal.close();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    final class Plain implements LineInput {
        private final BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        private final boolean interrupts;

        Plain(Runnable onInterrupt) {
            interrupts = Interrupts.onInterrupt(onInterrupt);
        }

        @Override
        public String readLine(String prompt) {
            PrintStream out = Utf8Out.stdout();
            out.print(prompt);
            out.flush();
            try {
                return in.readLine();
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read standard input", e);
            }
        }

        @Override
        public boolean canInterrupt() {
            return interrupts;
        }

        @Override
        public void close() {}
    }
}
