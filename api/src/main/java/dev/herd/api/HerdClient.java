package dev.herd.api;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;

/** Talks to one herdd's REST API with its token. Errors come back as {@link ApiException} carrying the API's hint. */
public final class HerdClient {
    private final URI base;
    private final String token;
    private final HttpClient http;
    private final Duration timeout;

    public HerdClient(String apiAddress, String token, Duration timeout) {
        this.base = URI.create(apiAddress.startsWith("http") ? apiAddress : "http://" + apiAddress);
        this.token = token;
        this.timeout = timeout;
        this.http = HttpClient.newBuilder().connectTimeout(timeout).build();
    }

    /** The same client with another request timeout (joins wait for the membership to form). */
    public HerdClient withTimeout(Duration newTimeout) {
        return new HerdClient(base.toString(), token, newTimeout);
    }

    public URI base() {
        return base;
    }

    public <T> T get(String path, Class<T> type) {
        return send(HttpRequest.newBuilder(base.resolve(path)).GET(), type);
    }

    public JsonNode getJson(String path) {
        return get(path, JsonNode.class);
    }

    public <T> T post(String path, Object body, Class<T> type) {
        return send(HttpRequest.newBuilder(base.resolve(path)).POST(bodyOf(body)), type);
    }

    public <T> T put(String path, Object body, Class<T> type) {
        return send(HttpRequest.newBuilder(base.resolve(path)).PUT(bodyOf(body)), type);
    }

    public <T> T delete(String path, Class<T> type) {
        return send(HttpRequest.newBuilder(base.resolve(path)).DELETE(), type);
    }

    private static HttpRequest.BodyPublisher bodyOf(Object body) {
        try {
            return HttpRequest.BodyPublishers.ofByteArray(Json.MAPPER.writeValueAsBytes(body));
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot encode request body: " + e.getMessage(), e);
        }
    }

    private <T> T send(HttpRequest.Builder builder, Class<T> type) {
        HttpRequest request = builder.timeout(timeout).header("Authorization", "Bearer " + token)
                .header("Content-Type", "application/json").build();
        HttpResponse<byte[]> response;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
        } catch (ConnectException e) {
            throw new ApiException(0, "cannot reach herdd at " + base + " (connection refused)",
                    "is herdd running on this host? start it, or point the CLI at another host with --api");
        } catch (HttpTimeoutException e) {
            throw new ApiException(0, "herdd at " + base + " did not answer within " + timeout.toMillis() + " ms",
                    "the daemon may be overloaded or paused; try again or ask another host with --api");
        } catch (IOException e) {
            throw new ApiException(0, "cannot talk to herdd at " + base + ": " + e.getMessage(), null);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ApiException(0, "interrupted", null);
        }
        try {
            if (response.statusCode() / 100 != 2) {
                ApiTypes.ApiError error = readError(response.body());
                throw new ApiException(response.statusCode(), error.error(), error.hint());
            }
            return Json.MAPPER.readValue(response.body(), type);
        } catch (IOException e) {
            throw new ApiException(response.statusCode(), "unreadable answer from herdd at " + base + ": "
                    + e.getMessage(), "is something else listening on that port?");
        }
    }

    private static ApiTypes.ApiError readError(byte[] body) {
        try {
            ApiTypes.ApiError error = Json.MAPPER.readValue(body, ApiTypes.ApiError.class);
            if (error.error() != null) {
                return error;
            }
        } catch (IOException ignored) {
            // not one of ours: fall through to the raw text
        }
        return new ApiTypes.ApiError(new String(body, java.nio.charset.StandardCharsets.UTF_8).strip(), null);
    }

    /** An error answer of the API (or no answer): {@code status} 0 means the daemon was not reached. */
    public static final class ApiException extends RuntimeException {
        private final int status;
        private final String hint;

        public ApiException(int status, String message, String hint) {
            super(message);
            this.status = status;
            this.hint = hint;
        }

        public int status() {
            return status;
        }

        public String hint() {
            return hint;
        }
    }
}
