package routes.store;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The histogram's buckets for a stats request, the same in every event store: {@code count} buckets of
 * {@code width} milliseconds from {@code first}, aligned to the epoch, covering from and to.
 */
record TimeBuckets(Duration interval, long first, long width, int count) {

    static final int MAX_BUCKETS = 10_000;

    private static final Duration[] INTERVALS = {Duration.ofSeconds(1), Duration.ofSeconds(5),
            Duration.ofSeconds(10), Duration.ofSeconds(30), Duration.ofMinutes(1), Duration.ofMinutes(5),
            Duration.ofMinutes(10), Duration.ofMinutes(30), Duration.ofHours(1), Duration.ofHours(3),
            Duration.ofHours(12), Duration.ofDays(1), Duration.ofDays(7), Duration.ofDays(30)};

    /** The buckets for a range, at the requested interval or, when none, one giving about 60 buckets. */
    static TimeBuckets of(Instant from, Instant to, Duration requested) {
        Duration interval = requested != null ? requested : niceInterval(from, to);
        long width = Math.max(1, interval.toMillis());
        long first = Math.floorDiv(from.toEpochMilli(), width) * width;
        long count = Math.floorDiv(to.toEpochMilli() - first, width) + 1;
        if (count > MAX_BUCKETS || count < 1) {
            throw new EventStore.InvalidQueryException("interval " + interval + " gives " + count
                    + " buckets between from and to; the most is " + MAX_BUCKETS, null);
        }
        return new TimeBuckets(interval, first, width, (int) count);
    }

    /** The smallest round interval that divides the range into at most 60 buckets. */
    static Duration niceInterval(Instant from, Instant to) {
        long span = Math.max(1, to.toEpochMilli() - from.toEpochMilli());
        for (Duration interval : INTERVALS) {
            if (span / interval.toMillis() <= 60) {
                return interval;
            }
        }
        return Duration.ofMillis(Math.ceilDiv(span, 60));
    }

    /** The bucket a time falls in, or -1 when outside. */
    int slot(long epochMillis) {
        long slot = Math.floorDiv(epochMillis - first, width);
        return slot >= 0 && slot < count ? (int) slot : -1;
    }

    List<EventStore.Bucket> histogram(long[] counts) {
        List<EventStore.Bucket> histogram = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            histogram.add(new EventStore.Bucket(Instant.ofEpochMilli(first + i * width), counts[i]));
        }
        return histogram;
    }
}
