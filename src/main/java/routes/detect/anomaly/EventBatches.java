package routes.detect.anomaly;

import org.apache.camel.AggregationStrategy;
import org.apache.camel.Exchange;

import java.util.ArrayList;
import java.util.List;

/**
 * Aggregation strategy ({@code #eventBatches}) that joins the event lists arriving on a route into one list, for
 * stages that work best on micro-batches of a certain size (the anomaly model).
 */
public final class EventBatches implements AggregationStrategy {

    @Override
    public Exchange aggregate(Exchange joined, Exchange next) {
        List<?> events = next.getMessage().getBody(List.class);
        if (joined == null) {
            next.getMessage().setBody(new ArrayList<>(events == null ? List.of() : events));
            return next;
        }
        @SuppressWarnings("unchecked")
        List<Object> batch = joined.getMessage().getBody(List.class);
        if (events != null) {
            batch.addAll(events);
        }
        return joined;
    }
}
