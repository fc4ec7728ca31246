package routes.enrich;

import com.sun.net.httpserver.HttpServer;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * AbuseIPDB lookups against a loopback HTTP server answering in AbuseIPDB's documented format
 * ({@code GET /api/v2/check?ipAddress=...&maxAgeInDays=...}, {@code Key} header, {@code {"data": {...}}}).
 */
class AbuseIpDbTest {

    private final List<String> requests = new CopyOnWriteArrayList<>();
    private final AtomicInteger status = new AtomicInteger(200);
    private HttpServer server;
    private DefaultCamelContext camel;

    @BeforeEach
    void start() throws Exception {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/api/v2/check", exchange -> {
            requests.add(exchange.getRequestURI().getQuery() + " key=" + exchange.getRequestHeaders().getFirst("Key"));
            String ip = exchange.getRequestURI().getQuery().replaceAll(".*ipAddress=([^&]+).*", "$1");
            byte[] body = ("{\"data\":{\"ipAddress\":\"" + ip + "\",\"isPublic\":true,\"abuseConfidenceScore\":87,"
                    + "\"countryCode\":\"DE\",\"totalReports\":412,\"lastReportedAt\":\"2026-11-22T23:10:00+00:00\"}}")
                    .getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(status.get(), status.get() == 200 ? body.length : -1);
            if (status.get() == 200) {
                exchange.getResponseBody().write(body);
            }
            exchange.close();
        });
        server.start();
        camel = new DefaultCamelContext();
        camel.start();
    }

    @AfterEach
    void stop() {
        camel.stop();
        server.stop(0);
    }

    private AbuseIpDb lookups(String key, int quota) {
        AbuseIpDbProperties settings = new AbuseIpDbProperties("http://127.0.0.1:" + server.getAddress().getPort()
                + "/api/v2/check", key, Duration.ofDays(1), quota, 90, Duration.ofSeconds(2), 3, Duration.ofMinutes(5));
        return new AbuseIpDb(settings, camel.createProducerTemplate(), Clock.fixed(Instant.parse(
                "2026-11-23T10:00:00Z"), ZoneOffset.UTC));
    }

    @Test
    void aPublicAddressGetsItsConfidenceOnceThenFromTheCache() {
        AbuseIpDb lookups = lookups("secret-key", 1000);
        assertThat(lookups.confidence("185.220.101.1")).contains(87);
        assertThat(lookups.confidence("185.220.101.1")).contains(87);
        assertThat(requests).containsExactly("ipAddress=185.220.101.1&maxAgeInDays=90 key=secret-key");
    }

    @Test
    void privateDocumentationAndMalformedAddressesAreNeverSent() {
        AbuseIpDb lookups = lookups("secret-key", 1000);
        for (String address : List.of("10.0.0.5", "192.168.1.1", "127.0.0.1", "203.0.113.7", "fe80::1", "fd00::1",
                "100.64.0.1", "not-an-ip")) {
            assertThat(lookups.confidence(address)).as(address).isEmpty();
        }
        assertThat(requests).isEmpty();
    }

    @Test
    void withoutAKeyItIsOff() {
        assertThat(lookups("", 1000).confidence("185.220.101.1")).isEmpty();
        assertThat(requests).isEmpty();
    }

    @Test
    void theDailyQuotaIsKept() {
        AbuseIpDb lookups = lookups("k", 2);
        assertThat(lookups.confidence("185.220.101.1")).isPresent();
        assertThat(lookups.confidence("185.220.101.2")).isPresent();
        assertThat(lookups.confidence("185.220.101.3")).isEmpty();
        assertThat(requests).hasSize(2);
    }

    @Test
    void repeatedFailuresOpenTheCircuitAndAlertsGoOnWithoutReputation() {
        status.set(503);
        AbuseIpDb lookups = lookups("k", 1000);
        for (int i = 1; i <= 5; i++) {
            assertThat(lookups.confidence("185.220.101." + i)).isEmpty();
        }
        assertThat(requests).as("after three failures no more lookups").hasSize(3);
        status.set(429);
        AbuseIpDb limited = lookups("k", 1000);
        assertThat(limited.confidence("185.220.101.9")).isEmpty();
        assertThat(limited.confidence("185.220.101.10")).isEmpty();
        assertThat(requests).as("a 429 stops lookups for the day").hasSize(4);
    }
}
