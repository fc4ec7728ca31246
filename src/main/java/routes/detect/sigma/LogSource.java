package routes.detect.sigma;

import java.util.Locale;

/** A rule's {@code logsource}: which events it is written for. Null parts match any event. */
public record LogSource(String product, String category, String service) {

    public static LogSource of(String product, String category, String service) {
        return new LogSource(lower(product), lower(category), lower(service));
    }

    private static String lower(String value) {
        return value == null || value.isBlank() ? null : value.trim().toLowerCase(Locale.ROOT);
    }
}
