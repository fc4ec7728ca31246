package routes.detect.anomaly;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What each source address did recently, in event time, for the anomaly features: failures and denials in
 * 10-second buckets over 5 minutes, and the distinct users, destination ports and hosts it touched. Also how often
 * values (user agents, ports, methods) and user/source pairs have been seen overall. Bounded: at most
 * {@code maxSources} sources and {@code maxValues} counted values, the least recently seen dropped first; each
 * source keeps at most {@link #DISTINCT_CAP} distinct users, ports and hosts (counts saturate there).
 */
final class SourceActivity {

    static final int DISTINCT_CAP = 32;
    private static final int BUCKET_SECONDS = 10;
    private static final int BUCKETS = 30;

    private final Map<String, Source> sources;
    private final Map<String, Boolean> pairs;
    /** Per counted name (user agent, port...), each value's count, each map bounded by {@code maxValues}. */
    private final Map<String, Map<String, long[]>> counts = new java.util.HashMap<>();
    private final Map<String, long[]> totals = new java.util.HashMap<>();
    private final int maxValues;

    SourceActivity(int maxSources, int maxValues) {
        this.maxValues = maxValues;
        sources = lru(maxSources);
        pairs = lru(maxValues);
    }

    private static <V> Map<String, V> lru(int max) {
        return new LinkedHashMap<>(1024, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, V> eldest) {
                return size() > max;
            }
        };
    }

    /** The source's record, created when first seen. */
    Source source(String address) {
        return sources.computeIfAbsent(address == null ? "-" : address, a -> new Source());
    }

    int sources() {
        return sources.size();
    }

    /** True the first time a user is seen from a source (as far as the bounded memory of pairs reaches). */
    boolean newPair(String user, String source) {
        return pairs.put(user + '\u0000' + source, Boolean.TRUE) == null;
    }

    /**
     * How rare a value is among those counted under the same name, in bits: -log2 of its share, counting this
     * sighting (a value seen once in a thousand scores about 10, a common one near 0).
     */
    double rarity(String name, String value) {
        long[] count = counts.computeIfAbsent(name, n -> lru(maxValues))
                .computeIfAbsent(value == null ? "" : value, k -> new long[1]);
        count[0]++;
        long[] total = totals.computeIfAbsent(name, n -> new long[1]);
        total[0]++;
        return -Math.log((double) count[0] / total[0]) / Math.log(2);
    }

    /** One source: counters per 10-second bucket, and the distinct things it touched with when it last did. */
    static final class Source {
        private final long[] bucketIds = new long[BUCKETS];
        private final int[] events = new int[BUCKETS];
        private final int[] failures = new int[BUCKETS];
        private final int[] denied = new int[BUCKETS];
        private final Distinct users = new Distinct();
        private final Distinct ports = new Distinct();
        private final Distinct hosts = new Distinct();
        private long reportMinute = Long.MIN_VALUE;
        private int reports;

        Source() {
            java.util.Arrays.fill(bucketIds, -1);
        }

        /** Counts one event of the source at the given second. */
        void record(long second, boolean failure, boolean deny) {
            long id = Math.floorDiv(second, BUCKET_SECONDS);
            int at = (int) Math.floorMod(id, BUCKETS);
            if (bucketIds[at] != id) {
                if (bucketIds[at] > id) {
                    return; // older than anything the buckets still hold
                }
                bucketIds[at] = id;
                events[at] = 0;
                failures[at] = 0;
                denied[at] = 0;
            }
            events[at]++;
            failures[at] += failure ? 1 : 0;
            denied[at] += deny ? 1 : 0;
        }

        int failures(long second, int seconds) {
            return sum(failures, second, seconds);
        }

        int events(long second, int seconds) {
            return sum(events, second, seconds);
        }

        int denied(long second, int seconds) {
            return sum(denied, second, seconds);
        }

        private int sum(int[] counter, long second, int seconds) {
            long newest = Math.floorDiv(second, BUCKET_SECONDS);
            long oldest = newest - Math.max(1, seconds / BUCKET_SECONDS) + 1;
            int total = 0;
            for (int i = 0; i < BUCKETS; i++) {
                if (bucketIds[i] >= oldest && bucketIds[i] <= newest) {
                    total += counter[i];
                }
            }
            return total;
        }

        /** Counts a report in the event's minute; false when the source already had {@code limit} in it. */
        boolean mayReport(long second, int limit) {
            long minute = Math.floorDiv(second, 60);
            if (minute != reportMinute) {
                reportMinute = minute;
                reports = 0;
            }
            return reports++ < limit;
        }

        Distinct users() {
            return users;
        }

        Distinct ports() {
            return ports;
        }

        Distinct hosts() {
            return hosts;
        }
    }

    /** Up to {@link #DISTINCT_CAP} values (by hash) with the second each was last seen; the stalest is replaced. */
    static final class Distinct {
        private final int[] keys = new int[DISTINCT_CAP];
        private final long[] seen = new long[DISTINCT_CAP];
        private int size;

        void add(int key, long second) {
            int stalest = 0;
            for (int i = 0; i < size; i++) {
                if (keys[i] == key) {
                    seen[i] = Math.max(seen[i], second);
                    return;
                }
                if (seen[i] < seen[stalest]) {
                    stalest = i;
                }
            }
            int at = size < DISTINCT_CAP ? size++ : stalest;
            keys[at] = key;
            seen[at] = second;
        }

        /** How many were seen in the {@code seconds} up to {@code second}. */
        int count(long second, int seconds) {
            int n = 0;
            for (int i = 0; i < size; i++) {
                if (seen[i] > second - seconds && seen[i] <= second) {
                    n++;
                }
            }
            return n;
        }
    }
}
