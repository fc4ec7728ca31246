package routes.correlate;

import org.apache.camel.AggregationStrategy;
import org.apache.camel.Exchange;

/**
 * The correlate stage's aggregation strategy ({@code #correlationWindows} in {@code correlate.yaml}): each
 * correlation group's state on the Aggregator is its {@link CorrelationWindow}, and every finding that reaches the
 * group is added to it by event time. The window then says whether the correlation's condition holds, which is the
 * Aggregator's completion predicate.
 */
public final class CorrelationWindows implements AggregationStrategy {

    private final CorrelationEngine engine;

    public CorrelationWindows(CorrelationEngine engine) {
        this.engine = engine;
    }

    @Override
    public Exchange aggregate(Exchange group, Exchange finding) {
        CorrelationEngine.Input input = finding.getMessage().getBody(CorrelationEngine.Input.class);
        CorrelationWindow window = group == null
                ? engine.window(input)
                : group.getMessage().getBody(CorrelationWindow.class);
        engine.offer(window, input);
        Exchange state = group == null ? finding : group;
        state.getMessage().setBody(window);
        return state;
    }
}
