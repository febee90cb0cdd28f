package dev.tiller.cli;

import dev.tiller.AdaptiveAttention;
import dev.tiller.HeadRecord;
import dev.tiller.Model;
import dev.tiller.Session;
import dev.tiller.SessionOptions;
import dev.tiller.heads.HeadReport;
import dev.tiller.io.AtomicFiles;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code tiller heads score --model M.gguf (--tokens ... | --text-file F) --t-sink S --t-local L
 * [--moments bulk|local] --out F.f32}: for each global layer in order, a record {@code int32 layer,
 * int32 n_head, int32 n_tokens, float32[n_tokens][n_head][2]} of (p-hat, p_bulk), little-endian,
 * from dense attention over the tokens.
 */
@Command(name = "score", mixinStandardHelpOptions = true,
        description = "Write each global layer's (p-hat, p_bulk) per query and head: records int32 layer, n_head, "
                + "n_tokens, then float32[n_tokens][n_head][2], little-endian.")
final class HeadsScoreCommand implements Callable<Integer> {
    @Option(names = {"-m", "--model"}, required = true, paramLabel = "M.gguf", description = "GGUF model file")
    Path model;

    @Mixin
    HeadsInput input;

    @Mixin
    AttentionWindowOptions window;

    @Mixin
    ThreadsOption threads;

    @Option(names = "--out", required = true, paramLabel = "F.f32", description = "output file")
    Path out;

    @Override
    public Integer call() {
        AtomicFiles.checkWritable(out);
        AdaptiveAttention w = window.apply(AdaptiveAttention.dense());
        try (Model m = Model.load(model)) {
            int[] tokens = input.tokens(m);
            try (Session s = m.newSession(new SessionOptions(tokens.length, threads.threads))) {
                List<HeadRecord> records = HeadReport.score(s, tokens, w);
                AtomicFiles.write(out, os -> {
                    F32Writer fw = new F32Writer(os);
                    for (HeadRecord r : records) {
                        fw.writeInts(r.layer(), r.heads(), r.tokens());
                        fw.write(r.estimates());
                    }
                });
            }
        }
        return 0;
    }
}
