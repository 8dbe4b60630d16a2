package dev.herd.daemon.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.herd.api.ApiTypes;
import dev.herd.api.HerdVersion;
import dev.herd.api.Json;
import dev.herd.daemon.ApiFailure;
import dev.herd.daemon.ClusterService;
import dev.herd.daemon.ConfigApi;
import dev.herd.daemon.JoinProtocol;
import dev.herd.daemon.config.HostPort;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.json.JavalinJackson;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * herdd's REST/JSON API (v1), the one the CLI and the GUI use. Every route but the join request needs the host's API
 * token as a bearer token; the join request is authenticated by the cluster's join token instead. Every error is
 * {@code {"error": what was wrong, "hint": what to do}}.
 */
public final class ApiServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ApiServer.class);
    private static final int MAX_BODY_BYTES = 64 * 1024;
    /** A config value of 1 MiB travels as base64 inside JSON: 4/3 of it plus room for the envelope. */
    private static final int MAX_CONFIG_BODY_BYTES = 1_500_000;

    private final Javalin app;

    public ApiServer(HostPort address, String apiToken, ClusterService cluster) {
        ConfigApi configApi = new ConfigApi(cluster);
        GuestLogs guestLogs = new GuestLogs(Path.of(cluster.settings().dataDir()));
        this.app = Javalin.create(config -> {
            config.startup.showJavalinBanner = false;
            config.startup.showOldJavalinVersionWarning = false;
            config.jsonMapper(new JavalinJackson(Json.MAPPER, false));
            config.http.maxRequestSize = MAX_CONFIG_BODY_BYTES;
            config.jetty.host = address.host();
            config.jetty.port = address.port();
            config.routes.before("/api/*", ctx -> authenticate(ctx, apiToken));
            config.routes.get("/api/v1/version", ctx -> ctx.json(Map.of("version", HerdVersion.current())));
            config.routes.get("/api/v1/status", ctx -> ctx.json(cluster.status()));
            config.routes.get("/api/v1/settings", ctx -> ctx.json(cluster.settings()));
            config.routes.get("/api/v1/quorum", ctx -> ctx.json(cluster.quorumInfo()));
            config.routes.post("/api/v1/quorum/what-if", ctx ->
                    ctx.json(cluster.whatIf(body(ctx, ApiTypes.WhatIfRequest.class).down())));
            config.routes.post("/api/v1/quorum/expected", ctx -> {
                ApiTypes.ExpectedVotesRequest req = body(ctx, ApiTypes.ExpectedVotesRequest.class);
                ctx.json(cluster.setExpectedVotes(req.expectedVotes()));
            });
            config.routes.post("/api/v1/cluster", ctx -> {
                ApiTypes.CreateClusterRequest req = body(ctx, ApiTypes.CreateClusterRequest.class);
                ctx.status(201).json(cluster.create(req.name(), req.preset(), req.expectedVotes()));
            });
            config.routes.post("/api/v1/cluster/join", ctx -> {
                ApiTypes.JoinClusterRequest req = body(ctx, ApiTypes.JoinClusterRequest.class);
                ctx.json(cluster.join(req.address(), req.joinToken()));
            });
            config.routes.get("/api/v1/cluster/join-token", ctx -> ctx.json(Map.of("join_token", cluster.joinToken())));
            config.routes.post(JoinProtocol.PATH, ctx -> ctx.json(cluster.acceptJoin(body(ctx, JoinProtocol.Request.class))));
            config.routes.post("/api/v1/cluster/leave", ctx -> ctx.json(cluster.leave()));
            config.routes.delete("/api/v1/cluster/nodes/{node}", ctx -> ctx.json(cluster.remove(ctx.pathParam("node"), false)));
            config.routes.post("/api/v1/cluster/nodes/{node}/forget", ctx ->
                    ctx.json(cluster.remove(ctx.pathParam("node"), true)));
            ConfigRoutes.add(config.routes, configApi);
            config.routes.get("/api/v1/guests/{id}/log", ctx ->
                    ctx.json(guestLogs.tail(ctx.pathParam("id"), ctx.queryParam("lines"))));
            config.routes.exception(ApiFailure.class, (e, ctx) ->
                    ctx.status(e.status()).json(new ApiTypes.ApiError(e.getMessage(), e.hint())));
            config.routes.exception(BadRequest.class, (e, ctx) ->
                    ctx.status(400).json(new ApiTypes.ApiError(e.getMessage(), "see docs/api.md for the request format")));
            config.routes.exception(Exception.class, (e, ctx) -> {
                log.error("API request {} {} failed", ctx.method(), ctx.path(), e);
                ctx.status(500).json(new ApiTypes.ApiError("internal error: " + e, "see the herdd log"));
            });
            config.routes.error(404, ctx -> {
                if (ctx.result() == null || ctx.result().isEmpty()) {
                    ctx.json(new ApiTypes.ApiError("no such API path: " + ctx.method() + " " + ctx.path(),
                            "see docs/api.md"));
                }
            });
        });
    }

    public void start() {
        app.start();
        log.info("API listening on port {}", app.port());
    }

    private static void authenticate(Context ctx, String apiToken) {
        if (ctx.path().equals(JoinProtocol.PATH)) {
            return; // authenticated by the proof of the join token inside ClusterService.acceptJoin
        }
        String header = ctx.header("Authorization");
        String presented = header != null && header.startsWith("Bearer ") ? header.substring(7).strip() : "";
        if (!MessageDigest.isEqual(presented.getBytes(StandardCharsets.UTF_8), apiToken.getBytes(StandardCharsets.UTF_8))) {
            ctx.status(401).json(new ApiTypes.ApiError("missing or wrong API token",
                    "the CLI reads it from <data_dir>/api-token on this host; or pass --token"));
            ctx.skipRemainingHandlers();
        }
    }

    static <T> T body(Context ctx, Class<T> type) {
        return body(ctx, type, MAX_BODY_BYTES);
    }

    static <T> T configBody(Context ctx, Class<T> type) {
        return body(ctx, type, MAX_CONFIG_BODY_BYTES);
    }

    private static <T> T body(Context ctx, Class<T> type, int maxBytes) {
        byte[] raw = ctx.bodyAsBytes();
        if (raw.length > maxBytes) {
            throw new BadRequest("request body of " + raw.length + " bytes is over " + maxBytes);
        }
        try {
            JsonNode tree = Json.MAPPER.readTree(raw);
            if (tree == null || !tree.isObject()) {
                throw new BadRequest("request body must be a JSON object");
            }
            return Json.MAPPER.treeToValue(tree, type);
        } catch (IOException e) {
            throw new BadRequest("request body is not valid JSON: " + e.getMessage().lines().findFirst().orElse(""));
        }
    }

    @Override
    public void close() {
        app.stop();
    }

    static final class BadRequest extends RuntimeException {
        BadRequest(String message) {
            super(message);
        }
    }

}
