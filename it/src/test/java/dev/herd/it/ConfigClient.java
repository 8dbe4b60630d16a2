package dev.herd.it;

import dev.herd.api.ConfigTypes;
import dev.herd.api.HerdClient;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/** The configuration store's REST API as the process tests and benchmarks use it. */
final class ConfigClient {
    private final HerdClient http;

    ConfigClient(HerdClient http) {
        this.http = http;
    }

    static String q(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    ConfigTypes.WriteResult set(String path, String value) {
        return set(path, value.getBytes(StandardCharsets.UTF_8), null);
    }

    ConfigTypes.WriteResult set(String path, byte[] value, Long expectVersion) {
        return http.put("/api/v1/config/entry?path=" + q(path), new ConfigTypes.PutRequest(value, expectVersion),
                ConfigTypes.WriteResult.class);
    }

    ConfigTypes.WriteResult delete(String path) {
        return http.delete("/api/v1/config/entry?path=" + q(path), ConfigTypes.WriteResult.class);
    }

    /** The value as text, or null when absent. */
    String get(String path) {
        try {
            ConfigTypes.ConfigEntry e = http.get("/api/v1/config/entry?path=" + q(path), ConfigTypes.ConfigEntry.class);
            return new String(e.value(), StandardCharsets.UTF_8);
        } catch (HerdClient.ApiException e) {
            if (e.status() == 404) {
                return null;
            }
            throw e;
        }
    }

    ConfigTypes.ConfigList list(String prefix) {
        return http.get("/api/v1/config/list?prefix=" + q(prefix), ConfigTypes.ConfigList.class);
    }

    ConfigTypes.ConfdbStatus status() {
        return http.get("/api/v1/config/status", ConfigTypes.ConfdbStatus.class);
    }

    ConfigTypes.History history(String path) {
        return http.get("/api/v1/config/history?path=" + q(path), ConfigTypes.History.class);
    }
}
