package dev.tiller.cli;

import dev.tiller.Model;
import dev.tiller.serve.ServerConfig;
import dev.tiller.serve.TillerServer;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code tiller serve --model M.gguf [--host H] [--port P] [--parallel N] [--ctx N] [--threads N]
 * [--api-key K] [--steering-dir DIR] [--sae SAE] [--steer V[:S]]...}: an OpenAI-compatible server
 * until Ctrl-C.
 */
@Command(name = "serve", mixinStandardHelpOptions = true,
        description = "Serve the model over HTTP: OpenAI's /v1/chat/completions and /v1/completions (streaming too), with steering "
                + "as a request field ('steering': [{vector, strength, positions}]) over the vectors of --steering-dir.")
final class ServeCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    RunOptions run;

    @Option(names = "--host", paramLabel = "H", description = "address to listen on (default: ${DEFAULT-VALUE}, loopback only)")
    String host = "127.0.0.1";

    @Option(names = "--port", paramLabel = "P", description = "port (default: ${DEFAULT-VALUE}; 0 picks a free one)")
    int port = 8080;

    @Option(names = {"-np", "--parallel"}, paramLabel = "N", description = "session slots decoding at once, each with its own context (default: ${DEFAULT-VALUE})")
    int parallel = 1;

    @Option(names = "--queue", paramLabel = "N", description = "requests that may wait for a slot before the server answers 503 (default: ${DEFAULT-VALUE})")
    int queue = 64;

    @Option(names = "--api-key", paramLabel = "K",
            description = "require 'Authorization: Bearer K' on every endpoint but /health (default: the environment's TILLER_API_KEY, else none)")
    String apiKey = System.getenv("TILLER_API_KEY");

    @Option(names = "--steering-dir", paramLabel = "DIR", description = "the vectors requests may name (.safetensors steering vectors, .gguf control vectors)")
    Path steeringDir;

    @Option(names = "--sae", paramLabel = "SAE", description = "the SAE of SAS vectors (default: the one each vector records)")
    Path sae;

    @Option(names = "--steer", paramLabel = "V[:S]", description = "a steering vector applied to every request, with its strength (repeatable)")
    List<String> steer = new ArrayList<>();

    @Option(names = "--steer-positions", paramLabel = "MODE",
            description = "which tokens the --steer vectors change: all, after-instruction or generated (default: after-instruction for chat, all for completions)")
    String steerPositions;

    @Option(names = "--max-body", paramLabel = "BYTES", description = "largest request body accepted (default: ${DEFAULT-VALUE}, 8 MiB)")
    long maxBody = 8L << 20;

    @Option(names = {"-a", "--alias"}, paramLabel = "NAME", description = "the model's id in the API (default: the file name without .gguf)")
    String alias;

    @Override
    public Integer call() throws InterruptedException {
        List<ServerConfig.SteerFile> startup = new ArrayList<>();
        for (String s : steer) {
            SteeringOptions.Scaled v = SteeringOptions.Scaled.parse("--steer", s);
            startup.add(new ServerConfig.SteerFile(Path.of(v.file()), v.strength()));
        }
        try (Model m = Model.load(run.model)) {
            ServerConfig config = new ServerConfig(host, port, parallel, run.contextLength(m), run.threads(), apiKey, steeringDir, sae, startup,
                    steerPositions, queue, maxBody, alias);
            CountDownLatch stopped = new CountDownLatch(1);
            try (TillerServer server = TillerServer.start(m, config)) {
                Interrupts.onInterrupt(stopped::countDown);
                System.err.printf("serving %s on %s (%d slot%s of %d tokens%s); Ctrl-C stops%n", server.modelId(), server.baseUri(), parallel,
                        parallel == 1 ? "" : "s", config.contextLength(), apiKey != null ? ", API key required" : "");
                if (!host.equals("127.0.0.1") && !host.equals("localhost") && !host.equals("::1") && apiKey == null) {
                    Cli.warn(spec, "listening on " + host + " without --api-key: anyone who reaches this address can use the model");
                }
                stopped.await();
            }
        }
        return 0;
    }
}
