package dev.tiller.cli;

import dev.tiller.LayerInfo;
import dev.tiller.Metadata;
import dev.tiller.Model;
import dev.tiller.ModelInfo;
import dev.tiller.TensorInfo;
import dev.tiller.Tokenizer;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code tiller info --model M.gguf [--metadata]}: what the file holds. A file whose vocabulary
 * does not match its weights is still described, with the problem, although it cannot run.
 */
@Command(name = "info", mixinStandardHelpOptions = true,
        description = "Architecture, dimensions, layer pattern, tensor types and vocabulary of a GGUF model; --metadata lists every key.")
final class InfoCommand implements Callable<Integer> {
    @Option(names = {"-m", "--model"}, required = true, paramLabel = "M.gguf", description = "GGUF model file")
    Path model;

    @Option(names = "--metadata", description = "also print every metadata key with its value (arrays: type, length, first elements), "
            + "the special token ids and the chat template")
    boolean metadata;

    @Override
    public Integer call() {
        PrintStream out = Utf8Out.stdout();
        try (Model m = Model.openForInspection(model)) {
            ModelInfo i = m.info();
            out.printf("file            %s%n", model);
            i.name().ifPresent(n -> out.printf("name            %s%n", n));
            out.printf("architecture    %s%n", i.architecture());
            out.printf("layers          %d%n", i.layerCount());
            out.printf("embedding       %d%n", i.embeddingLength());
            out.printf("heads           %d (kv %d, head dim %d)%n", i.heads(), i.kvHeads(), i.headDim());
            out.printf("feed-forward    %d%n", i.feedForwardLength());
            out.printf("vocabulary      %d%n", i.vocabularySize());
            out.printf("context length  %d%n", i.contextLength());
            out.printf("sliding window  %s%n", i.slidingWindow() > 0 ? String.valueOf(i.slidingWindow()) : "none");
            out.printf("layer pattern   %s  (S = sliding window, G = global)%n", i.layerPattern());
            LayerInfo first = i.layers().get(0);
            out.printf("rope            base %.0f scale %.4g", first.ropeBase(), first.ropeScale());
            i.layers().stream().filter(l -> l.ropeBase() != first.ropeBase() || l.ropeScale() != first.ropeScale())
                    .findFirst().ifPresent(l -> out.printf("; other layers base %.0f scale %.4g", l.ropeBase(), l.ropeScale()));
            out.println();
            Map<String, long[]> types = new TreeMap<>();
            for (TensorInfo t : m.tensors()) {
                long[] acc = types.computeIfAbsent(t.type(), k -> new long[2]);
                acc[0]++;
                acc[1] += t.data().byteSize();
            }
            out.print("tensor types   ");
            types.forEach((k, v) -> out.printf(" %s: %d (%.1f MiB)", k, v[0], v[1] / 1048576.0));
            out.println();
            out.printf("chat template   %s%n", i.chatTemplate().isPresent() ? "yes" : "none");
            m.problem().ifPresent(p -> {
                out.printf("problem         %s (the model cannot run)%n", p);
                System.err.println("tiller info: warning: " + p);
            });
            if (metadata) printMetadata(out, m);
        }
        return 0;
    }

    private static void printMetadata(PrintStream out, Model m) {
        out.println();
        if (m.problem().isEmpty()) {
            Tokenizer t = m.tokenizer();
            out.printf("special tokens  bos %s, eos %s, end of turn %s, unknown %s; BOS added: %s, EOS added: %s%n", token(t, t.bos()),
                    token(t, t.eos()), token(t, t.eot()), token(t, t.unknown()), t.addsBos(), t.addsEos());
        }
        Metadata md = m.metadata();
        out.printf("metadata        %d keys%n", md.keys().size());
        for (String key : md.keys()) {
            if (key.equals("tokenizer.chat_template")) continue;
            long n = md.length(key);
            Object v = md.head(key, 8).orElseThrow();
            if (v instanceof List<?> list) {
                String kind = list.isEmpty() ? "" : list.get(0) instanceof String ? " strings" : list.get(0) instanceof Double ? " floats"
                        : " integers";
                out.printf("  %s = [%d%s] %s%s%n", key, n, kind, quoteAll(list), n > list.size() ? " ..." : "");
            } else {
                out.printf("  %s = %s%n", key, v instanceof String s ? quote(s) : v);
            }
        }
        md.getString("tokenizer.chat_template").ifPresent(tpl -> out.printf("chat template (tokenizer.chat_template):%n%s%n", tpl));
    }

    private static String token(Tokenizer t, int id) {
        return id < 0 ? "none" : id + " " + quote(t.tokenText(id));
    }

    private static String quoteAll(List<?> list) {
        StringBuilder sb = new StringBuilder("[");
        for (Object o : list) sb.append(sb.length() > 1 ? ", " : "").append(o instanceof String s ? quote(s) : o);
        return sb.append(']').toString();
    }

    private static String quote(String s) {
        String e = s.length() > 200 ? s.substring(0, 200) + "..." : s;
        return '"' + e.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n") + '"';
    }
}
