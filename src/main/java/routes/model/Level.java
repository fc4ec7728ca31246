package routes.model;

import java.util.Locale;

/** A Sigma rule's level, lowest first: how bad a match is on its own. */
public enum Level {
    INFORMATIONAL, LOW, MEDIUM, HIGH, CRITICAL;

    /** The level a rule names ({@code high}); null for a name that is none of the five. */
    public static Level named(String name) {
        if (name == null) {
            return null;
        }
        for (Level level : values()) {
            if (level.word().equals(name.strip().toLowerCase(Locale.ROOT))) {
                return level;
            }
        }
        return null;
    }

    /** The name rules and documents use: {@code informational}, {@code low}, ... */
    public String word() {
        return name().toLowerCase(Locale.ROOT);
    }

    public boolean atLeast(Level other) {
        return compareTo(other) >= 0;
    }
}
