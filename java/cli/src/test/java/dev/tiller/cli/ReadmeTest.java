package dev.tiller.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.StringWriter;
import java.lang.reflect.Method;
import java.net.URI;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.SimpleJavaFileObject;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README cannot drift: every ```java example is compiled against Tiller and run, and every
 * command of a ```sh block is run in order, against the default model, from the repository root
 * (paths under models/ and docs/ are the repository's; other relative paths land in a fresh folder).
 * ```text blocks are synopses and listings; an untagged block is refused so that none escapes.
 */
class ReadmeTest {
    @TempDir
    Path work;

    record Block(String lang, String body, int line) {}

    static List<Block> blocks() throws IOException {
        List<String> lines = Files.readAllLines(Tiller.root().resolve("README.md"), StandardCharsets.UTF_8);
        List<Block> out = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            if (!lines.get(i).startsWith("```")) continue;
            String lang = lines.get(i).substring(3).strip();
            int start = i + 1;
            StringBuilder body = new StringBuilder();
            for (i = start; i < lines.size() && !lines.get(i).startsWith("```"); i++) body.append(lines.get(i)).append('\n');
            out.add(new Block(lang, body.toString(), start));
        }
        return out;
    }

    @Test
    void everyCodeBlockSaysWhatItIs() throws IOException {
        for (Block b : blocks()) {
            assertTrue(List.of("java", "sh", "text").contains(b.lang()), "README.md:" + b.line() + ": a code block tagged '" + b.lang()
                    + "' (java: compiled and run; sh: run; text: a synopsis)");
        }
        assertTrue(blocks().stream().filter(b -> b.lang().equals("java")).count() >= 4);
    }

    @TestFactory
    Stream<DynamicTest> everyJavaExampleCompilesAndRuns() throws IOException {
        List<DynamicTest> tests = new ArrayList<>();
        for (Block b : blocks()) {
            if (b.lang().equals("java")) tests.add(DynamicTest.dynamicTest("README.md:" + b.line(), () -> compileAndRun(b)));
        }
        return tests.stream();
    }

    private void compileAndRun(Block b) throws Exception {
        String root = Tiller.root().toString();
        String cls = "ReadmeExample" + b.line();
        String source = """
                import dev.tiller.*;
                import dev.tiller.steer.*;
                import dev.tiller.heads.*;
                import dev.tiller.io.*;
                import dev.tiller.train.*;
                import dev.tiller.train.nn.*;
                import dev.tiller.train.optim.*;
                import dev.tiller.train.algo.*;
                import dev.tiller.train.data.*;
                import dev.tiller.train.robust.*;
                import java.lang.foreign.*;
                import java.nio.file.*;
                import java.util.*;

                public class %s {
                    public static void run() throws Exception {
                %s
                    }
                }
                """.formatted(cls, b.body().replace("\"models/", "\"" + root + "/models/").replace("\"../shared/", "\"" + root + "/../shared/"));
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        Path classes = Files.createDirectories(work.resolve(cls));
        JavaFileObject file = new SimpleJavaFileObject(URI.create("string:///" + cls + ".java"), JavaFileObject.Kind.SOURCE) {
            @Override
            public CharSequence getCharContent(boolean ignoreEncodingErrors) {
                return source;
            }
        };
        StringWriter diagnostics = new StringWriter();
        boolean ok = javac.getTask(diagnostics, null, null,
                List.of("-d", classes.toString(), "-classpath", System.getProperty("java.class.path"), "-proc:none", "-Xlint:-options"), null,
                List.of(file)).call();
        assertTrue(ok, () -> "README.md:" + b.line() + " does not compile:\n" + diagnostics);
        try (URLClassLoader loader = new URLClassLoader(new URL[] {classes.toUri().toURL()}, getClass().getClassLoader())) {
            Method run = loader.loadClass(cls).getMethod("run");
            PrintStream old = System.out;
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            try {
                run.invoke(null);
            } finally {
                System.setOut(old);
            }
            System.out.println("README.md:" + b.line() + " printed: " + out.toString(StandardCharsets.UTF_8).strip());
        }
    }

    @Test
    void everyCommandRunsInOrder() throws IOException {
        int n = 0;
        for (Block b : blocks()) {
            if (!b.lang().equals("sh")) continue;
            for (String command : commands(b.body())) {
                List<String> words = words(command);
                assertFalse(words.isEmpty());
                String program = words.get(0);
                if (program.equals("scripts/test") || program.equals("scripts/demo")) continue; // quickStartCommands
                assertEquals("scripts/tiller", program, "README.md:" + b.line() + ": a command that is not scripts/tiller: " + command);
                String[] args = words.subList(1, words.size()).stream().map(this::path).toArray(String[]::new);
                Tiller.Result r = Tiller.run(args);
                assertEquals(0, r.status(), () -> "README.md:" + b.line() + ": " + command + "\n" + r.err());
                assertFalse(r.err().contains("warning:"), () -> command + " warned:\n" + r.err());
                n++;
            }
        }
        assertTrue(n >= 15, "README commands run: " + n);
    }

    /** The quick start's two commands: scripts/test is this suite; scripts/demo's main job runs here, reduced (CI runs the script). */
    @Test
    void quickStartCommands() throws IOException {
        Block quick = blocks().stream().filter(b -> b.lang().equals("sh")).findFirst().orElseThrow();
        assertEquals(List.of("scripts/demo", "scripts/test"), commands(quick.body()));
        assertTrue(Files.readString(Tiller.root().resolve("scripts/demo")).contains("tiller demo"));
        Tiller.Result r = Tiller.run("demo", "--models", Tiller.models().toString(), "--runs", "2", "--samples", "2", "--tokens", "8");
        assertEquals(0, r.status(), r.err());
        assertTrue(r.out().contains("steer-news moves the log-odds by") && r.out().contains("steer-romance moves the log-odds by"), r.out());
    }

    /** Lines of a shell block, continuations joined, comments dropped. */
    static List<String> commands(String body) {
        List<String> out = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        for (String line : body.split("\n")) {
            String l = line.strip();
            if (cur.isEmpty() && (l.isEmpty() || l.startsWith("#"))) continue;
            if (l.endsWith("\\")) {
                cur.append(l, 0, l.length() - 1).append(' ');
                continue;
            }
            out.add(cur.append(l).toString().strip());
            cur.setLength(0);
        }
        return out;
    }

    /** Shell words: whitespace-separated, with double and single quotes. */
    static List<String> words(String command) {
        List<String> out = new ArrayList<>();
        Matcher m = Pattern.compile("\"([^\"]*)\"|'([^']*)'|(\\S+)").matcher(command);
        while (m.find()) out.add(m.group(1) != null ? m.group(1) : m.group(2) != null ? m.group(2) : m.group(3));
        return out;
    }

    /** The repository's files for models/ and docs/, the work folder for other relative paths. */
    private String path(String arg) {
        if (arg.startsWith("-") || arg.contains(" ") || !(arg.contains("/") || arg.matches(".*\\.(gguf|f32|safetensors|jsonl|json|npz)(:.*)?"))) {
            return arg;
        }
        if (Path.of(arg).isAbsolute()) return arg;
        boolean repo = arg.startsWith("models/") || arg.startsWith("docs/");
        return (repo ? Tiller.root() : work).resolve(arg).toString();
    }
}
