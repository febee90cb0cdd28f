package dev.tiller.serve;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.tiller.Model;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** A server on the default model and a free port, with an HTTP client for it (tests only). */
final class Served implements AutoCloseable {
    static final ObjectMapper JSON = new ObjectMapper();

    record Reply(int status, HttpResponse<String> raw) {
        JsonNode json() {
            try {
                return JSON.readTree(raw.body());
            } catch (IOException e) {
                throw new UncheckedIOException("not JSON: " + raw.body(), e);
            }
        }

        String body() {
            return raw.body();
        }

        /** The data lines of a server-sent event stream, [DONE] included. */
        List<String> events() {
            List<String> out = new ArrayList<>();
            for (String line : raw.body().split("\n")) if (line.startsWith("data: ")) out.add(line.substring(6));
            return out;
        }
    }

    final Model model;
    final TillerServer server;
    final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    Served(Model model, ServerConfig config) {
        this.model = model;
        this.server = TillerServer.start(model, config.withPort(0));
    }

    static Path root() {
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            if (Files.isRegularFile(p.resolve("models/tiller-gemma2-tiny.gguf"))) return p;
        }
        throw new IllegalStateException("cannot find the repository's models/ folder above " + Path.of("").toAbsolutePath());
    }

    static Path models() {
        return root().resolve("models");
    }

    URI uri(String path) {
        return URI.create("http://127.0.0.1:" + server.port() + path);
    }

    Reply post(String path, String body, String... headers) {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri(path)).timeout(Duration.ofMinutes(2)).POST(HttpRequest.BodyPublishers.ofString(body));
        if (headers.length > 0) b.headers(headers);
        return send(b.build());
    }

    Reply get(String path, String... headers) {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri(path)).timeout(Duration.ofMinutes(1)).GET();
        if (headers.length > 0) b.headers(headers);
        return send(b.build());
    }

    private Reply send(HttpRequest r) {
        try {
            HttpResponse<String> res = client.send(r, HttpResponse.BodyHandlers.ofString());
            return new Reply(res.statusCode(), res);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        server.close();
        client.close();
    }
}
