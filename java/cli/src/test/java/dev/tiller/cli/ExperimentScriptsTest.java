package dev.tiller.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import javax.tools.JavaCompiler;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;

import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every experiment in scripts/experiments compiles against the API modules alone (so a script never
 * reaches into dev.tiller.internal or the bindings; XChart, the plotting library, is visible too)
 * and runs with --quick to its result table and its plots.
 */
class ExperimentScriptsTest {
    @TempDir
    Path work;

    static List<Path> scripts() throws IOException {
        try (Stream<Path> s = Files.list(Tiller.root().resolve("scripts/experiments"))) {
            return s.filter(p -> p.toString().endsWith(".java")).sorted().toList();
        }
    }

    @TestFactory
    Stream<DynamicTest> everyScriptUsesOnlyExportedApi() throws IOException {
        List<Path> scripts = scripts();
        assertFalse(scripts.isEmpty());
        return scripts.stream().map(p -> DynamicTest.dynamicTest(p.getFileName().toString(), () -> {
            String errors = compileAgainstApi(p);
            assertTrue(errors == null, () -> p + " does not compile against the API modules alone:\n" + errors);
        }));
    }

    @Test
    void theReadmeListsEveryScript() throws IOException {
        String readme = Files.readString(Tiller.root().resolve("README.md"));
        for (Path p : scripts()) {
            String row = "| `" + p.getFileName() + "` |";
            assertTrue(readme.contains(row), () -> "README.md's experiment table has no row " + row);
        }
    }

    @Test
    void theCheckRefusesAScriptThatReachesIntoInternals() throws IOException {
        Path bad = Files.writeString(work.resolve("Bad.java"), "class Bad { public static void main(String[] a) { dev.tiller.internal.Native.check(0); } }\n");
        String errors = compileAgainstApi(bad);
        assertTrue(errors != null && errors.contains("dev.tiller.internal"), () -> "compiled: " + errors);
    }

    /** null when the file compiles with only the API modules (and what they export) visible; else javac's errors. */
    private String compileAgainstApi(Path source) throws IOException {
        List<String> modulePath = new ArrayList<>();
        for (String e : System.getProperty("java.class.path").split(File.pathSeparator)) {
            String f = e.replace('\\', '/');
            boolean api = f.contains("/java/core/target/classes") || f.contains("/java/train/target/classes") || f.contains("/bindings/target/classes")
                    || f.matches(".*/tiller-(core|train|bindings)-[^/]*\\.jar") || f.matches(".*/(commons-math3|xchart)-[^/]*\\.jar");
            if (api) modulePath.add(e);
        }
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        StringWriter diagnostics = new StringWriter();
        try (StandardJavaFileManager files = javac.getStandardFileManager(null, null, StandardCharsets.UTF_8)) {
            boolean ok = javac.getTask(diagnostics, files, null,
                    List.of("-d", Files.createDirectories(work.resolve("classes-" + source.getFileName())).toString(),
                            // An empty class path: in-process javac would otherwise default to this JVM's, which holds everything.
                            "-classpath", Files.createDirectories(work.resolve("empty")).toString(),
                            "--module-path", String.join(File.pathSeparator, modulePath), "--add-modules", "dev.tiller.train,org.knowm.xchart", "-proc:none", "-Xlint:-options"),
                    null, files.getJavaFileObjects(source)).call();
            return ok ? null : diagnostics.toString();
        }
    }

    @TestFactory
    Stream<DynamicTest> everyScriptRunsQuick() throws IOException {
        // The source launcher with this JVM's class path: what scripts/run does with the packaged jars
        // (.ci/run runs one script through scripts/run itself, after the build).
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        return scripts().stream().map(p -> DynamicTest.dynamicTest(p.getFileName().toString(), () -> {
            Path plots = work.resolve("out-" + p.getFileName());
            Process proc = new ProcessBuilder(java, "--enable-native-access=ALL-UNNAMED", "-Dtiller.root=" + Tiller.root(), "-Djava.awt.headless=true",
                    "-cp", System.getProperty("java.class.path"), p.toString(), "--quick", "--out", plots.toString())
                    .directory(work.toFile()).redirectErrorStream(true).start();
            String out = new String(proc.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(proc.waitFor(5, TimeUnit.MINUTES), p + " --quick did not finish in 5 minutes");
            assertEquals(0, proc.exitValue(), () -> p + " --quick failed:\n" + out);
            assertTrue(out.lines().anyMatch(l -> l.startsWith("|---")), () -> p + " --quick printed no result table:\n" + out);
            try (Stream<Path> files = Files.list(plots)) {
                assertTrue(files.anyMatch(f -> f.toString().endsWith(".png") && f.toFile().length() > 1000), () -> p + " --quick wrote no plot into --out");
            }
            System.out.println(p.getFileName() + " --quick:\n" + out.strip());
        }));
    }
}
