package dev.tiller.cli;

import dev.tiller.io.AtomicFiles;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.stream.IntStream;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code tiller residuals --model M.gguf --tokens ... --out F.f32}: every layer's resid_post as
 * records {@code int32 layer, int32 n_embd, int32 n_tokens, float32[n_tokens][n_embd]}.
 */
@Command(name = "residuals", mixinStandardHelpOptions = true,
        description = "Write every layer's residual stream (resid_post) in the fixture record format.")
final class ResidualsCommand implements Callable<Integer> {
    @Mixin
    ModelOptions opts;

    @Mixin
    SteeringOptions steering;

    @Option(names = "--out", required = true, paramLabel = "F.f32", description = "output file")
    Path out;

    @Override
    public Integer call() {
        opts.runSteered(steering, out, (model, session, tokens) -> {
            int nLayer = model.info().layerCount(), nEmbd = model.info().embeddingLength();
            session.captureLayers(IntStream.range(0, nLayer).toArray());
            session.evaluate(tokens);
            AtomicFiles.write(out, os -> {
                F32Writer w = new F32Writer(os);
                for (int il = 0; il < nLayer; il++) {
                    w.writeInts(il, nEmbd, tokens.length);
                    w.write(session.captured(il).segment());
                }
            });
        });
        return 0;
    }
}
