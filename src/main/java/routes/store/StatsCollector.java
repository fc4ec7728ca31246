package routes.store;

import org.apache.lucene.index.DocValues;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.index.SortedNumericDocValues;
import org.apache.lucene.index.SortedSetDocValues;
import org.apache.lucene.search.Collector;
import org.apache.lucene.search.CollectorManager;
import org.apache.lucene.search.LeafCollector;
import org.apache.lucene.search.Scorable;
import org.apache.lucene.search.ScoreMode;
import routes.model.EcsSchema;
import routes.model.FieldType;

import java.io.IOException;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Counts matching events per time bucket and per value of one field, from doc values (no stored fields read). */
final class StatsCollector implements Collector {

    record Result(long total, long[] histogram, Map<String, Long> counts) {
        List<EventStore.FieldValue> top(int n) {
            return counts.entrySet().stream()
                    .sorted(Map.Entry.<String, Long>comparingByValue().reversed().thenComparing(Map.Entry.comparingByKey()))
                    .limit(n)
                    .map(e -> new EventStore.FieldValue(e.getKey(), e.getValue()))
                    .toList();
        }
    }

    /** One collector per index slice, merged at the end. */
    record Manager(long first, long width, int buckets, String field, FieldType type)
            implements CollectorManager<StatsCollector, Result> {
        @Override
        public StatsCollector newCollector() {
            return new StatsCollector(this);
        }

        @Override
        public Result reduce(Collection<StatsCollector> collectors) {
            long total = 0;
            long[] histogram = new long[buckets];
            Map<String, Long> counts = new HashMap<>();
            for (StatsCollector c : collectors) {
                total += c.total;
                for (int i = 0; i < buckets; i++) {
                    histogram[i] += c.histogram[i];
                }
                c.counts.forEach((value, count) -> counts.merge(value, count, Long::sum));
            }
            return new Result(total, histogram, counts);
        }
    }

    private final Manager spec;
    private final long[] histogram;
    private final Map<String, Long> counts = new HashMap<>();
    private long total;

    private StatsCollector(Manager spec) {
        this.spec = spec;
        this.histogram = new long[spec.buckets()];
    }

    @Override
    public ScoreMode scoreMode() {
        return ScoreMode.COMPLETE_NO_SCORES;
    }

    @Override
    public LeafCollector getLeafCollector(LeafReaderContext context) throws IOException {
        SortedNumericDocValues times = DocValues.getSortedNumeric(context.reader(), EcsSchema.TIMESTAMP);
        boolean numeric = spec.type() == FieldType.LONG || spec.type() == FieldType.DATE;
        // a point has no terms to count (its doc values are numbers of another kind)
        SortedSetDocValues terms = spec.field() != null && !numeric && spec.type() != FieldType.GEO_POINT
                ? DocValues.getSortedSet(context.reader(), spec.field()) : null;
        SortedNumericDocValues numbers = spec.field() != null && numeric
                ? DocValues.getSortedNumeric(context.reader(), spec.field()) : null;
        long[] ordinalCounts = terms == null ? null : new long[(int) Math.min(terms.getValueCount(), 1 << 24)];
        Map<Long, Long> numberCounts = numbers == null ? null : new HashMap<>();

        return new LeafCollector() {
            @Override
            public void setScorer(Scorable scorer) {
                // counting only: scores are not used
            }

            @Override
            public void collect(int doc) throws IOException {
                total++;
                if (times.advanceExact(doc)) {
                    long bucket = Math.floorDiv(times.nextValue() - spec.first(), spec.width());
                    if (bucket >= 0 && bucket < histogram.length) {
                        histogram[(int) bucket]++;
                    }
                }
                if (terms != null && terms.advanceExact(doc)) {
                    for (int i = 0; i < terms.docValueCount(); i++) {
                        long ord = terms.nextOrd();
                        if (ord < ordinalCounts.length) {
                            ordinalCounts[(int) ord]++;
                        }
                    }
                }
                if (numbers != null && numbers.advanceExact(doc)) {
                    for (int i = 0; i < numbers.docValueCount(); i++) {
                        numberCounts.merge(numbers.nextValue(), 1L, Long::sum);
                    }
                }
            }

            @Override
            public void finish() throws IOException {
                if (ordinalCounts != null) {
                    for (int ord = 0; ord < ordinalCounts.length; ord++) {
                        if (ordinalCounts[ord] > 0) {
                            counts.merge(terms.lookupOrd(ord).utf8ToString(), ordinalCounts[ord], Long::sum);
                        }
                    }
                }
                if (numberCounts != null) {
                    numberCounts.forEach((value, count) -> counts.merge(spec.type() == FieldType.DATE
                            ? java.time.Instant.ofEpochMilli(value).toString() : value.toString(), count, Long::sum));
                }
            }
        };
    }
}
