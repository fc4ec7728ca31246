package routes.correlate;

import routes.Appliance;
import routes.ElasticsearchNode;
import routes.KafkaBroker;
import routes.SlackWebhook;
import routes.UsesElasticsearch;
import routes.UsesKafka;
import com.fasterxml.jackson.databind.JsonNode;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.camel.CamelContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The whole appliance against one attacker: failed sshd logins, then a success, then a port scan in firewall
 * lines, all from one public address, sent by a real syslog client ({@code logger}) over TCP. Exactly one critical
 * correlated alert comes out, with its evidence, and reaches every output: the alert store, Kafka (in-process
 * broker), Slack (a loopback webhook) and Elasticsearch (a real 8.19 node), where the events are searchable too.
 * The same input replayed from a file gives the same alert, folded into the open one.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "siem.kafka.logs-topic=attack-test.logs", "siem.kafka.alert-topic-prefix=attack-test.alerts."})
@UsesKafka
@UsesElasticsearch
@DirtiesContext
class CorrelatedAttackEndToEndTest {

    private static final String ATTACKER = "203.0.113.50";
    private static final int SYSLOG_PORT = Appliance.freePort();
    private static final String INDEX_PREFIX = "e2e" + ProcessHandle.current().pid();
    private static Path data;
    @RegisterExtension
    static final SlackWebhook SLACK = new SlackWebhook();

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) throws Exception {
        data = Files.createTempDirectory("caravan-attack");
        Appliance.isolate(registry, data, SYSLOG_PORT, "k");
        KafkaBroker.topics(1, "attack-test.logs", "attack-test.alerts.critical", "attack-test.alerts.warning");
        registry.add("siem.kafka.bootstrap-servers", KafkaBroker::brokers);
        SLACK.configure(registry);
        registry.add("siem.elasticsearch.uris", ElasticsearchNode::url);
        registry.add("siem.elasticsearch.events-prefix", () -> INDEX_PREFIX + "-events");
        registry.add("siem.elasticsearch.alerts-index", () -> INDEX_PREFIX + "-alerts");
    }

    @LocalServerPort
    int httpPort;

    @Autowired
    CamelContext camel;

    final String brokers = KafkaBroker.brokers();

    private final HttpClient http = HttpClient.newHttpClient();

    /** The attack as sshd and the kernel's UFW log it: 12 failures, a success, a scan of 15 ports. */
    private static List<String[]> attack() {
        List<String[]> lines = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            lines.add(new String[]{"sshd", "auth.info", "Failed password for root from " + ATTACKER + " port "
                    + (52000 + i) + " ssh2"});
        }
        lines.add(new String[]{"sshd", "auth.info", "Accepted password for root from " + ATTACKER
                + " port 52100 ssh2"});
        int[] ports = {21, 22, 23, 25, 53, 80, 110, 139, 143, 443, 445, 3306, 3389, 5432, 8080};
        for (int i = 0; i < ports.length; i++) {
            lines.add(new String[]{"kernel", "kern.warning", "[UFW BLOCK] IN=eth0 OUT= MAC=52:54:00:12:34:56:52:54:00:65"
                    + ":43:21:08:00 SRC=" + ATTACKER + " DST=10.0.0.5 LEN=44 TOS=0x00 PREC=0x00 TTL=52 ID=" + (4000 + i)
                    + " PROTO=TCP SPT=" + (40000 + i) + " DPT=" + ports[i] + " WINDOW=1024 RES=0x00 SYN URGP=0"});
        }
        return lines;
    }

    @Test
    void aBruteForceThenScanFromOneAddressIsOneCriticalAlertEverywhere() throws Exception {
        Appliance appliance = new Appliance(httpPort);
        ZonedDateTime sent = ZonedDateTime.now(ZoneId.systemDefault());
        for (String[] line : attack()) {
            logger(line[0], line[1], line[2]);
        }

        // the alert store: one critical alert for this address, which the scan joins once the firewall lines are in
        JsonNode first = until(() -> Appliance.json(appliance.get(
                        "/api/v1/alerts?severity=critical&source=" + ATTACKER).body()),
                answer -> answer.get("total").asLong() >= 1);
        String id = first.at("/alerts/0/id").asText();
        // every correlation of the chain has had its say once the one that needs the scan has joined
        // (the events come from Elasticsearch, searchable within its refresh interval)
        JsonNode detail = until(() -> Appliance.json(appliance.get("/api/v1/alerts/" + id).body()),
                alert -> alert.has("breakdown") && alert.get("breakdown").toString()
                        .contains("Brute-Force Attack With A Port Scan")
                        && alert.get("events").toString().contains("UFW BLOCK")
                        && alert.get("events").toString().contains("Accepted password"));
        JsonNode critical = Appliance.json(appliance.get("/api/v1/alerts?severity=critical&source=" + ATTACKER)
                .body());
        assertThat(critical.get("total").asLong()).as("exactly one critical alert").isEqualTo(1);
        // named by the most telling evidence: a correlation of the chain
        assertThat(detail.get("title").asText()).isIn("Brute-Force Attack With A Port Scan From The Same Source",
                "Successful Login After A Brute Force From The Same Source");
        assertThat(detail.at("/group/source.ip").asText()).isEqualTo(ATTACKER);
        assertThat(detail.get("severity").asText()).isEqualTo("critical");
        List<String> evidence = new ArrayList<>();
        detail.get("events").forEach(e -> evidence.add(e.toString()));
        assertThat(String.join("\n", evidence)).as("the events behind it")
                .contains("Failed password for root from " + ATTACKER, "Accepted password for root from " + ATTACKER,
                        "[UFW BLOCK]");
        assertThat(detail.get("breakdown").toString()).contains("posterior", "Brute Force");
        assertThat(detail.get("breakdown").toString()).as("the chain's correlations, evidence of one alert")
                .contains("Successful Login After A Brute Force", "Brute-Force Attack With A Port Scan");
        JsonNode all = Appliance.json(appliance.get("/api/v1/alerts?source=" + ATTACKER).body());
        assertThat(all.get("total").asLong()).as("one alert for the whole attack").isEqualTo(1);

        // Kafka: every record on the critical topic is that alert, keyed by its group
        List<ConsumerRecord<String, String>> records = consume("attack-test.alerts.critical", 1);
        Set<String> ids = new HashSet<>();
        for (ConsumerRecord<String, String> record : records) {
            assertThat(record.key()).isEqualTo("source.ip=" + ATTACKER);
            ids.add(Appliance.json(record.value()).get("id").asText());
        }
        assertThat(ids).containsExactly(id);

        // Slack: one message, about that alert
        String message = SLACK.next(20);
        assertThat(message).isNotNull().contains(ATTACKER).contains(id);

        // Elasticsearch: the alert under its id, and the attacker's events searchable through /api/v1/logs
        JsonNode indexed = until(() -> Appliance.json(elasticsearch("/" + INDEX_PREFIX
                        + "-alerts/_search?q=severity:critical")), a -> a.at("/hits/total/value").asLong() >= 1);
        assertThat(indexed.at("/hits/total/value").asLong())
                .as(() -> "alerts index: " + uncheckedGet("/" + INDEX_PREFIX + "-alerts/_search") + "\ndead letters: "
                        + deadLetters()).isEqualTo(1);
        assertThat(indexed.at("/hits/hits/0/_id").asText()).isEqualTo(id);
        JsonNode document = Appliance.json(elasticsearch("/" + INDEX_PREFIX + "-alerts/_doc/" + id));
        assertThat(document.get("_version").asLong()).as("versioned by its last update, in microseconds")
                .isGreaterThan(1_700_000_000_000_000L);
        JsonNode events = appliance.searchUntil("source.ip:" + ATTACKER + " AND NOT event.kind:signal",
                answer -> answer.get("total").asLong() >= 28);
        assertThat(events.get("total").asLong()).isEqualTo(28);

        // the same lines from a file, times and all: the same alert again, folded into the open one
        DateTimeFormatter syslogTime = DateTimeFormatter.ofPattern("MMM d HH:mm:ss", Locale.ENGLISH);
        List<String> file = new ArrayList<>();
        int pid = 7000;
        for (String[] line : attack()) {
            file.add(syslogTime.format(sent) + " bastion " + line[0] + (line[0].equals("sshd") ? "[" + pid++ + "]" : "")
                    + ": " + line[2]);
        }
        Path inbox = data.resolve("inbox");
        Files.createDirectories(inbox);
        Files.write(inbox.resolve("attack.log.part"), file);
        Files.move(inbox.resolve("attack.log.part"), inbox.resolve("attack.log"));
        // the file's lines arrive as new events, and the chain's correlations fold them into the open alert
        int before = detail.get("history").size();
        until(() -> Appliance.json(appliance.get("/api/v1/alerts/" + id).body()),
                a -> a.get("history").size() > before && a.get("events").size() > detail.get("events").size());
        Appliance.awaitDrained(camel);
        JsonNode history = Appliance.json(appliance.get("/api/v1/alerts/" + id).body()).get("history");
        List<String> actions = new ArrayList<>();
        for (int i = before; i < history.size(); i++) {
            actions.add(history.get(i).get("action").asText());
        }
        assertThat(actions).as(history::toString).isNotEmpty().allMatch(a -> a.equals("repeated")
                || a.equals("correlated"));
        JsonNode after = Appliance.json(appliance.get("/api/v1/alerts?severity=critical&source=" + ATTACKER).body());
        assertThat(after.get("total").asLong()).as("still exactly one critical alert").isEqualTo(1);
        assertThat(Appliance.json(appliance.get("/api/v1/alerts?source=" + ATTACKER).body()).get("total").asLong())
                .as("still one alert for the whole attack").isEqualTo(1);
        assertThat(SLACK.pending()).as("a repeat is not announced again").isNull();
    }

    private static void logger(String tag, String priority, String message) throws Exception {
        Process process = new ProcessBuilder("logger", "-n", "127.0.0.1", "-P", Integer.toString(SYSLOG_PORT), "-T",
                "--rfc3164", "-t", tag, "-p", priority, message).redirectErrorStream(true).start();
        assertThat(process.waitFor(10, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as(new String(process.getInputStream().readAllBytes())).isZero();
    }

    private List<ConsumerRecord<String, String>> consume(String topic, int atLeast) {
        List<ConsumerRecord<String, String>> received = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = Appliance.kafkaConsumer(brokers, "soc-tool")) {
            consumer.subscribe(List.of(topic));
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            // what arrived, plus a short wait for stragglers once the first came
            long quietUntil = Long.MAX_VALUE;
            while (System.nanoTime() < Math.min(deadline, quietUntil)) {
                consumer.poll(Duration.ofMillis(200)).forEach(received::add);
                if (received.size() >= atLeast && quietUntil == Long.MAX_VALUE) {
                    quietUntil = System.nanoTime() + Duration.ofSeconds(2).toNanos();
                }
            }
        }
        return received;
    }

    private String elasticsearch(String path) throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(ElasticsearchNode.url() + path))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
        return response.body();
    }

    private static String deadLetters() {
        try (var files = Files.list(data.resolve("dead-letter"))) {
            StringBuilder all = new StringBuilder();
            for (Path file : files.toList()) {
                all.append(Files.readString(file));
            }
            return all.toString();
        } catch (IOException e) {
            return e.toString();
        }
    }

    private String uncheckedGet(String path) {
        try {
            return elasticsearch(path);
        } catch (Exception e) {
            return e.toString();
        }
    }

    private interface Fetch {
        JsonNode get() throws Exception;
    }

    private static JsonNode until(Fetch fetch, Predicate<JsonNode> condition) {
        return Appliance.until(fetch::get, condition);
    }
}
