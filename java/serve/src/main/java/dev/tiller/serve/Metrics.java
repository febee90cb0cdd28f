package dev.tiller.serve;

import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.DoubleAdder;
import java.util.function.IntSupplier;

/** Counters for {@code GET /metrics}, in Prometheus' text format. */
final class Metrics {
    private final Map<String, AtomicLong> requests = new ConcurrentHashMap<>();
    private final AtomicLong promptTokens = new AtomicLong();
    private final AtomicLong generatedTokens = new AtomicLong();
    private final DoubleAdder promptSeconds = new DoubleAdder();
    private final DoubleAdder generationSeconds = new DoubleAdder();

    void request(String endpoint, int status) {
        requests.computeIfAbsent(endpoint + "\u0000" + status, k -> new AtomicLong()).incrementAndGet();
    }

    void tokens(int prompt, int generated, double promptS, double genS) {
        promptTokens.addAndGet(prompt);
        generatedTokens.addAndGet(generated);
        promptSeconds.add(promptS);
        generationSeconds.add(genS);
    }

    String text(IntSupplier busy, IntSupplier slots, IntSupplier waiting) {
        StringBuilder sb = new StringBuilder();
        sb.append("# HELP tiller_requests_total HTTP requests answered, by endpoint and status.\n# TYPE tiller_requests_total counter\n");
        for (var e : new TreeMap<>(requests).entrySet()) {
            String[] k = e.getKey().split("\u0000");
            sb.append("tiller_requests_total{endpoint=\"").append(k[0]).append("\",status=\"").append(k[1]).append("\"} ").append(e.getValue()).append('\n');
        }
        counter(sb, "tiller_prompt_tokens_total", "Prompt tokens evaluated.", promptTokens.get());
        counter(sb, "tiller_generated_tokens_total", "Tokens generated.", generatedTokens.get());
        counter(sb, "tiller_prompt_seconds_total", "Seconds spent evaluating prompts.", promptSeconds.sum());
        counter(sb, "tiller_generation_seconds_total", "Seconds spent generating.", generationSeconds.sum());
        double g = generationSeconds.sum();
        gauge(sb, "tiller_generated_tokens_per_second", "Generated tokens over generation seconds, since start.", g > 0 ? generatedTokens.get() / g : 0);
        gauge(sb, "tiller_slots", "Session slots (--parallel).", slots.getAsInt());
        gauge(sb, "tiller_slots_busy", "Slots serving a request now.", busy.getAsInt());
        gauge(sb, "tiller_queue_length", "Requests waiting for a slot.", waiting.getAsInt());
        return sb.toString();
    }

    private static void counter(StringBuilder sb, String name, String help, double v) {
        sb.append("# HELP ").append(name).append(' ').append(help).append("\n# TYPE ").append(name).append(" counter\n");
        sb.append(name).append(' ').append(num(v)).append('\n');
    }

    private static void gauge(StringBuilder sb, String name, String help, double v) {
        sb.append("# HELP ").append(name).append(' ').append(help).append("\n# TYPE ").append(name).append(" gauge\n");
        sb.append(name).append(' ').append(num(v)).append('\n');
    }

    private static String num(double v) {
        return v == Math.rint(v) ? Long.toString((long) v) : String.format(Locale.ROOT, "%.6g", v);
    }
}
