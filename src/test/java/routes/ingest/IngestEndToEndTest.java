package routes.ingest;

import routes.Appliance;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import java.io.OutputStream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.StreamSupport;
import java.util.zip.GZIPOutputStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The appliance as a user meets it: real syslog clients ({@code logger}) over UDP and TCP, HTTP posts, files
 * dropped into the inbox and files followed through rotation, all found again through {@code /api/v1/logs}.
 */
// closed after the class: its listeners and schedules stop instead of running beside later tests
@org.springframework.test.annotation.DirtiesContext
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class IngestEndToEndTest {

    static final String KEY = "test-ingest-key";
    static final Path DATA;
    static final Path TAILED;
    static final int SYSLOG_PORT = Appliance.freePort();

    static {
        try {
            DATA = Files.createTempDirectory("caravan-e2e");
            TAILED = DATA.resolve("followed/auth.log");
            Files.createDirectories(TAILED.getParent());
        } catch (Exception e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        Appliance.isolate(registry, DATA, SYSLOG_PORT, KEY);
        registry.add("siem.ingest.max-body-size", () -> "64KB");
        registry.add("siem.ingest.tail-files", TAILED::toString);
        registry.add("siem.ingest.tail-interval", () -> "100ms");
        registry.add("siem.timezone", () -> "UTC");
    }

    @LocalServerPort
    int httpPort;
    @Autowired
    org.apache.camel.CamelContext camel;
    @Autowired
    routes.ops.Retention retention;
    @Autowired
    routes.store.EventStore events;
    Appliance appliance;
    String marker;

    @BeforeEach
    void connect() {
        appliance = new Appliance(httpPort);
        marker = "m" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    }

    private static void logger(String... arguments) throws Exception {
        List<String> command = new ArrayList<>(List.of("logger", "-n", "127.0.0.1", "-P",
                Integer.toString(SYSLOG_PORT)));
        command.addAll(List.of(arguments));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        assertThat(process.waitFor(10, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as(new String(process.getInputStream().readAllBytes())).isZero();
    }

    private static List<JsonNode> events(JsonNode answer) {
        return StreamSupport.stream(answer.get("events").spliterator(), false).toList();
    }

    @Test
    void loggerMessagesOverUdpAndTcpInBothFormatsArriveIntact() throws Exception {
        logger("-d", "--rfc5424", "-t", "sshd", "-p", "auth.info",
                "Failed password for invalid user " + marker + " from 203.0.113.7 port 52100 ssh2");
        logger("-T", "--rfc3164", "-t", "sshd", "Failed password for invalid user " + marker
                + " from 203.0.113.8 port 52101 ssh2");
        logger("-T", "--octet-count", "--rfc5424", "-t", "sshd",
                "Failed password for invalid user " + marker + " from 203.0.113.9 port 52102 ssh2");
        logger("-d", "--rfc3164", "-t", "myapp", "unicode " + marker + " héllo wörld ✓");

        JsonNode answer = appliance.eventsUntilTotal("user.name:" + marker, 3);
        assertThat(answer.get("total").asLong()).isEqualTo(3);
        assertThat(events(answer)).extracting(e -> e.at("/source/ip").asText())
                .containsExactlyInAnyOrder("203.0.113.7", "203.0.113.8", "203.0.113.9");
        assertThat(events(answer)).extracting(e -> e.at("/input/type").asText())
                .containsExactlyInAnyOrder("udp", "tcp", "tcp");
        assertThat(events(answer)).allSatisfy(e -> {
            assertThat(e.at("/event/dataset").asText()).isEqualTo("linux.sshd");
            assertThat(e.at("/event/outcome").asText()).isEqualTo("failure");
            assertThat(e.at("/log/source/address").asText()).startsWith("127.0.0.1:");
            assertThat(e.at("/observer/ip").asText()).isEqualTo("127.0.0.1");
        });
        JsonNode unicode = appliance.eventsUntilTotal(marker + " AND process.name:myapp", 1);
        assertThat(events(unicode).getFirst().at("/message").asText()).isEqualTo("unicode " + marker
                + " héllo wörld ✓");
    }

    @Test
    void httpIngestAcceptsJsonArraysAndNdjsonAndRejectsBadRecordsWithReasons() throws Exception {
        HttpResponse<String> ndjson = appliance.post("/api/ingest_log", "application/x-ndjson", KEY,
                "{\"message\":\"Nov 23 10:00:00 web sshd[1]: Invalid user " + marker + " from 198.51.100.1\"}\n"
                        + "{\"@timestamp\":\"2026-11-23T10:00:01Z\",\"user\":{\"name\":\"" + marker
                        + "\"},\"source\":{\"ip\":\"198.51.100.2\"}}\n");
        assertThat(ndjson.statusCode()).isEqualTo(202);
        assertThat(Appliance.json(ndjson.body()).get("accepted").asInt()).isEqualTo(2);

        HttpResponse<String> partial = appliance.post("/api/ingest_log", "application/json", KEY,
                "[{\"message\":\"ok " + marker + "\"}, 7, {\"message\": 5}, {\"@timestamp\":\"yesterday\","
                        + "\"message\":\"x\"}, {}]");
        assertThat(partial.statusCode()).isEqualTo(400);
        JsonNode body = Appliance.json(partial.body());
        assertThat(body.get("accepted").asInt()).isEqualTo(1);
        assertThat(body.get("rejected")).extracting(r -> r.get("index").asInt()).containsExactly(1, 2, 3, 4);
        assertThat(body.get("rejected").get(0).get("reason").asText()).contains("JSON object");
        assertThat(body.get("rejected").get(2).get("reason").asText()).contains("@timestamp");

        JsonNode stored = appliance.eventsUntilTotal(marker, 3);
        assertThat(stored.get("total").asLong()).isEqualTo(3);
        assertThat(Files.readString(todaysDeadLetters())).contains("\\\"@timestamp\\\":\\\"yesterday\\\"");
    }

    @Test
    void eventsFromPublicAddressesAreLocatedAndSearchableByCountry() throws Exception {
        assertThat(appliance.post("/api/ingest_log", "text/plain", KEY, "Nov 23 10:00:00 bastion sshd[1]: Failed "
                + "password for " + marker + " from 223.5.5.5 port 4100 ssh2\nNov 23 10:00:01 bastion sshd[1]: Failed "
                + "password for " + marker + " from 10.9.9.9 port 4101 ssh2").statusCode()).isEqualTo(202);
        JsonNode located = appliance.eventsUntilTotal("user.name:" + marker + " AND source.geo.country_iso_code:CN", 1);
        assertThat(located.get("total").asLong()).isEqualTo(1);
        JsonNode geo = located.at("/events/0/source/geo");
        assertThat(geo.get("country_name").asText()).isEqualTo("China");
        assertThat(geo.get("location").asText()).contains(",");
        assertThat(located.at("/events/0/source/as/number").asLong()).as("its autonomous system").isEqualTo(45102);
        assertThat(Appliance.json(appliance.get("/api/v1/logs?q=user.name:" + marker
                + "%20AND%20source.as.number:45102").body()).get("total").asLong()).as("searchable by AS").isEqualTo(1);
        assertThat(appliance.eventsUntilTotal("user.name:" + marker, 2).at("/events").toString())
                .as("a private address gets no geo").contains("10.9.9.9");
        assertThat(Appliance.json(appliance.get("/api/v1/logs?q=user.name:" + marker
                + "%20AND%20source.geo.country_iso_code:*").body()).get("total").asLong()).isEqualTo(1);
    }

    @Test
    void httpIngestRefusesWithoutKeyOverSizeAndForUnknownTypesAndNeverEchoesHeaders() throws Exception {
        HttpResponse<String> noKey = appliance.post("/api/ingest_log", "application/json", null, "{\"message\":\"x\"}");
        assertThat(noKey.statusCode()).isEqualTo(401);
        HttpResponse<String> wrongKey = appliance.post("/api/ingest_log", "application/json", "nope",
                "{\"message\":\"x\"}");
        assertThat(wrongKey.statusCode()).isEqualTo(401);
        assertThat(wrongKey.headers().map().keySet()).noneMatch(h -> h.equalsIgnoreCase("X-API-Key"));

        HttpResponse<String> accepted = appliance.post("/api/ingest_log", "text/plain", KEY,
                "plain line one " + marker + "\nplain line two " + marker + "\n");
        assertThat(accepted.statusCode()).isEqualTo(202);
        assertThat(accepted.headers().map().keySet()).noneMatch(h -> h.equalsIgnoreCase("X-API-Key"));

        HttpResponse<String> tooBig = appliance.post("/api/ingest_log", "text/plain", KEY, "x".repeat(70_000));
        assertThat(tooBig.statusCode()).isEqualTo(413);
        assertThat(Appliance.json(tooBig.body()).get("error").asText()).contains("limit");

        HttpResponse<String> xml = appliance.post("/api/ingest_log", "application/xml", KEY, "<log/>");
        assertThat(xml.statusCode()).isEqualTo(415);

        HttpResponse<String> badJson = appliance.post("/api/ingest_log", "application/json", KEY, "{\"message\":");
        assertThat(badJson.statusCode()).isEqualTo(400);
        assertThat(Appliance.json(badJson.body()).get("rejected").get(0).get("reason").asText())
                .startsWith("invalid JSON");
    }

    @Test
    void filesDroppedInTheInboxAreReadOnceAndMovedToDone() throws Exception {
        Path inbox = DATA.resolve("inbox");
        Files.createDirectories(inbox);
        StringBuilder lines = new StringBuilder();
        for (int i = 0; i < 2500; i++) {
            lines.append("Nov 23 10:00:00 web1 sshd[7]: Invalid user ").append(marker).append(" from 192.0.2.")
                    .append(i % 250).append(" port ").append(1000 + i).append("\r\n");
        }
        lines.setLength(lines.length() - 2); // no final newline
        Path staging = DATA.resolve(marker + ".log.gz");
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(staging))) {
            out.write(lines.toString().getBytes(StandardCharsets.UTF_8));
        }
        Files.move(staging, inbox.resolve(marker + ".log.gz"));

        JsonNode answer = appliance.eventsUntilTotal("user.name:" + marker, 2500);
        assertThat(answer.get("total").asLong()).isEqualTo(2500);
        awaitFile(inbox.resolve(".done").resolve(marker + ".log.gz"));
        assertThat(inbox.resolve(marker + ".log.gz")).doesNotExist();
        // nothing more on its way: the pipeline has carried everything on and the index shows all it holds
        Appliance.awaitDrained(camel);
        events.refresh();
        assertThat(appliance.eventsUntilTotal("user.name:" + marker, 2500).get("total").asLong()).isEqualTo(2500);
    }

    @Test
    void aFileThatCannotBeReadMovesToFailedWithItsReason() throws Exception {
        Path inbox = DATA.resolve("inbox");
        Files.createDirectories(inbox);
        byte[] corrupt = {0x1f, (byte) 0x8b, 8, 0, 0, 0, 0, 0, 0, 3, 1, 2, 3, 4, 5};
        Path staging = DATA.resolve(marker + ".gz");
        Files.write(staging, corrupt);
        Files.move(staging, inbox.resolve(marker + ".gz"));
        Path reason = inbox.resolve(".failed").resolve(marker + ".gz.reason");
        awaitFile(reason);
        awaitFile(inbox.resolve(".failed").resolve(marker + ".gz"));
        assertThat(Files.readString(reason)).isNotBlank();
    }

    @Test
    void followedFilesAreReadThroughRotationAndTruncation() throws Exception {
        append(TAILED, "Nov 23 10:00:00 h sshd[1]: Invalid user " + marker + " from 192.0.2.1 port 1\n");
        append(TAILED, "Nov 23 10:00:01 h sshd[1]: Invalid user " + marker + " from 192.0.2.2 port 2\n"
                + "Nov 23 10:00:02 h sshd[1]: Invalid user " + marker + " from 192.0.2.3 port 3");
        assertThat(appliance.eventsUntilTotal("user.name:" + marker, 2).get("total").asLong()).isEqualTo(2);
        append(TAILED, "\n");
        // rotate: the old file gets one more line after the rename, then a new file appears
        Path rotated = TAILED.resolveSibling("auth.log.1");
        Files.move(TAILED, rotated);
        append(rotated, "Nov 23 10:00:03 h sshd[1]: Invalid user " + marker + " from 192.0.2.4 port 4\n");
        append(TAILED, "Nov 23 10:00:04 h sshd[1]: Invalid user " + marker + " from 192.0.2.5 port 5\n");
        assertThat(appliance.eventsUntilTotal("user.name:" + marker, 5).get("total").asLong()).isEqualTo(5);
        // copytruncate
        Files.write(TAILED, new byte[0], StandardOpenOption.TRUNCATE_EXISTING);
        append(TAILED, "Nov 23 10:00:05 h sshd[1]: Invalid user " + marker + " from 192.0.2.6 port 6\n");
        JsonNode answer = appliance.eventsUntilTotal("user.name:" + marker, 6);
        assertThat(answer.get("total").asLong()).isEqualTo(6);
        // two more polls of the followed files, carried through, and the index refreshed: no line read twice
        assertThat(new org.apache.camel.builder.NotifyBuilder(camel).fromRoute("ingest-tail").whenCompleted(2)
                .create().matches(15, TimeUnit.SECONDS)).isTrue();
        Appliance.awaitDrained(camel);
        events.refresh();
        assertThat(appliance.eventsUntilTotal("user.name:" + marker, 6).get("total").asLong()).isEqualTo(6);
    }

    @Test
    void malformedLinesAreStoredTaggedAndKeptAsDeadLetters() throws Exception {
        appliance.post("/api/ingest_log", "text/plain", KEY, "<13>1 2026-13-45T99:00:00Z h app - - - " + marker);
        JsonNode answer = appliance.eventsUntilTotal(marker + " AND tags:malformed", 1);
        assertThat(answer.get("total").asLong()).isEqualTo(1);
        assertThat(events(answer).getFirst().at("/error/message").asText()).contains("invalid RFC 5424");
        assertThat(Files.readString(todaysDeadLetters())).contains(marker).contains("invalid RFC 5424");
    }

    @Test
    void searchAnswersTypedQueriesAndExplainsBadOnes() throws Exception {
        appliance.post("/api/ingest_log", "application/x-ndjson", KEY,
                "{\"message\":\"10.1.2.3 - - [23/Nov/2026:10:40:00 +0000] \\\"GET /a HTTP/1.1\\\" 503 1 \\\"-\\\" \\\"" + marker + "\\\"\"}\n"
                        + "{\"message\":\"192.0.2.9 - - [23/Nov/2026:10:40:01 +0000] \\\"GET /b HTTP/1.1\\\" 200 1 \\\"-\\\" \\\"" + marker + "\\\"\"}\n");
        JsonNode both = appliance.eventsUntilTotal("user_agent.original:" + marker, 2);
        assertThat(both.get("total").asLong()).isEqualTo(2);
        JsonNode cidr = appliance.eventsUntil("user_agent.original:" + marker
                + " AND source.ip:10.0.0.0/8 AND http.response.status_code:[500 TO 599]", a -> true);
        assertThat(cidr.get("total").asLong()).isEqualTo(1);

        HttpResponse<String> bad = appliance.get("/api/v1/logs?q=source.ip:banana");
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(Appliance.json(bad.body()).get("error").asText()).contains("not an IP address");
        assertThat(appliance.get("/api/v1/logs?from=tomorrow").statusCode()).isEqualTo(400);

        HttpResponse<String> stats = appliance.get("/api/v1/logs/stats?q=user_agent.original:" + marker
                + "&field=http.response.status_code&interval=1m&from=2026-11-23T10:39:00Z&to=2026-11-23T10:41:00Z");
        assertThat(stats.statusCode()).isEqualTo(200);
        JsonNode s = Appliance.json(stats.body());
        assertThat(s.get("total").asLong()).isEqualTo(2);
        assertThat(s.get("histogram")).hasSize(3);
        assertThat(s.get("top")).extracting(v -> v.get("value").asText()).containsExactlyInAnyOrder("200", "503");
    }

    @Test
    void theDailyRetentionJobDeletesEventsPastTheirAge() throws Exception {
        assertThat(camel.getRouteController().getRouteStatus("retention").isStarted()).isTrue();
        appliance.post("/api/ingest_log", "application/x-ndjson", KEY,
                "{\"@timestamp\":\"2020-01-01T00:00:00Z\",\"user\":{\"name\":\"" + marker + "\"}}\n"
                        + "{\"user\":{\"name\":\"" + marker + "\"}}\n");
        assertThat(appliance.eventsUntilTotal("user.name:" + marker, 2).get("total").asLong()).isEqualTo(2);
        assertThat(retention.run()).isGreaterThanOrEqualTo(1);
        JsonNode left = appliance.eventsUntil("user.name:" + marker, a -> a.get("total").asLong() == 1);
        assertThat(left.get("total").asLong()).isEqualTo(1);
        assertThat(events(left).getFirst().at("/@timestamp").asText()).doesNotStartWith("2020");
    }

    @Test
    void healthIsUp() throws Exception {
        HttpResponse<String> health = appliance.get("/actuator/health");
        assertThat(health.statusCode()).isEqualTo(200);
        assertThat(Appliance.json(health.body()).get("status").asText()).isEqualTo("UP");
        assertThat(Appliance.json(health.body()).at("/components/eventStore/status").asText()).isEqualTo("UP");
    }

    private static Path todaysDeadLetters() throws Exception {
        Path dir = DATA.resolve("dead-letter");
        awaitFile(dir);
        try (var files = Files.list(dir)) {
            return files.filter(p -> p.toString().endsWith(".ndjson")).findFirst().orElseThrow();
        }
    }

    private static void append(Path file, String text) throws Exception {
        Files.writeString(file, text, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }

    private static void awaitFile(Path file) {
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(100))
                .until(() -> Files.exists(file));
    }
}
