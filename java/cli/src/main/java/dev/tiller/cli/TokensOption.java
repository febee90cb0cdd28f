package dev.tiller.cli;

import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code --tokens}: token ids as {@code tiller tokenize} prints them ({@code [2,17]}) or as a list
 * ({@code 2,17}, {@code 2, 17}, {@code 2 17}).
 */
final class TokensOption {
    @Spec(Spec.Target.MIXEE)
    CommandSpec spec;

    int[] tokens;

    @Option(names = "--tokens", required = true, paramLabel = "IDS",
            description = "token ids: 2,17,... or a JSON array as `tiller tokenize` prints it ([2,17,...])")
    void setTokens(String text) {
        tokens = parse(spec, text);
    }

    static int[] parse(CommandSpec spec, String text) {
        String t = text.strip();
        if (t.startsWith("[") && t.endsWith("]")) t = t.substring(1, t.length() - 1);
        List<Integer> ids = new ArrayList<>();
        for (String part : t.split("[,\\s]+")) {
            if (part.isEmpty()) continue;
            try {
                ids.add(Integer.parseInt(part));
            } catch (NumberFormatException e) {
                throw Cli.usage(spec, "--tokens: '" + part + "' is not a token id");
            }
        }
        if (ids.isEmpty()) throw Cli.usage(spec, "--tokens: no token ids in '" + text + "'");
        return ids.stream().mapToInt(Integer::intValue).toArray();
    }
}
