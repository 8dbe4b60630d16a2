package dev.herd.daemon.api;

import dev.herd.api.ConfigTypes;
import dev.herd.daemon.ConfigApi;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;

/**
 * The configuration store's routes ({@code /api/v1/config/...}, docs/confdb.md "REST"). Paths travel as the query
 * parameter {@code path} rather than in the URL path, so a config path never meets URL path normalisation ("..", "//").
 */
final class ConfigRoutes {
    private ConfigRoutes() {}

    static void add(RoutesConfig routes, ConfigApi api) {
        routes.get("/api/v1/config/status", ctx -> ctx.json(api.status()));
        routes.get("/api/v1/config/list", ctx -> ctx.json(api.list(ctx.queryParam("prefix"))));
        routes.get("/api/v1/config/entry", ctx -> ctx.json(api.get(path(ctx))));
        routes.put("/api/v1/config/entry", ctx ->
                ctx.json(api.put(path(ctx), ApiServer.configBody(ctx, ConfigTypes.PutRequest.class))));
        routes.delete("/api/v1/config/entry", ctx ->
                ctx.json(api.delete(path(ctx), longParam(ctx, "expect_version"))));
        routes.get("/api/v1/config/history", ctx -> ctx.json(api.history(path(ctx))));
        routes.get("/api/v1/config/watch", ctx -> ctx.json(api.watch(ctx.queryParam("prefix"),
                longParam(ctx, "cursor"), longParam(ctx, "wait_ms"))));
        routes.get("/api/v1/config/locks/{name}", ctx -> ctx.json(api.lockInfo(ctx.pathParam("name"), null)));
        routes.post("/api/v1/config/locks/{name}", ctx -> ctx.json(api.lock(ctx.pathParam("name"),
                ApiServer.body(ctx, ConfigTypes.LockRequest.class).leaseMs())));
        routes.delete("/api/v1/config/locks/{name}", ctx -> ctx.json(api.unlock(ctx.pathParam("name"))));
    }

    private static String path(Context ctx) {
        String path = ctx.queryParam("path");
        if (path == null) {
            throw new ApiServer.BadRequest("the query parameter 'path' is missing, e.g. ?path=guests/100.toml");
        }
        return path;
    }

    private static Long longParam(Context ctx, String name) {
        String raw = ctx.queryParam(name);
        if (raw == null || raw.isEmpty()) {
            return null;
        }
        try {
            return Long.parseLong(raw);
        } catch (NumberFormatException e) {
            throw new ApiServer.BadRequest("query parameter '" + name + "' must be a number, got '" + raw + "'");
        }
    }
}
