package routes.store;

import routes.model.Timestamps;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the time bounds people type into a search: ISO-8601 date-times, plain dates, epoch milliseconds, and
 * {@code now} with an optional offset ({@code now-15m}, {@code now-7d}).
 */
public final class TimeBounds {

    private static final Pattern RELATIVE = Pattern.compile("now(?:([+-])(\\d+)([smhdw]))?");

    private TimeBounds() {
    }

    /**
     * @param endOfDay for a plain date, take the last millisecond of that day (an inclusive upper bound)
     * @return the instant, or null when the text is none of the accepted forms
     */
    public static Instant parse(String text, boolean endOfDay) {
        if (text == null || text.isBlank()) {
            return null;
        }
        String t = text.trim();
        Matcher relative = RELATIVE.matcher(t);
        if (relative.matches()) {
            Instant now = Instant.now();
            if (relative.group(1) == null) {
                return now;
            }
            long amount = Long.parseLong(relative.group(2));
            Duration offset = switch (relative.group(3)) {
                case "s" -> Duration.ofSeconds(amount);
                case "m" -> Duration.ofMinutes(amount);
                case "h" -> Duration.ofHours(amount);
                case "d" -> Duration.ofDays(amount);
                default -> Duration.ofDays(7 * amount);
            };
            return relative.group(1).equals("-") ? now.minus(offset) : now.plus(offset);
        }
        if (t.chars().allMatch(Character::isDigit) && t.length() <= 15) {
            return Instant.ofEpochMilli(Long.parseLong(t));
        }
        try {
            if (t.length() == 10) {
                LocalDate date = LocalDate.parse(t);
                return endOfDay ? date.plusDays(1).atStartOfDay().toInstant(ZoneOffset.UTC).minusMillis(1)
                        : date.atStartOfDay().toInstant(ZoneOffset.UTC);
            }
            return Timestamps.parseIso(t);
        } catch (DateTimeParseException e) {
            return null;
        }
    }
}
