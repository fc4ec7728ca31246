package routes;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.function.Predicate;

/** Talks to a running appliance in integration tests: its HTTP API and a bounded wait for search results. */
public final class Appliance {

    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final String base;

    public Appliance(int httpPort) {
        this.base = "http://127.0.0.1:" + httpPort;
    }

    /** A TCP and UDP port free on loopback now, so each test context gets its own listeners. */
    public static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * The settings that give a test's appliance its own data directory, loopback syslog listeners on its own port,
     * an ingest key and a fast index refresh, so cached test contexts never share state or ports.
     */
    public static void isolate(org.springframework.test.context.DynamicPropertyRegistry registry, java.nio.file.Path data,
                               int syslogPort, String apiKey) {
        registry.add("siem.data-dir", data::toString);
        registry.add("siem.syslog.host", () -> "127.0.0.1");
        registry.add("siem.syslog.udp-port", () -> syslogPort);
        registry.add("siem.syslog.tcp-port", () -> syslogPort);
        registry.add("siem.ingest.api-keys", () -> apiKey);
        registry.add("siem.store.refresh", () -> "100ms");
        // risk alerts take what came since they were raised within half a second, not ten
        registry.add("siem.risk.flush-interval", () -> "500ms");
        // Quartz keeps one scheduler per Camel context name in the whole JVM: contexts alive side by side in the
        // test cache would share one, and one's schedules would clash with another's (or stop with it)
        registry.add("camel.main.name", () -> "caravan-" + data.getFileName());
    }

    /**
     * Waits until the pipeline has carried everything it took in on: the journal read and every batch of it stored, no
     * exchange in flight (but the journal reader's and the alert outputs' waits for more), every seda queue empty and every alert change
     * delivered by the outputs, on three checks in a row (at most 30 seconds).
     */
    public static void awaitDrained(org.apache.camel.CamelContext camel) {
        java.util.concurrent.atomic.AtomicInteger idle = new java.util.concurrent.atomic.AtomicInteger();
        routes.ingest.Journal journal = camel.getRegistry().lookupByNameAndType("journal", routes.ingest.Journal.class);
        routes.store.AlertOutbox outbox = camel.getRegistry().lookupByNameAndType("alertOutbox",
                routes.store.AlertOutbox.class);
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50))
                .until(() -> {
                    var inflight = camel.getInflightRepository();
                    boolean quiet = (journal == null || journal.drained()) && (outbox == null || outbox.idle())
                            && inflight.size() - inflight.size("journal-read") - inflight.size("alert-kafka")
                            - inflight.size("alert-slack") - inflight.size("alert-elasticsearch") == 0
                            && camel.getEndpoints().stream()
                            .filter(org.apache.camel.component.seda.SedaEndpoint.class::isInstance)
                            .map(org.apache.camel.component.seda.SedaEndpoint.class::cast)
                            .allMatch(seda -> seda.getQueue().isEmpty());
                    return quiet ? idle.incrementAndGet() >= 3 : idle.getAndSet(0) < 0;
                });
    }

    /** A value read again and again (every 100 ms) until it satisfies the condition; the last one after 15 s. */
    public static <T> T until(java.util.concurrent.Callable<T> read, Predicate<T> condition) {
        return until(read, condition, Duration.ofSeconds(15));
    }

    /** Polls until the condition holds, for {@code atMost}; the last value read either way. */
    public static <T> T until(java.util.concurrent.Callable<T> read, Predicate<T> condition, Duration atMost) {
        java.util.concurrent.atomic.AtomicReference<T> last = new java.util.concurrent.atomic.AtomicReference<>();
        try {
            org.awaitility.Awaitility.await().atMost(atMost).pollInterval(Duration.ofMillis(100))
                    .until(() -> {
                        last.set(read.call());
                        return condition.test(last.get());
                    });
        } catch (org.awaitility.core.ConditionTimeoutException timedOut) {
            // the caller's assertion on the last value says what was missing
        }
        return last.get();
    }

    /** Writes lines to a syslog TCP listener on loopback, newline-framed, as one write. */
    public static void sendSyslogTcp(int port, java.util.List<String> lines) throws IOException {
        try (java.net.Socket socket = new java.net.Socket("127.0.0.1", port)) {
            socket.getOutputStream().write((String.join("\n", lines) + "\n").getBytes(StandardCharsets.UTF_8));
            socket.getOutputStream().flush();
        }
    }

    public HttpResponse<String> get(String pathAndQuery) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create(base + pathAndQuery)).timeout(Duration.ofSeconds(10))
                .GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    public HttpResponse<String> post(String path, String contentType, String apiKey, String body)
            throws IOException, InterruptedException {
        return post(path, contentType, apiKey, body.getBytes(StandardCharsets.UTF_8));
    }

    /** Posts these bytes as they are (not necessarily UTF-8). */
    public HttpResponse<String> post(String path, String contentType, String apiKey, byte[] body)
            throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(10))
                .header("Content-Type", contentType).POST(HttpRequest.BodyPublishers.ofByteArray(body));
        if (apiKey != null) {
            request.header("X-API-Key", apiKey);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Searches {@code /api/v1/logs} until the answer satisfies the condition or 15 seconds pass. */
    public JsonNode searchUntil(String query, Predicate<JsonNode> condition) throws Exception {
        return logsUntil("q=" + URLEncoder.encode(query, StandardCharsets.UTF_8), condition);
    }

    /** Polls {@code /api/v1/logs?size=1000&PARAMETERS} until the condition holds; the last answer after 15 s. */
    private JsonNode logsUntil(String parameters, Predicate<JsonNode> condition) {
        String path = "/api/v1/logs?size=1000&" + parameters;
        return until(() -> {
            HttpResponse<String> response = get(path);
            if (response.statusCode() != 200) {
                throw new AssertionError("search " + parameters + " answered " + response.statusCode() + ": "
                        + response.body());
            }
            return JSON.readTree(response.body());
        }, condition);
    }

    /** Signals (findings and correlation hits) matching the query, once there are at least {@code total}. */
    public JsonNode signalsUntilTotal(String query, long total) {
        return logsUntil("kind=signal&q=" + URLEncoder.encode(query, StandardCharsets.UTF_8),
                answer -> answer.get("total").asLong() >= total);
    }

    public JsonNode searchUntilTotal(String query, long total) throws Exception {
        return searchUntil(query, answer -> answer.get("total").asLong() >= total);
    }

    /** As {@link #searchUntil}, counting only events, not the signals detection writes beside them. */
    public JsonNode eventsUntil(String query, Predicate<JsonNode> condition) throws Exception {
        return searchUntil("event.kind:event AND (" + query + ")", condition);
    }

    /** As {@link #eventsUntil(String, Predicate)}, waiting up to {@code atMost}. */
    public JsonNode eventsUntil(String query, Predicate<JsonNode> condition, Duration atMost) {
        return until(() -> {
            HttpResponse<String> response = get("/api/v1/logs?size=1&q="
                    + URLEncoder.encode("event.kind:event AND (" + query + ")", StandardCharsets.UTF_8));
            return JSON.readTree(response.body());
        }, condition, atMost);
    }

    public JsonNode eventsUntilTotal(String query, long total) throws Exception {
        return eventsUntil(query, answer -> answer.get("total").asLong() >= total);
    }

    /** {@code count} failed root logins over sshd from one address, a second apart from {@code hh:mm:00}. */
    public static java.util.List<String> rootLoginFailures(String source, String hourMinute, int count) {
        java.util.List<String> lines = new java.util.ArrayList<>();
        for (int i = 0; i < count; i++) {
            lines.add(String.format("Nov 23 %s:%02d bastion sshd[%d]: Failed password for root from %s port %d ssh2",
                    hourMinute, i, 5000 + i, source, 51000 + i));
        }
        return lines;
    }

    public static JsonNode json(String text) throws IOException {
        return JSON.readTree(text);
    }

    /** A Kafka consumer as a downstream tool would run one: its own group, from the earliest record, text in. */
    public static org.apache.kafka.clients.consumer.KafkaConsumer<String, String> kafkaConsumer(String brokers,
                                                                                               String group) {
        var deserializer = org.apache.kafka.common.serialization.StringDeserializer.class;
        return new org.apache.kafka.clients.consumer.KafkaConsumer<>(java.util.Map.of(
                org.apache.kafka.clients.consumer.ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, brokers,
                org.apache.kafka.clients.consumer.ConsumerConfig.GROUP_ID_CONFIG, group,
                org.apache.kafka.clients.consumer.ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                org.apache.kafka.clients.consumer.ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, deserializer,
                org.apache.kafka.clients.consumer.ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, deserializer));
    }
}
