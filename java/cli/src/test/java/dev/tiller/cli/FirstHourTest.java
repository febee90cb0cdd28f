package dev.tiller.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.tiller.ChatMessage;
import dev.tiller.ChatTemplate;
import dev.tiller.FinishReason;
import dev.tiller.GeneratedToken;
import dev.tiller.Generation;
import dev.tiller.Model;
import dev.tiller.SamplingParams;
import dev.tiller.Session;
import dev.tiller.SessionOptions;
import dev.tiller.testing.Fixtures;
import dev.tiller.testing.GgufBuilder;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;
import java.util.stream.Stream;

/**
 * What a new user hit in the first hour with the default model and the README (the fit-and-finish
 * issue): one test per defect found, each failing on the code before the fix.
 */
class FirstHourTest {
    @TempDir
    Path dir;

    private static final ObjectMapper JSON = new ObjectMapper();

    private static String model() {
        return Tiller.defaultModel().toString();
    }

    private static String models(String file) {
        return Tiller.models().resolve(file).toString();
    }

    private static Tiller.Result ok(String... args) {
        Tiller.Result r = Tiller.run(args);
        assertEquals(0, r.status(), () -> String.join(" ", args) + "\n" + r.err());
        return r;
    }

    /** A failure of status 1 or 2 with exactly one line on stderr holding every given fragment. */
    private static Tiller.Result refused(int status, String[] args, String... fragments) {
        Tiller.Result r = Tiller.run(args);
        assertEquals(status, r.status(), () -> String.join(" ", args) + "\n" + r.err());
        assertEquals(1, r.errLine().lines().count(), () -> "one line: " + r.err());
        for (String f : fragments) assertTrue(r.err().contains(f), () -> "'" + f + "' missing from: " + r.err());
        return r;
    }

    private static String[] args(String... a) {
        return a;
    }

    // 1. The shipped SAS vectors find their SAE from any working directory (the tests run in java/cli).
    @Test
    void shippedSasVectorsWorkFromAnyWorkingDirectory() throws IOException {
        Tiller.Result r = ok("generate", "-m", model(), "-p", "The", "-n", "4", "--temperature", "0",
                "--steer", models("steer-news.safetensors") + ":1.5");
        Tiller.Result plain = ok("generate", "-m", model(), "-p", "The", "-n", "4", "--temperature", "0");
        assertNotEquals(plain.out(), r.out(), "the SAS vector should change the greedy text");
        Path moved = dir.resolve("news.safetensors");
        Files.copy(Path.of(models("steer-news.safetensors")), moved);
        refused(1, args("generate", "-m", model(), "-p", "The", "--steer", moved.toString()), "tiller-gemma2-tiny.sae-l2.npz",
                "that " + moved + " records", "vector's folder", "--sae");
        Tiller.Result withSae = ok("generate", "-m", model(), "-p", "The", "-n", "4", "--temperature", "0",
                "--steer", moved + ":1.5", "--sae", models("tiller-gemma2-tiny.sae-l2.npz"));
        assertEquals(r.out(), withSae.out());
    }

    // 4. Chat keeps the conversation: defaults fit the model's 128-token context, full contexts drop
    // the oldest turns (not everything), a message that cannot fit is refused, and each reply is
    // what evaluating the whole conversation from scratch gives.
    @Test
    void chatKeepsTheConversationWithinTheContext() {
        String[] turns = {"Hello there, how are you today", "Tell me about the town and the weather", "And what of the sea",
            "More about the ships please", "Who was the captain", "And the crew"};
        Tiller.Result r = Tiller.withInput(String.join("\n", turns) + "\n/exit\n", "chat", "-m", model(), "--system", "Be kind.",
                "--temperature", "0");
        assertEquals(0, r.status(), r.err());
        assertTrue(r.err().contains("context 128 tokens, replies up to 32"), r.err());
        assertTrue(r.err().contains("dropped the oldest turn") && r.err().contains("system message is kept"), r.err());
        assertFalse(r.err().contains("cleared") || r.err().contains("repeat"), r.err());
        assertEquals(turns.length + 1, r.out().split("> ", -1).length - 1, "every turn answered: " + r.out());

        String longMessage = String.join(" ", java.util.Collections.nCopies(150, "word"));
        Tiller.Result lng = Tiller.withInput(longMessage + "\nhello\n", "chat", "-m", model(), "--temperature", "0", "-n", "4");
        assertEquals(0, lng.status(), lng.err());
        assertTrue(lng.err().contains("cannot hold it") && lng.err().contains("nothing was sent"), lng.err());
        assertEquals(3, lng.out().split("> ", -1).length - 1, "the next message is still answered: " + lng.out());
    }

    @Test
    void aSecondChatTurnEqualsTheWholeConversationEvaluatedFromScratch() {
        int n = 8;
        Tiller.Result r = Tiller.withInput("Hello\nHow are you\n", "chat", "-m", model(), "--temperature", "0", "-n", String.valueOf(n));
        assertEquals(0, r.status(), r.err());
        try (Model m = Model.load(Tiller.defaultModel()); Session s = m.newSession(new SessionOptions(128, 1))) {
            ChatTemplate t = m.chatTemplate();
            SamplingParams greedy = SamplingParams.greedy().withMaxTokens(n);
            int[] first = t.apply(List.of(ChatMessage.user("Hello")), true);
            List<Integer> ids = new ArrayList<>();
            Generation g = s.generate(first, greedy);
            while (g.hasNext()) {
                GeneratedToken tok = g.next();
                if (!(tok.end() && g.finishReason() == FinishReason.STOP)) ids.add(tok.id());
            }
            String reply1 = g.text();
            int[] cont = t.continuation(List.of(ChatMessage.user("How are you")));
            int[] all = IntStream.concat(IntStream.concat(Arrays.stream(first), ids.stream().mapToInt(Integer::intValue)),
                    Arrays.stream(cont)).toArray();
            s.reset();
            String reply2 = s.generate(all, greedy).complete();
            assertTrue(r.out().startsWith("> " + reply1 + "\n> " + reply2 + "\n"), () -> "chat printed:\n" + r.out()
                    + "\nexpected the replies:\n" + reply1 + "\n" + reply2);
        }
    }

    // 5. A failed run leaves an existing output as it was, and no temporary file beside it.
    @Test
    void aFailedRunLeavesTheOutputFileAlone() throws IOException {
        Path out = dir.resolve("old.f32");
        Files.writeString(out, "precious");
        for (String cmd : new String[] {"logits", "residuals"}) {
            refused(1, args(cmd, "-m", model(), "--tokens", "2,99999", "--out", out.toString()), "99999", "out of range");
            assertEquals("precious", Files.readString(out), cmd);
        }
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(List.of(out), files.toList());
        }
        refused(1, args("logits", "-m", model(), "--tokens", "2,17", "--out", "/nonexistent/x.f32"), "tiller logits: cannot write /nonexistent/x.f32",
                "the folder /nonexistent does not exist");
    }

    // 6. compare knows its weight types in any case and refuses the rest.
    @Test
    void compareRefusesUnknownWeightTypes() throws IOException {
        Fixtures.Case c = Fixtures.cases().stream().filter(x -> x.model().equals("gemma3-tiny-F32.gguf")).findFirst().orElseThrow();
        Tiller.Result lower = ok("compare", "--reference", c.logits().toString(), "--logits", c.logits().toString(), "--vocab", "2048",
                "--weights", "f32");
        assertTrue(lower.out().contains("F32 tolerance (max|diff| <= 0.05"), lower.out());
        refused(1, args("compare", "--reference", c.logits().toString(), "--logits", c.logits().toString(), "--vocab", "2048", "--weights",
                "f33"), "tiller compare: unknown weight type 'f33'", "Q4_K_M");
        refused(1, args("compare", "--reference", "nonexist.f32", "--logits", c.logits().toString(), "--vocab", "2048"),
                "tiller compare: cannot read nonexist.f32: no such file or directory");
        refused(1, args("compare", "--reference", c.logits().toString(), "--logits", c.logits().toString(), "--vocab", "2047"),
                "not whole rows of 2047");
    }

    // 7. quantize does not overwrite its input or re-quantize quantized weights unless told to.
    @Test
    void quantizeRefusesToOverwriteItsInputOrRequantize() throws IOException {
        Path in = dir.resolve("m.gguf");
        Files.copy(Tiller.defaultModel(), in);
        byte[] before = Files.readAllBytes(in);
        refused(1, args("quantize", in.toString(), in.toString(), "Q8_0"), "is the input file", "--in-place");
        assertArrayEquals(before, Files.readAllBytes(in));
        Path q8 = dir.resolve("q8.gguf");
        ok("quantize", in.toString(), q8.toString(), "Q8_0");
        refused(1, args("quantize", q8.toString(), dir.resolve("q4.gguf").toString(), "Q4_0"), "already quantized (Q8_0)", "--allow-requantize");
        assertFalse(Files.exists(dir.resolve("q4.gguf")));
        ok("quantize", q8.toString(), dir.resolve("q4.gguf").toString(), "Q4_0", "--allow-requantize");
        ok("quantize", in.toString(), in.toString(), "Q8_0", "--in-place");
        assertArrayEquals(Files.readAllBytes(q8), Files.readAllBytes(in), "--in-place writes what a separate output gets");
    }

    // 8. generate --special parses control-token text in a raw prompt; the default keeps it text.
    @Test
    void generateSpecialParsesControlTokenText() throws IOException {
        String prompt = "<start_of_turn>user\nhi";
        JsonNode plain = JSON.readTree(ok("generate", "-m", model(), "-p", prompt, "-n", "1", "--json").out());
        JsonNode special = JSON.readTree(ok("generate", "-m", model(), "-p", prompt, "-n", "1", "--json", "--special").out());
        try (Model m = Model.load(Tiller.defaultModel())) {
            assertEquals(m.tokenizer().encode(prompt, true, false).length, plain.get("prompt_tokens").asInt());
            assertEquals(m.tokenizer().encode(prompt, true, true).length, special.get("prompt_tokens").asInt());
            assertTrue(special.get("prompt_tokens").asInt() < plain.get("prompt_tokens").asInt());
        }
    }

    // 9. Errors name the whole command, the file and the reason.
    @Test
    void errorsNameTheCommandTheFileAndTheReason() throws IOException {
        String sae = models("tiller-gemma2-tiny.sae-l2.npz");
        refused(1, args("steer", "sas", "build", "-m", model(), "--sae", sae, "--layer", "2", "--pairs", "nonexist.jsonl", "--out",
                dir.resolve("v.safetensors").toString()), "tiller steer sas build: nonexist.jsonl: no such file or directory");
        Path ab = dir.resolve("ab.json");
        Files.writeString(ab, "[]");
        refused(1, args("steer", "eval", "-m", model(), "--steer", models("steer-news.safetensors"), "--dataset", ab.toString(), "--out",
                ab.toString()), "tiller steer eval: --out " + ab + " exists and is not a folder");
        refused(1, args("tokenize", "-m", model(), "--jsonl", dir.toString()), "tiller tokenize: " + dir + " is a folder");
        refused(1, args("generate", "-m", model(), "-p", "x", "--steer", models("steer-news.safetensors") + ":abc"),
                "strength 'abc' is not a finite number");
        Path cvec = Fixtures.numericsDir().resolve("gemma3-tiny-F32-s0.cvec.gguf");
        refused(1, args("generate", "-m", model(), "-p", "x", "--steer", cvec.toString()), "is a GGUF file", "give it with --control-vector");
        refused(1, args("generate", "-m", model(), "-p", "x", "--control-vector", models("steer-news.safetensors")), "give it with --steer");
    }

    // 10. A usage error is one line with a pointer to --help.
    @Test
    void usageErrorsAreOneLine() {
        refused(2, args("generate", "-m", model(), "--bogus"), "tiller generate: Unknown option: '--bogus'", "(see 'tiller generate --help')");
        refused(2, args("steer", "sas", "build", "--layer", "x"), "tiller steer sas build:", "--help");
    }

    // 11. Values that used to be accepted silently are refused, or warned about.
    @Test
    void badValuesAreRefusedOrWarnedAbout() throws IOException {
        refused(2, args("generate", "-m", model(), "-p", "x", "--temperature", "-1"), "--temperature must be >= 0");
        refused(2, args("generate", "-m", model(), "-p", "x", "--max-tokens", "-5"), "--max-tokens must be >= 1");
        refused(2, args("generate", "-m", model(), "-p", "x", "--context", "0"), "--ctx-size must be >= 1, got 0");
        refused(2, args("generate", "-m", model(), "-p", "x", "-c", "-3"), "--ctx-size must be >= 1, got -3");
        refused(2, args("generate", "-m", model(), "-p", "x", "--threads", "-1"), "--threads must be >= 1");
        Path cvec = Fixtures.numericsDir().resolve("gemma3-tiny-F32-s0.cvec.gguf");
        Fixtures.Case c = Fixtures.cases().stream().filter(x -> x.model().equals("gemma3-tiny-F32.gguf")).findFirst().orElseThrow();
        refused(1, args("logits", "-m", c.modelPath().toString(), "--tokens", "2,3", "--out", dir.resolve("l.f32").toString(), "--control-vector",
                cvec.toString(), "--control-vector-layer-range", "0", "99"), "--control-vector-layer-range 0 99", "layers 0..7");
        Tiller.Result zero = ok("logits", "-m", c.modelPath().toString(), "--tokens", "2,3", "--out", dir.resolve("l.f32").toString(),
                "--control-vector", cvec.toString(), "--control-vector-layer-range", "0", "7");
        assertTrue(zero.err().contains("warning: layer 0 is never steered"), zero.err());
        Tiller.Result longCtx = ok("generate", "-m", model(), "-p", "x", "-n", "1", "-c", "512");
        assertTrue(longCtx.err().contains("warning: --ctx-size 512 is longer than the 128 tokens the model was trained for"), longCtx.err());

        Path same = dir.resolve("same.jsonl");
        Files.writeString(same, "{\"positive\": \"the same words\", \"negative\": \"the same words\"}\n");
        refused(1, args("steer", "sas", "build", "-m", model(), "--sae", models("tiller-gemma2-tiny.sae-l2.npz"), "--layer", "2", "--pairs",
                same.toString(), "--out", dir.resolve("v.safetensors").toString()), "no SAE feature", "same");
        assertFalse(Files.exists(dir.resolve("v.safetensors")));
        refused(1, args("steer", "sas", "build", "-m", model(), "--sae", models("tiller-gemma2-tiny.sae-l2.npz"), "--layer", "3", "--pairs",
                same.toString(), "--out", dir.resolve("v.safetensors").toString()), "reads layer 2 but --layer is 3");

        Path atLayer3 = dir.resolve("l3.safetensors");
        dev.tiller.steer.SteeringFiles.save(dev.tiller.steer.SteeringVector.sparse(3, new int[] {5}, new float[] {1f},
                java.util.Map.of("sae", models("tiller-gemma2-tiny.sae-l2.npz"))), atLayer3);
        refused(1, args("generate", "-m", model(), "-p", "x", "--steer", atLayer3.toString()), "reads layer 2 but the SAS vector is for layer 3");

        Path pairs = dir.resolve("p.jsonl");
        Files.writeString(pairs, "{\"positive\": \"a happy day\", \"negative\": \"a sad day\"}\n");
        Path v = dir.resolve("v.safetensors");
        ok("steer", "caa", "build", "-m", model(), "--layer", "2", "--pairs", pairs.toString(), "--out", v.toString());
        refused(1, args("steer", "caa", "normalize", "--out-dir", dir.resolve("n").toString(), v.toString(), v.toString()), "given twice");
        refused(1, args("steer", "caa", "normalize", "--out-dir", dir.resolve("n").toString(), v.toString(),
                dir.resolve("../" + dir.getFileName() + "/v.safetensors").toString()), "given twice");

        Tiller.Result chat = Tiller.withInput("/foo\n/exit\n", "chat", "-m", model());
        assertTrue(chat.err().contains("unknown command /foo"), chat.err());
        assertEquals(2, chat.out().split("> ", -1).length - 1, "/foo is not sent to the model: " + chat.out());

        Path bad = dir.resolve("latin1.txt");
        Files.write(bad, new byte[] {'c', 'a', 'f', (byte) 0xe9, ' ', 'x'});
        refused(1, args("generate", "-m", model(), "-f", bad.toString()), "latin1.txt: the bytes at offset 3 are not UTF-8");
        Tiller.Result replaced = ok("generate", "-m", model(), "-p", "caf\uFFFD", "-n", "1");
        assertTrue(replaced.err().contains("warning: the prompt holds U+FFFD at character 3"), replaced.err());
    }

    // 12. --tokens takes what tokenize prints.
    @Test
    void tokensTakeWhatTokenizePrints() throws IOException {
        String printed = ok("tokenize", "-m", model(), "--text", "Elizabeth smiled").out().strip();
        assertTrue(printed.startsWith("[") && printed.endsWith("]"), printed);
        byte[] reference = null;
        for (String form : new String[] {printed, printed.substring(1, printed.length() - 1), printed.replace(",", ", "),
            printed.substring(1, printed.length() - 1).replace(",", " ")}) {
            Path out = dir.resolve("t.f32");
            ok("logits", "-m", model(), "--tokens", form, "--out", out.toString());
            byte[] got = Files.readAllBytes(out);
            if (reference == null) reference = got;
            assertArrayEquals(reference, got, form);
        }
        assertEquals(4096L * 4 * (printed.split(",").length), reference.length);
    }

    // 13. A vocabulary that disagrees with the weights is refused at load; info still describes the file.
    @Test
    void inconsistentVocabulariesAreRefusedButDescribed() throws IOException {
        Path f = dir.resolve("empty-vocab.gguf");
        Files.write(f, GgufBuilder.tinyModel("gemma2", 1).removeKey("tokenizer.ggml.tokens").strings("tokenizer.ggml.tokens", List.of())
                .floats("tokenizer.ggml.scores", new float[0]).ints("tokenizer.ggml.token_type", new int[0]).build());
        refused(1, args("logits", "-m", f.toString(), "--tokens", "1,2", "--out", dir.resolve("x.f32").toString()),
                "tiller logits: " + f, "'tokenizer.ggml.tokens' holds 0 tokens", "'token_embd.weight'", "64 rows");
        Tiller.Result info = ok("info", "-m", f.toString());
        assertTrue(info.out().contains("vocabulary      64") && info.out().contains("problem         " + f), info.out());
        assertTrue(info.err().contains("warning:"), info.err());
    }

    // Missing basics: JSON output, prompt files and stdin, random seeds, short flags, logit bias.
    @Test
    void jsonOutputPromptFilesSeedsShortFlagsAndLogitBias() throws IOException {
        JsonNode one = JSON.readTree(ok("generate", "--model", model(), "--prompt", "The", "--max-tokens", "6", "--seed", "5", "--json").out());
        assertEquals(6, one.get("tokens").size());
        assertEquals("length", one.get("finish_reason").asText());
        assertEquals(5, one.get("seed").asLong());
        Tiller.Result jsonl = ok("generate", "-m", model(), "-p", "The", "-n", "6", "-s", "5", "--jsonl", "-t", "1", "-c", "64");
        List<String> lines = jsonl.out().lines().toList();
        assertEquals(7, lines.size(), jsonl.out());
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < 6; i++) {
            JsonNode t = JSON.readTree(lines.get(i));
            assertEquals(one.get("tokens").get(i).asInt(), t.get("id").asInt(), "short flags give the same run");
            assertTrue(t.get("logprob").asDouble() <= 0);
            text.append(t.get("text").asText());
        }
        assertEquals(one.get("text").asText(), text.toString());
        assertEquals("length", JSON.readTree(lines.get(6)).get("finish_reason").asText());

        Path prompt = dir.resolve("prompt.txt");
        Files.writeString(prompt, "The", StandardCharsets.UTF_8);
        assertEquals(one.get("tokens"), JSON.readTree(ok("generate", "-m", model(), "-f", prompt.toString(), "-n", "6", "-s", "5", "--json")
                .out()).get("tokens"));
        Tiller.Result stdin = Tiller.withInput("The", "generate", "-m", model(), "--prompt-file", "-", "-n", "6", "-s", "5", "--json");
        assertEquals(0, stdin.status(), stdin.err());
        assertEquals(one.get("tokens"), JSON.readTree(stdin.out()).get("tokens"));

        Tiller.Result random = ok("generate", "-m", model(), "-p", "The", "-n", "6", "--seed", "-1", "--json");
        long seed = JSON.readTree(random.out()).get("seed").asLong();
        assertTrue(random.err().contains("seed " + seed), random.err());
        JsonNode again = JSON.readTree(ok("generate", "-m", model(), "-p", "The", "-n", "6", "--seed", String.valueOf(seed), "--json").out());
        assertEquals(JSON.readTree(random.out()).get("tokens"), again.get("tokens"), "the printed seed repeats the run");

        JsonNode greedy = JSON.readTree(ok("generate", "-m", model(), "-p", "The", "-n", "1", "--temperature", "0", "--json").out());
        int top = greedy.get("tokens").get(0).asInt();
        JsonNode banned = JSON.readTree(ok("generate", "-m", model(), "-p", "The", "-n", "1", "--temperature", "0", "--json",
                "--logit-bias", top + "=-inf").out());
        assertNotEquals(top, banned.get("tokens").get(0).asInt());
        JsonNode llamaForm = JSON.readTree(ok("generate", "-m", model(), "-p", "The", "-n", "1", "--temperature", "0", "--json",
                "-l", top + "-inf").out());
        assertEquals(banned.get("tokens"), llamaForm.get("tokens"));
        refused(2, args("generate", "-m", model(), "-p", "x", "--logit-bias", "abc"), "is not ID=BIAS");
        refused(1, args("generate", "-m", model(), "-p", "x", "--logit-bias", "99999=1"), "outside the vocabulary of 4096");
    }

    // Missing basics: info --metadata, inspect, a real version.
    @Test
    void infoMetadataInspectAndVersion() {
        Tiller.Result info = ok("info", "-m", model(), "--metadata");
        assertTrue(info.out().contains("special tokens  bos 2 \"<bos>\", eos 1 \"<eos>\""), info.out());
        assertTrue(info.out().contains("  general.architecture = \"gemma2\""), info.out());
        assertTrue(info.out().contains("  tokenizer.ggml.tokens = [4096 strings] [\"<pad>\", \"<eos>\", \"<bos>\""), info.out());
        Tiller.Result sas = ok("inspect", models("steer-news.safetensors"));
        assertTrue(sas.out().contains("kind            SAS") && sas.out().contains("layer           2 (resid_post)")
                && sas.out().contains("features used   53") && sas.out().contains("-> " + models("tiller-gemma2-tiny.sae-l2.npz")), sas.out());
        Tiller.Result sae = ok("inspect", models("tiller-gemma2-tiny.sae-l2.npz"));
        assertTrue(sae.out().contains("d_sae           2048") && sae.out().contains("layer           2"), sae.out());
        Tiller.Result cv = ok("inspect", Fixtures.numericsDir().resolve("gemma3-tiny-F32-s0.cvec.gguf").toString());
        assertTrue(cv.out().contains("llama.cpp control vector") && cv.out().contains("layers          7 with a direction"), cv.out());
        refused(1, args("inspect", model()), "tiller info");
        Tiller.Result v = ok("--version");
        assertTrue(v.out().matches("(?s)tiller \\d+\\.\\d+\\.\\d+\\S*\\nnative library libtiller \\S+ \\(git [0-9a-f]{7,}.*, (Release|Debug).*\\)\\n"
                + "kernels (scalar|avx2|avx512).*\\nJava .*"), v.out());
        assertFalse(v.out().contains("tiller dev"));
    }
}
