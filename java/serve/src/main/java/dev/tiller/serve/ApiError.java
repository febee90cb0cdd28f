package dev.tiller.serve;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * A request that cannot be served, answered as OpenAI answers: an HTTP status and
 * {@code {"error": {"message", "type", "param", "code"}}}.
 */
final class ApiError extends RuntimeException {
    private static final long serialVersionUID = 1L;

    final int status;
    final String type;
    final String param;
    final String code;
    /** Seconds a client should wait before retrying (503), or 0. */
    final int retryAfter;

    private ApiError(int status, String type, String message, String param, String code, int retryAfter) {
        super(message);
        this.status = status;
        this.type = type;
        this.param = param;
        this.code = code;
        this.retryAfter = retryAfter;
    }

    static ApiError badRequest(String param, String message) {
        return new ApiError(400, "invalid_request_error", message, param, null, 0);
    }

    static ApiError unauthorized() {
        return new ApiError(401, "invalid_request_error", "missing or wrong API key (send it as 'Authorization: Bearer KEY')", null,
                "invalid_api_key", 0);
    }

    static ApiError notFound(String param, String code, String message) {
        return new ApiError(404, "invalid_request_error", message, param, code, 0);
    }

    static ApiError tooLarge(long limit) {
        return new ApiError(413, "invalid_request_error", "request body is larger than the server's limit of " + limit + " bytes", null,
                "request_too_large", 0);
    }

    static ApiError busy(int retryAfter) {
        return new ApiError(503, "server_busy", "every slot is busy and the queue is full; retry later", null, "server_busy", retryAfter);
    }

    static ApiError internal(String message) {
        return new ApiError(500, "server_error", message, null, null, 0);
    }

    ObjectNode json(ObjectMapper mapper) {
        ObjectNode root = mapper.createObjectNode();
        ObjectNode e = root.putObject("error");
        e.put("message", getMessage());
        e.put("type", type);
        e.put("param", param);
        e.put("code", code);
        return root;
    }
}
