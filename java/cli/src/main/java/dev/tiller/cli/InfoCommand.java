package dev.tiller.cli;

import dev.tiller.LayerInfo;
import dev.tiller.Model;
import dev.tiller.ModelInfo;
import dev.tiller.TensorInfo;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code tiller info --model M.gguf}: what the file holds. */
@Command(name = "info", mixinStandardHelpOptions = true,
        description = "Architecture, dimensions, layer pattern, tensor types and vocabulary of a GGUF model.")
final class InfoCommand implements Callable<Integer> {
    @Option(names = "--model", required = true, paramLabel = "M.gguf", description = "GGUF model file")
    Path model;

    @Override
    public Integer call() {
        PrintStream out = Utf8Out.stdout();
        try (Model m = Model.load(model)) {
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
        }
        return 0;
    }
}
