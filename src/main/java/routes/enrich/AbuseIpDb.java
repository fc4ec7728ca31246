package routes.enrich;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import routes.model.IpAddress;

import java.net.InetAddress;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * AbuseIPDB reputation of the public source addresses of alerts (not of every event), over camel-http: answers
 * are cached ({@code cache-for}), lookups are limited to the daily quota, and after repeated failures lookups stop
 * for a while (a circuit breaker), the alert going on without reputation. The API key travels in the {@code Key}
 * header, never in a URL or a log.
 */
public final class AbuseIpDb {

    private static final Logger LOG = LoggerFactory.getLogger(AbuseIpDb.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int CACHE_ENTRIES = 100_000;

    private record Answer(int confidence, Instant until) {
    }

    private final AbuseIpDbProperties settings;
    private final ProducerTemplate http;
    private final Clock clock;
    private final Map<String, Answer> cache = new LinkedHashMap<>(1024, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Answer> eldest) {
            return size() > CACHE_ENTRIES;
        }
    };
    private LocalDate quotaDay;
    private int usedToday;
    private int failures;
    private Instant openUntil = Instant.MIN;

    public AbuseIpDb(AbuseIpDbProperties settings, ProducerTemplate http, Clock clock) {
        this.settings = settings;
        this.http = http;
        this.clock = clock;
        // a lookup is one request: the HTTP client's own retries (of 429 and 503) would spend the quota twice and
        // hide failures from the circuit breaker
        for (String scheme : new String[]{"http", "https"}) {
            http.getCamelContext().getComponent(scheme, org.apache.camel.component.http.HttpComponent.class)
                    .setAutomaticRetriesDisabled(true);
        }
    }

    /** The abuse confidence (0 to 100) of a public address; empty when off, private, over quota or unavailable. */
    public synchronized Optional<Integer> confidence(String address) {
        InetAddress parsed = address == null ? null : IpAddress.parse(address);
        if (!settings.enabled() || parsed == null || !isPublic(parsed)) {
            return Optional.empty();
        }
        Instant now = clock.instant();
        Answer cached = cache.get(address);
        if (cached != null && cached.until().isAfter(now)) {
            return Optional.of(cached.confidence());
        }
        if (now.isBefore(openUntil)) {
            return Optional.empty();
        }
        LocalDate today = LocalDate.ofInstant(now, ZoneOffset.UTC);
        if (!today.equals(quotaDay)) {
            quotaDay = today;
            usedToday = 0;
        }
        if (usedToday >= settings.dailyQuota()) {
            return Optional.empty();
        }
        usedToday++;
        try {
            Exchange answer = http.send(endpoint(), exchange -> {
                exchange.getMessage().setHeader("Key", settings.apiKey());
                exchange.getMessage().setHeader("Accept", "application/json");
                exchange.getMessage().setHeader(Exchange.HTTP_METHOD, "GET");
                exchange.getMessage().setHeader(Exchange.HTTP_QUERY, "ipAddress="
                        + URLEncoder.encode(address, StandardCharsets.UTF_8) + "&maxAgeInDays=" + settings.maxAgeDays());
            });
            Integer status = answer.getMessage().getHeader(Exchange.HTTP_RESPONSE_CODE, Integer.class);
            if (answer.getException() != null || status == null || status != 200) {
                return failed(now, status == null ? String.valueOf(answer.getException()) : "HTTP " + status,
                        status != null && status == 429);
            }
            JsonNode data = JSON.readTree(answer.getMessage().getBody(String.class)).path("data");
            if (!data.path("abuseConfidenceScore").isNumber()) {
                return failed(now, "an answer without data.abuseConfidenceScore", false);
            }
            failures = 0;
            int confidence = data.path("abuseConfidenceScore").asInt();
            cache.put(address, new Answer(confidence, now.plus(settings.cacheFor())));
            return Optional.of(confidence);
        } catch (Exception e) {
            return failed(now, e.getClass().getSimpleName(), false);
        }
    }

    private String endpoint() {
        long millis = settings.timeout().toMillis();
        return settings.url() + "?throwExceptionOnFailure=false&connectTimeout=" + millis + "&connectionRequestTimeout="
                + millis + "&soTimeout=" + millis;
    }

    private Optional<Integer> failed(Instant now, String reason, boolean quotaExhausted) {
        failures++;
        if (quotaExhausted) {
            usedToday = settings.dailyQuota();
            LOG.warn("AbuseIPDB: the service says the quota is used up ({}); no lookups until tomorrow (UTC)", reason);
        } else if (failures >= settings.failuresToOpen()) {
            openUntil = now.plus(settings.openFor());
            failures = 0;
            LOG.warn("AbuseIPDB: lookups failing ({}); alerts go on without reputation for {}", reason,
                    settings.openFor());
        }
        return Optional.empty();
    }

    private static boolean isPublic(InetAddress address) {
        byte[] b = address.getAddress();
        boolean documentation = b.length == 4 && ((b[0] == (byte) 192 && b[1] == 0 && b[2] == 2)
                || (b[0] == (byte) 198 && b[1] == 51 && b[2] == 100) || (b[0] == (byte) 203 && b[1] == 0 && b[2] == 113));
        boolean sharedSpace = b.length == 4 && b[0] == 100 && (b[1] & 0xC0) == 64;
        boolean uniqueLocal = b.length == 16 && (b[0] & 0xFE) == 0xFC;
        return !(address.isLoopbackAddress() || address.isSiteLocalAddress() || address.isLinkLocalAddress()
                || address.isAnyLocalAddress() || address.isMulticastAddress() || sharedSpace || uniqueLocal)
                && !documentation;
    }
}
