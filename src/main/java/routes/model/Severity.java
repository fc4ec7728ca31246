package routes.model;

import java.util.Locale;

/** An alert's severity, lowest first, from its confidence: informational, warning, critical. */
public enum Severity {
    INFORMATIONAL, WARNING, CRITICAL;

    /** The severity of this name ({@code warning}); null for a name that is none of the three. */
    public static Severity named(String name) {
        if (name == null) {
            return null;
        }
        for (Severity severity : values()) {
            if (severity.word().equals(name.strip().toLowerCase(Locale.ROOT))) {
                return severity;
            }
        }
        return null;
    }

    /** The name alerts, outputs and the API use. */
    public String word() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The higher of two severities by name (an unknown name counts lowest). */
    public static String higher(String a, String b) {
        Severity x = named(a);
        Severity y = named(b);
        return y != null && (x == null || y.compareTo(x) > 0) ? b : a;
    }
}
