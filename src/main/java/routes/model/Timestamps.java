package routes.model;

import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;

/** Reads the timestamp formats found in security logs, inferring what a format leaves out. */
public final class Timestamps {

    private static final String[] MONTHS = {"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct",
            "Nov", "Dec"};
    /**
     * An RFC 3164 time lands in the year that puts it no more than a day after it was received (clocks and zones
     * disagree by hours, not weeks) and less than a year before: a "Dec 10" line read on Dec 2 is last year's.
     */
    private static final Duration FUTURE_TOLERANCE = Duration.ofDays(1);
    private static final Duration PAST_TOLERANCE = Duration.ofDays(364);

    private Timestamps() {
    }

    /** The earliest and latest times an event may carry: four-digit years, as ISO-8601 and both stores write them. */
    public static final Instant EARLIEST = Instant.parse("0001-01-01T00:00:00Z");
    public static final Instant LATEST = Instant.parse("9999-12-31T23:59:59.999Z");

    /** Whether an event may carry this time; outside the range it is refused as a value of its field. */
    public static boolean inRange(Instant instant) {
        return !instant.isBefore(EARLIEST) && !instant.isAfter(LATEST);
    }

    /**
     * A number read as an epoch time: seconds below 10^11 (until the year 5138), milliseconds above; null when it is
     * no time an event may carry.
     */
    public static Instant fromEpoch(long number) {
        try {
            Instant instant = Math.abs(number) < 100_000_000_000L ? Instant.ofEpochSecond(number)
                    : Instant.ofEpochMilli(number);
            return inRange(instant) ? instant : null;
        } catch (DateTimeException | ArithmeticException e) {
            return null;
        }
    }

    /**
     * Parses ISO-8601 / RFC 3339 date-times: {@code T} or a space between date and time, any fraction, and an
     * offset as {@code Z}, {@code +hh:mm} or {@code +hhmm}. Without an offset the time is taken as UTC.
     */
    public static Instant parseIso(String text) {
        return parseIso(text, ZoneOffset.UTC);
    }

    /** As {@link #parseIso(String)}, reading a time without offset in the given zone. */
    public static Instant parseIso(String text, ZoneId zone) {
        if (text.length() < 19 || text.charAt(4) != '-' || text.charAt(7) != '-') {
            throw new DateTimeParseException("not an ISO-8601 date-time", text, 0);
        }
        char[] chars = text.toCharArray();
        if (chars[10] == ' ') {
            chars[10] = 'T';
        }
        String normal = new String(chars);
        int offsetAt = offsetStart(normal);
        if (offsetAt < 0) {
            return LocalDateTime.parse(normal, DateTimeFormatter.ISO_LOCAL_DATE_TIME).atZone(zone).toInstant();
        }
        String offset = normal.substring(offsetAt);
        if (offset.length() == 5 && offset.charAt(0) != 'Z') {
            normal = normal.substring(0, offsetAt) + offset.substring(0, 3) + ":" + offset.substring(3);
        }
        return OffsetDateTime.parse(normal, DateTimeFormatter.ISO_OFFSET_DATE_TIME).toInstant();
    }

    private static int offsetStart(String text) {
        for (int i = 19; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == 'Z' || c == 'z' || c == '+' || c == '-') {
                return i;
            }
        }
        return -1;
    }

    /** The month number (1-12) of an English three-letter abbreviation at the offset, or 0. */
    public static int month(CharSequence text, int offset) {
        if (text.length() < offset + 3) {
            return 0;
        }
        for (int m = 0; m < 12; m++) {
            String name = MONTHS[m];
            if (text.charAt(offset) == name.charAt(0) && text.charAt(offset + 1) == name.charAt(1)
                    && text.charAt(offset + 2) == name.charAt(2)) {
                return m + 1;
            }
        }
        return 0;
    }

    /**
     * Completes an RFC 3164 time (no year, no zone): in the given zone, in the year that puts it at most a day after
     * the time it was received and less than a year before (a December line read in January belongs to the year
     * before, and so does a "Dec 10" line read on Dec 2).
     */
    public static Instant inferYear(int month, int day, int hour, int minute, int second, int nanos,
                                    ZoneId zone, Instant received) {
        int year = received.atZone(zone).getYear();
        Instant candidate = LocalDateTime.of(year, month, day, hour, minute, second, nanos).atZone(zone).toInstant();
        if (candidate.isAfter(received.plus(FUTURE_TOLERANCE))) {
            return LocalDateTime.of(year - 1, month, day, hour, minute, second, nanos).atZone(zone).toInstant();
        }
        if (candidate.isBefore(received.minus(PAST_TOLERANCE))) {
            return LocalDateTime.of(year + 1, month, day, hour, minute, second, nanos).atZone(zone).toInstant();
        }
        return candidate;
    }

    /** Parses the Common Log Format time {@code 10/Oct/2000:13:55:36 -0700} (a one-digit day too), or null. */
    public static Instant parseCommonLog(String time) {
        String text = time.length() == 25 && time.charAt(1) == '/' ? "0" + time : time;
        if (text.length() != 26 || text.charAt(2) != '/' || text.charAt(6) != '/' || text.charAt(11) != ':') {
            return null;
        }
        try {
            int day = twoDigits(text, 0);
            int month = month(text, 3);
            int year = Integer.parseInt(text, 7, 11, 10);
            int hour = twoDigits(text, 12);
            int minute = twoDigits(text, 15);
            int second = twoDigits(text, 18);
            int sign = text.charAt(21) == '-' ? -1 : 1;
            int offsetMinutes = sign * (twoDigits(text, 22) * 60 + twoDigits(text, 24));
            if (month == 0) {
                return null;
            }
            return LocalDateTime.of(year, month, day, hour, minute, second)
                    .toInstant(ZoneOffset.ofTotalSeconds(offsetMinutes * 60));
        } catch (RuntimeException e) {
            return null;
        }
    }

    /**
     * Parses the Apache error log time {@code Wed Oct 11 14:32:52 2000} (optionally with microseconds) in the
     * given zone, or returns null.
     */
    public static Instant parseCtime(String text, ZoneId zone) {
        try {
            int month = month(text, 4);
            int day = Integer.parseInt(text.substring(8, 10).trim());
            int hour = twoDigits(text, 11);
            int minute = twoDigits(text, 14);
            int second = twoDigits(text, 17);
            int nanos = 0;
            int yearAt = 20;
            if (text.charAt(19) == '.') {
                int end = text.indexOf(' ', 20);
                String fraction = text.substring(20, end);
                nanos = Integer.parseInt((fraction + "000000000").substring(0, 9));
                yearAt = end + 1;
            }
            int year = Integer.parseInt(text.substring(yearAt).trim());
            if (month == 0) {
                return null;
            }
            return LocalDateTime.of(year, month, day, hour, minute, second, nanos).atZone(zone).toInstant();
        } catch (RuntimeException e) {
            return null;
        }
    }

    /** Parses nginx's error log time {@code 2024/03/05 10:00:01} in the given zone, or returns null. */
    public static Instant parseSlashed(String text, ZoneId zone) {
        if (text.length() != 19 || text.charAt(4) != '/' || text.charAt(7) != '/') {
            return null;
        }
        try {
            return parseIso(text.replace('/', '-'), zone);
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    public static int twoDigits(CharSequence text, int offset) {
        char a = text.charAt(offset);
        char b = text.charAt(offset + 1);
        if (a == ' ') {
            a = '0';
        }
        if (a < '0' || a > '9' || b < '0' || b > '9') {
            throw new NumberFormatException("not two digits at " + offset);
        }
        return (a - '0') * 10 + (b - '0');
    }
}
