package routes.correlate;

import org.apache.camel.CamelContext;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.builder.TemplatedRouteBuilder;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.PluginHelper;
import org.apache.camel.support.ResourceHelper;
import org.apache.camel.util.concurrent.SynchronousExecutorService;
import routes.model.Finding;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The correlate stage for one offline run (replay, evaluate, a rule backtest, a test or a benchmark): its own
 * instance of the {@code correlation-windows} route template, the one the live stage runs, with its own engine,
 * strategy and bounded repository. Findings go in one at a time; each answers the hits it completed, as the live
 * Aggregator would have raised them. Closing removes the route.
 */
public final class CorrelationRun implements AutoCloseable {

    /** Where the route hands its hits: the run collects them for the finding being offered. */
    public static final class Hits {
        private final List<CorrelationEngine.Hit> collected = new ArrayList<>();

        public void add(CorrelationEngine.Hit hit) {
            collected.add(hit);
        }
    }

    private static final AtomicLong RUNS = new AtomicLong();

    private final CamelContext camel;
    private final CorrelationEngine engine;
    private final String name;
    private final ProducerTemplate producer;
    private final Hits hits = new Hits();
    private final BoundedAggregationRepository repository;

    private CorrelationRun(CamelContext camel, CorrelationEngine engine, CorrelationProperties settings)
            throws Exception {
        this.camel = camel;
        this.engine = engine;
        this.name = "correlation-run-" + RUNS.incrementAndGet();
        this.repository = new BoundedAggregationRepository(settings.maxGroups(), settings.maxEntries());
        camel.getRegistry().bind(name + "-engine", engine);
        camel.getRegistry().bind(name + "-windows", new CorrelationWindows(engine));
        camel.getRegistry().bind(name + "-repository", repository);
        camel.getRegistry().bind(name + "-hits", hits);
        TemplatedRouteBuilder.builder(camel, "correlation-windows")
                .routeId(name)
                .parameter("name", name)
                .parameter("hits", "bean:" + name + "-hits?method=add")
                .parameter("engine", name + "-engine")
                .parameter("windows", name + "-windows")
                .parameter("repository", name + "-repository")
                .add();
        this.producer = camel.createProducerTemplate();
    }

    /**
     * Starts a run in {@code camel}, which must hold the {@code correlation-windows} template; the engine's rules
     * are the run's, and so are its windows, within the settings' bounds.
     */
    public static CorrelationRun start(CamelContext camel, CorrelationEngine engine, CorrelationProperties settings) {
        try {
            return new CorrelationRun(camel, engine, settings);
        } catch (Exception e) {
            throw new IllegalStateException("cannot start the correlation-windows route: " + e.getMessage(), e);
        }
    }

    /**
     * A started Camel context of its own holding the {@code correlation-windows} template, for runs outside the
     * appliance (the commands, tests, benchmarks); the caller stops it.
     */
    public static CamelContext standaloneContext(Duration idleCheckInterval) {
        DefaultCamelContext camel = new DefaultCamelContext();
        Properties placeholders = new Properties();
        placeholders.setProperty("siem.correlation.idle-check-interval",
                String.valueOf(idleCheckInterval.toMillis()));
        camel.getPropertiesComponent().setInitialProperties(placeholders);
        bindExecutor(camel);
        try {
            PluginHelper.getRoutesLoader(camel).loadRoutes(
                    ResourceHelper.resolveMandatoryResource(camel, "classpath:routes/correlation-windows.yaml"));
        } catch (Exception e) {
            throw new IllegalStateException("cannot load routes/correlation-windows.yaml: " + e.getMessage(), e);
        }
        camel.start();
        return camel;
    }

    /**
     * Binds the executor the template's Aggregator hands completed groups to: a synchronous one, so the thread
     * that completed a group carries its hit and the chained inputs on before taking the next finding.
     */
    public static void bindExecutor(CamelContext camel) {
        camel.getRegistry().bind("correlationSynchronousExecutor", new SynchronousExecutorService());
    }

    public CorrelationEngine engine() {
        return engine;
    }

    /** Groups dropped to keep within the bounds, and window entries dropped within a group, since the start. */
    public long evictions() {
        return repository.evictions() + engine.evictions();
    }

    /** Takes one finding; answers the correlations it completed, and those their hits completed in turn. */
    public synchronized List<CorrelationEngine.Hit> accept(Finding finding) {
        hits.collected.clear();
        for (CorrelationEngine.Input input : engine.inputs(List.of(finding))) {
            producer.sendBody("direct:" + name, input);
        }
        return List.copyOf(hits.collected);
    }

    @Override
    public void close() {
        try {
            camel.getRouteController().stopRoute(name);
            camel.removeRoute(name);
            producer.stop();
        } catch (Exception e) {
            throw new IllegalStateException("cannot remove " + name + ": " + e.getMessage(), e);
        } finally {
            for (String bean : List.of("-engine", "-windows", "-repository", "-hits")) {
                camel.getRegistry().unbind(name + bean);
            }
        }
    }
}
