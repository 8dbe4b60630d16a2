package dev.herd.cli;

import com.fasterxml.jackson.databind.SerializationFeature;
import dev.herd.api.Json;
import java.io.IOException;
import java.io.PrintWriter;

/** Prints a result as JSON (--json) or as the text a command formats. */
final class Output {
    private Output() {}

    static void json(PrintWriter out, Object value) {
        try {
            out.println(Json.MAPPER.copy().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(value));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** One compact JSON document on one line, for streams a program reads line by line (`herd config watch`). */
    static void jsonLine(PrintWriter out, Object value) {
        try {
            out.println(Json.MAPPER.writeValueAsString(value));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    static String yesNo(boolean b) {
        return b ? "Yes" : "No";
    }
}
