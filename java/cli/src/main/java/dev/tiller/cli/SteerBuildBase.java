package dev.tiller.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import dev.tiller.ChatMessage;
import dev.tiller.Model;
import dev.tiller.Session;
import dev.tiller.SessionOptions;
import dev.tiller.steer.AbDataset;
import dev.tiller.steer.BehaviorEval;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;

/**
 * What {@code tiller steer sas build} and {@code tiller steer caa build} share: read contrastive pairs,
 * capture resid_post(L) at one token of each side, and build the vector.
 *
 * <p>P.jsonl lines are {@code {"positive": X, "negative": Y}}. X and Y are arrays of token ids (used
 * as they are) or strings in the chat format, following CAA's answer-letter convention: a string
 * that ends with a blank line and a parenthesised answer such as "(A)" is the question (a user
 * turn) followed by that answer at the start of the model turn, read at the answer letter; any
 * other string is a user turn followed by the start of the model turn, read at its last token. {@code --position}
 * (0-based; negative counts from the end) overrides where activations are read.
 */
abstract class SteerBuildBase implements Callable<Integer> {
    @Option(names = {"-m", "--model"}, required = true, paramLabel = "M.gguf")
    Path model;

    @Option(names = "--layer", required = true, paramLabel = "L", description = "read and steer resid_post(L)")
    int layer;

    @ArgGroup(exclusive = true, multiplicity = "1")
    Input input;

    static final class Input {
        @Option(names = "--pairs", paramLabel = "P.jsonl", description = "lines of {\"positive\": X, \"negative\": Y}")
        Path pairs;

        @Option(names = "--dataset", paramLabel = "AB.json",
                description = "CAA A/B items (question, answer_matching_behavior, answer_not_matching_behavior), read at the answer letter")
        Path dataset;
    }

    @Option(names = "--out", required = true, paramLabel = "V", description = "output steering vector (safetensors)")
    Path out;

    @Option(names = "--position", paramLabel = "I",
            description = "token whose activation is read (default: -1, the last; -2, the answer letter, with --dataset)")
    Integer position;

    @Mixin
    ThreadsOption threadsOption;

    float[][] positive, negative;

    /** A parenthesised answer such as "(A)" or "(B) no" after a blank line at the end (not a listed choice). */
    static final java.util.regex.Pattern ANSWER = java.util.regex.Pattern.compile("\\n[ \\t]*\\n\\s*(\\([A-Z]\\)[^()\\n]*)$");

    void readActivations() throws IOException {
        if (input.dataset != null) {
            readDataset();
            return;
        }
        Path pairs = input.pairs;
        List<String> lines = Files.readAllLines(pairs, StandardCharsets.UTF_8);
        ObjectMapper json = new ObjectMapper();
        List<float[]> pos = new ArrayList<>(), neg = new ArrayList<>();
        try (Model m = Model.load(model);
                Session s = m.newSession(new SessionOptions(Math.min(m.info().contextLength(), 4096), threadsOption.threads))) {
            checkLayer(m);
            s.captureLayers(layer);
            int n = 0;
            for (String line : lines) {
                n++;
                if (line.isBlank()) continue;
                JsonNode node = json.readTree(line);
                if (!node.has("positive") || !node.has("negative")) {
                    throw new IllegalArgumentException(pairs + ":" + n + ": expected {\"positive\": ..., \"negative\": ...}");
                }
                pos.add(activation(m, s, node.get("positive"), pairs + ":" + n));
                neg.add(activation(m, s, node.get("negative"), pairs + ":" + n));
            }
        }
        if (pos.isEmpty()) throw new IllegalArgumentException(pairs + ": no pairs");
        positive = pos.toArray(new float[0][]);
        negative = neg.toArray(new float[0][]);
    }

    /** CAA items: chat(question) + answer on each side, read at the answer letter (or --position). */
    private void readDataset() {
        List<AbDataset.Item> items = AbDataset.load(input.dataset);
        if (position == null) position = -2;
        List<float[]> pos = new ArrayList<>(), neg = new ArrayList<>();
        try (Model m = Model.load(model);
                Session s = m.newSession(new SessionOptions(Math.min(m.info().contextLength(), 4096), threadsOption.threads))) {
            checkLayer(m);
            s.captureLayers(layer);
            BehaviorEval eval = new BehaviorEval(m);
            for (AbDataset.Item it : items) {
                pos.add(read(m, s, eval.promptWith(it.question(), it.matching()), input.dataset.toString(), position));
                neg.add(read(m, s, eval.promptWith(it.question(), it.notMatching()), input.dataset.toString(), position));
            }
        }
        positive = pos.toArray(new float[0][]);
        negative = neg.toArray(new float[0][]);
    }

    private void checkLayer(Model m) {
        if (layer < 0 || layer >= m.info().layerCount()) {
            throw new IllegalArgumentException("--layer " + layer + " is out of range [0, " + m.info().layerCount() + ")");
        }
    }

    private float[] activation(Model m, Session s, JsonNode side, String where) {
        int[] tokens;
        if (side.isArray()) {
            tokens = new int[side.size()];
            for (int i = 0; i < tokens.length; i++) tokens[i] = side.get(i).asInt();
        } else if (side.isTextual()) {
            String text = side.asText().strip();
            java.util.regex.Matcher answer = ANSWER.matcher(text);
            if (answer.find()) {
                tokens = new BehaviorEval(m).promptWith(text.substring(0, answer.start()).strip(), answer.group(1));
                return read(m, s, tokens, where, position != null ? position : -2);
            }
            tokens = m.chatTemplate().apply(List.of(ChatMessage.user(text)), true);
        } else {
            throw new IllegalArgumentException(where + ": a side must be a string or an array of token ids");
        }
        return read(m, s, tokens, where, position != null ? position : -1);
    }

    private float[] read(Model m, Session s, int[] tokens, String where, int pos) {
        int at = pos < 0 ? tokens.length + pos : pos;
        if (at < 0 || at >= tokens.length) throw new IllegalArgumentException(where + ": position " + pos + " is outside the sequence");
        s.reset();
        s.evaluate(tokens);
        return s.captured(layer).row(at);
    }

    Map<String, String> metadata() {
        Map<String, String> meta = new TreeMap<>();
        meta.put("model", model.getFileName().toString());
        meta.put("pairs", Integer.toString(positive.length));
        meta.put("source", (input.pairs != null ? input.pairs : input.dataset).getFileName().toString());
        meta.put("position", position != null ? Integer.toString(position) : input.dataset != null ? "-2" : "last or answer letter");
        meta.put("positions", "all");
        return meta;
    }
}
