package dev.tiller.serve;

import dev.tiller.steer.SteerPositions;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * How {@code tiller serve} runs: where it listens, its slots and their context, its key and its
 * steering. {@code contextLength} and {@code threads} are per slot; {@code threads} 0 is one per
 * core. {@code startupPositions} (null: after the instruction for chat, every token for
 * completions) says which tokens the start-up vectors change.
 */
public record ServerConfig(String host, int port, int parallel, int contextLength, int threads, String apiKey, Path steeringDir, Path sae,
        List<SteerFile> steer, String startupPositions, int queueLimit, long maxBodyBytes, String alias) {

    /** A start-up {@code --steer} vector and its strength. */
    public record SteerFile(Path file, float strength) {
        public SteerFile {
            Objects.requireNonNull(file, "file");
            if (!Float.isFinite(strength)) throw new IllegalArgumentException("steering strength must be finite, got " + strength);
        }
    }

    public ServerConfig {
        Objects.requireNonNull(host, "host");
        if (port < 0 || port > 65535) throw new IllegalArgumentException("--port must be in [0, 65535], got " + port);
        if (parallel < 1 || parallel > 256) throw new IllegalArgumentException("--parallel must be in [1, 256], got " + parallel);
        if (contextLength < 1) throw new IllegalArgumentException("the context must be >= 1 token, got " + contextLength);
        if (threads < 0) throw new IllegalArgumentException("--threads must be >= 0, got " + threads);
        if (apiKey != null && apiKey.isEmpty()) throw new IllegalArgumentException("--api-key must not be empty");
        steer = List.copyOf(steer);
        if (startupPositions != null && SteerPositions.named(startupPositions) == null) {
            throw new IllegalArgumentException("--steer-positions must be " + SteerPositions.NAMES + ", got '" + startupPositions + "'");
        }
        if (queueLimit < 0) throw new IllegalArgumentException("--queue must be >= 0, got " + queueLimit);
        if (maxBodyBytes < 1024) throw new IllegalArgumentException("--max-body must be at least 1024 bytes, got " + maxBodyBytes);
    }

    /** Loopback, port 8080, one slot, no key, no steering: llama.cpp's server defaults where it has them. */
    public static ServerConfig defaults(int contextLength) {
        return new ServerConfig("127.0.0.1", 8080, 1, contextLength, 0, null, null, null, List.of(), null, 64, 8L << 20, null);
    }

    public ServerConfig withPort(int p) {
        return new ServerConfig(host, p, parallel, contextLength, threads, apiKey, steeringDir, sae, steer, startupPositions, queueLimit, maxBodyBytes, alias);
    }

    public ServerConfig withParallel(int n) {
        return new ServerConfig(host, port, n, contextLength, threads, apiKey, steeringDir, sae, steer, startupPositions, queueLimit, maxBodyBytes, alias);
    }

    public ServerConfig withThreads(int n) {
        return new ServerConfig(host, port, parallel, contextLength, n, apiKey, steeringDir, sae, steer, startupPositions, queueLimit, maxBodyBytes, alias);
    }

    public ServerConfig withApiKey(String k) {
        return new ServerConfig(host, port, parallel, contextLength, threads, k, steeringDir, sae, steer, startupPositions, queueLimit, maxBodyBytes, alias);
    }

    public ServerConfig withSteering(Path dir, Path saeFile, List<SteerFile> startup) {
        return new ServerConfig(host, port, parallel, contextLength, threads, apiKey, dir, saeFile, startup, startupPositions, queueLimit, maxBodyBytes, alias);
    }

    public ServerConfig withQueueLimit(int n) {
        return new ServerConfig(host, port, parallel, contextLength, threads, apiKey, steeringDir, sae, steer, startupPositions, n, maxBodyBytes, alias);
    }

    public ServerConfig withMaxBodyBytes(long n) {
        return new ServerConfig(host, port, parallel, contextLength, threads, apiKey, steeringDir, sae, steer, startupPositions, queueLimit, n, alias);
    }
}
