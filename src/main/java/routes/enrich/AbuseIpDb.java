package routes.enrich;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.http.base.HttpOperationFailedException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import routes.model.IpAddress;

import java.net.InetAddress;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * AbuseIPDB reputation of the public source addresses of alerts (not of every event), over camel-http behind
 * Camel's circuit breaker (Resilience4j): after {@code failuresToOpen} failed lookups in a row no lookup is made for
 * {@code openFor}, and the alert goes on without reputation. Answers are cached for {@code cacheFor} (Caffeine,
 * bounded), lookups are limited to the daily quota, and a 429 from the service ends the day's lookups. The API key
 * travels in the {@code Key} header, never in a URL or a log. Lookups run on the thread that builds alerts, never
 * on the correlate stage's.
 */
public final class AbuseIpDb {

    private static final Logger LOG = LoggerFactory.getLogger(AbuseIpDb.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int CACHE_ENTRIES = 100_000;
    private static final String FAILURE = "CaravanAbuseIpDbFailure";
    private static final AtomicLong ROUTES = new AtomicLong();

    private final AbuseIpDbProperties settings;
    private final ProducerTemplate http;
    private final Clock clock;
    private final String endpoint;
    private final Cache<String, Integer> cache;
    private final AtomicReference<LocalDate> quotaDay = new AtomicReference<>();
    private final AtomicInteger usedToday = new AtomicInteger();

    public AbuseIpDb(AbuseIpDbProperties settings, ProducerTemplate http, Clock clock) {
        this.settings = settings;
        this.http = http;
        this.clock = clock;
        this.cache = Caffeine.newBuilder().maximumSize(CACHE_ENTRIES).expireAfterWrite(settings.cacheFor()).build();
        this.endpoint = "direct:abuseipdb-" + ROUTES.incrementAndGet();
        if (settings.enabled()) {
            // a lookup is one request: the HTTP client's own retries (of 429 and 503) would spend the quota twice
            // and hide failures from the circuit breaker
            for (String scheme : new String[]{"http", "https"}) {
                http.getCamelContext().getComponent(scheme, org.apache.camel.component.http.HttpComponent.class)
                        .setAutomaticRetriesDisabled(true);
            }
            try {
                http.getCamelContext().addRoutes(lookupRoute());
            } catch (Exception e) {
                throw new IllegalStateException("cannot start the AbuseIPDB lookup route: " + e.getMessage(), e);
            }
        }
    }

    /** The lookup: one GET behind the circuit breaker; a failure, or an open circuit, names its reason. */
    private RouteBuilder lookupRoute() {
        long millis = settings.timeout().toMillis();
        String url = settings.url() + "?throwExceptionOnFailure=true&connectTimeout=" + millis
                + "&connectionRequestTimeout=" + millis + "&soTimeout=" + millis;
        int calls = Math.max(1, settings.failuresToOpen());
        return new RouteBuilder() {
            @Override
            public void configure() {
                from(endpoint).routeId(endpoint.substring("direct:".length()))
                        .circuitBreaker()
                            .resilience4jConfiguration()
                                .slidingWindowSize(calls).minimumNumberOfCalls(calls).failureRateThreshold(100)
                                .permittedNumberOfCallsInHalfOpenState(1)
                                .waitDurationInOpenState((int) Math.max(1, settings.openFor().toSeconds()))
                            .end()
                            .to(url)
                        .onFallback()
                            .process(exchange -> exchange.getMessage().setHeader(FAILURE, reason(exchange)))
                        .end();
            }
        };
    }

    private static String reason(Exchange exchange) {
        Throwable failure = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        if (failure instanceof HttpOperationFailedException http) {
            return "HTTP " + http.getStatusCode();
        }
        return failure == null ? "the circuit is open after repeated failures" : failure.getClass().getSimpleName();
    }

    /** The abuse confidence (0 to 100) of a public address; empty when off, private, over quota or unavailable. */
    public Optional<Integer> confidence(String address) {
        InetAddress parsed = address == null ? null : IpAddress.parse(address);
        if (!settings.enabled() || parsed == null || !IpAddress.isPublic(parsed)) {
            return Optional.empty();
        }
        Integer cached = cache.getIfPresent(address);
        if (cached != null) {
            return Optional.of(cached);
        }
        if (!withinQuota()) {
            return Optional.empty();
        }
        Exchange answer = http.send(endpoint, exchange -> {
            exchange.getMessage().setHeader("Key", settings.apiKey());
            exchange.getMessage().setHeader("Accept", "application/json");
            exchange.getMessage().setHeader(Exchange.HTTP_METHOD, "GET");
            exchange.getMessage().setHeader(Exchange.HTTP_QUERY, "ipAddress="
                    + URLEncoder.encode(address, StandardCharsets.UTF_8) + "&maxAgeInDays=" + settings.maxAgeDays());
        });
        String failure = answer.getMessage().getHeader(FAILURE, String.class);
        if (failure != null || answer.getException() != null) {
            String reason = failure != null ? failure : answer.getException().getClass().getSimpleName();
            if (reason.equals("HTTP 429")) {
                usedToday.set(settings.dailyQuota());
                LOG.warn("AbuseIPDB: the service says the quota is used up ({}); no lookups until tomorrow (UTC)",
                        reason);
            } else {
                LOG.warn("AbuseIPDB lookup failed ({}); the alert goes on without reputation", reason);
            }
            return Optional.empty();
        }
        try {
            JsonNode data = JSON.readTree(answer.getMessage().getBody(String.class)).path("data");
            if (!data.path("abuseConfidenceScore").isNumber()) {
                LOG.warn("AbuseIPDB: an answer without data.abuseConfidenceScore");
                return Optional.empty();
            }
            int confidence = data.path("abuseConfidenceScore").asInt();
            cache.put(address, confidence);
            return Optional.of(confidence);
        } catch (Exception e) {
            LOG.warn("AbuseIPDB: an unreadable answer ({})", e.getClass().getSimpleName());
            return Optional.empty();
        }
    }

    /** Counts a lookup against the day's quota (UTC days); false when the day's lookups are used up. */
    private boolean withinQuota() {
        LocalDate today = LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC);
        LocalDate day = quotaDay.get();
        if (!today.equals(day) && quotaDay.compareAndSet(day, today)) {
            usedToday.set(0);
        }
        return usedToday.incrementAndGet() <= settings.dailyQuota();
    }
}
