package dev.tiller.cli;

import dev.tiller.Model;

import java.nio.file.Path;

import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** The tokens of {@code tiller heads}: {@code --tokens 2,17,...} or {@code --text-file F} (tokenized with BOS). */
final class HeadsInput {
    @Spec(Spec.Target.MIXEE)
    CommandSpec spec;

    static final class Source {
        @Option(names = "--tokens", paramLabel = "IDS", description = "token ids: 2,17,... or a JSON array")
        String tokens;

        @Option(names = "--text-file", paramLabel = "F", description = "UTF-8 text, tokenized with the model's tokenizer and BOS")
        Path textFile;
    }

    @ArgGroup(exclusive = true, multiplicity = "1")
    Source source;

    int[] tokens(Model m) {
        int[] ids = source.tokens != null ? TokensOption.parse(spec, source.tokens)
                : m.tokenizer().encode(PromptText.read(source.textFile), true, false);
        if (ids.length == 0) throw Cli.usage(spec, "--text-file " + source.textFile + " holds no text");
        int vocab = m.info().vocabularySize();
        for (int i = 0; i < ids.length; i++)
            if (ids[i] < 0 || ids[i] >= vocab) throw Cli.usage(spec, "--tokens: id " + ids[i] + " at index " + i + " is outside [0, " + vocab + ")");
        Cli.warnPastTraining(spec, "the input of " + ids.length + " tokens", ids.length, m);
        return ids;
    }
}
