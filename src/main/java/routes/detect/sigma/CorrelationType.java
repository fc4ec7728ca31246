package routes.detect.sigma;

import com.fasterxml.jackson.annotation.JsonValue;

import java.util.Locale;

/** The kinds of Sigma correlation rule: what a correlation counts or measures in its window. */
public enum CorrelationType {
    EVENT_COUNT, VALUE_COUNT, TEMPORAL, TEMPORAL_ORDERED, VALUE_SUM, VALUE_AVG, VALUE_PERCENTILE;

    /** The type a rule names ({@code event_count}); null for a name that is none of them. */
    public static CorrelationType named(String name) {
        for (CorrelationType type : values()) {
            if (type.word().equals(name)) {
                return type;
            }
        }
        return null;
    }

    /** The name rules use, as written in Sigma: {@code event_count}, {@code temporal_ordered}, ... */
    @JsonValue
    public String word() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Whether the condition measures a field's numbers (sum, average, percentile). */
    public boolean aggregatesNumbers() {
        return this == VALUE_SUM || this == VALUE_AVG || this == VALUE_PERCENTILE;
    }

    public boolean temporal() {
        return this == TEMPORAL || this == TEMPORAL_ORDERED;
    }

    @Override
    public String toString() {
        return word();
    }
}
