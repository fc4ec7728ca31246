package routes.correlate;

import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.spi.AggregationRepository;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The correlate Aggregator's open groups, in memory and bounded: past {@code maxGroups} groups, or
 * {@code maxEntries} findings in all windows together, the least recently updated group is dropped (and counted).
 * The completion timeout frees idle groups long before that in normal operation; the bounds are what keeps a flood
 * of distinct sources from exhausting memory.
 */
public final class BoundedAggregationRepository implements AggregationRepository {

    private final int maxGroups;
    private final long maxEntries;
    private final LinkedHashMap<String, Held> groups = new LinkedHashMap<>(1024, 0.75f, true);
    private long entries;
    private final AtomicLong evictions = new AtomicLong();

    private record Held(Exchange exchange, int size) {
    }

    public BoundedAggregationRepository(int maxGroups, long maxEntries) {
        this.maxGroups = maxGroups;
        this.maxEntries = maxEntries;
    }

    /** Groups dropped to keep within the bounds, since start. */
    public long evictions() {
        return evictions.get();
    }

    /** Open groups now. */
    public synchronized int size() {
        return groups.size();
    }

    @Override
    public synchronized Exchange add(CamelContext context, String key, Exchange exchange) {
        int size = size(exchange);
        Held previous = groups.put(key, new Held(exchange, size));
        entries += size - (previous == null ? 0 : previous.size());
        Iterator<Map.Entry<String, Held>> eldest = groups.entrySet().iterator();
        while ((groups.size() > maxGroups || entries > maxEntries) && eldest.hasNext()) {
            Map.Entry<String, Held> group = eldest.next();
            if (group.getKey().equals(key)) {
                continue;
            }
            entries -= group.getValue().size();
            eldest.remove();
            evictions.incrementAndGet();
        }
        return previous == null ? null : previous.exchange();
    }

    @Override
    public synchronized Exchange get(CamelContext context, String key) {
        Held held = groups.get(key);
        return held == null ? null : held.exchange();
    }

    @Override
    public synchronized void remove(CamelContext context, String key, Exchange exchange) {
        Held held = groups.remove(key);
        if (held != null) {
            entries -= held.size();
        }
    }

    @Override
    public void confirm(CamelContext context, String exchangeId) {
        // nothing is kept after completion
    }

    @Override
    public synchronized Set<String> getKeys() {
        return Set.copyOf(groups.keySet());
    }

    private static int size(Exchange exchange) {
        return exchange.getMessage().getBody() instanceof CorrelationWindow window ? window.size() : 1;
    }
}
