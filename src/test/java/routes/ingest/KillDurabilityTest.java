package routes.ingest;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import routes.Appliance;
import routes.ApplianceProcess;
import routes.KafkaBroker;
import routes.UsesKafka;
import routes.model.Event;
import routes.store.EventStore;
import routes.store.LuceneEventStore;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The appliance as its own process, killed with SIGKILL at random points while HTTP clients, a syslog TCP sender,
 * Kafka and the inbox feed it, and started again on the same data directory each time: every line an input
 * acknowledged (an HTTP 202, a Kafka record produced, a file dropped in the inbox) is stored exactly once, and no line
 * is stored twice. Syslog TCP has no acknowledgement: what the sender wrote may be lost in the sockets' buffers at a
 * kill, but never stored twice.
 */
@UsesKafka
class KillDurabilityTest {

    private static final String TOPIC = "kill.logs";
    private static final int KILLS = 3;
    private static final int HTTP_BATCH = 200;
    private static final int KAFKA_PER_ROUND = 1500;
    private static final int INBOX_PER_ROUND = 2000;
    /** The source of a brute force whose first four attempts come before the first kill, the last two after all. */
    private static final String ATTACKER = "198.51.100.77";
    private static final Pattern LINE_ID = Pattern.compile("durability (http|tcp|kafka|inbox) (\\S+)");

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final Set<String> httpAcked = ConcurrentHashMap.newKeySet();
    private final AtomicInteger tcpWritten = new AtomicInteger();
    private final List<String> acknowledged = new ArrayList<>();

    @Test
    void killedAtRandomPointsTheApplianceKeepsEveryAcknowledgedLineOnceAndNoLineTwice() throws Exception {
        KafkaBroker.topics(2, TOPIC);
        Path data = Files.createTempDirectory("caravan-kill");
        Random random = new Random(Long.getLong("kill.seed", System.nanoTime()));
        try (KafkaProducer<String, String> producer = producer()) {
            for (int round = 0; round < KILLS; round++) {
                try (ApplianceProcess appliance = start(data)) {
                    AtomicBoolean sending = new AtomicBoolean(true);
                    int r = round;
                    Thread httpSender = Thread.ofPlatform().start(() -> postUntilStopped(appliance, r, sending));
                    Thread tcpSender = Thread.ofPlatform().start(() -> writeUntilStopped(appliance, r, sending));
                    for (int i = 0; i < KAFKA_PER_ROUND; i++) {
                        String line = "<14>Dec  3 10:00:00 kafka1 app: durability kafka " + r + "m" + i;
                        producer.send(new ProducerRecord<>(TOPIC, Integer.toString(i), line));
                        acknowledged.add("kafka " + r + "m" + i);
                    }
                    producer.flush();
                    dropInInbox(data, r);
                    if (round == 0) {
                        assertThat(bruteForce(appliance, 0, 4).statusCode()).isEqualTo(202);
                        appliance.api().eventsUntilTotal("source.ip:\"" + ATTACKER + "\"", 4);
                    }
                    // a random point of the traffic, not of the clock: after some more HTTP batches were answered,
                    // however fast this machine takes them
                    int answered = httpAcked.size() + 5 + random.nextInt(30);
                    Appliance.until(httpAcked::size, acked -> acked >= answered, Duration.ofSeconds(30));
                    appliance.kill();
                    sending.set(false);
                    httpSender.join();
                    tcpSender.join();
                }
            }
        }
        long expectedKafka = (long) KILLS * KAFKA_PER_ROUND;
        try (ApplianceProcess appliance = start(data)) {
            // the journal is read again at the start; Kafka resumes from the offsets the appliance committed
            appliance.api().eventsUntil("durability AND kafka AND input.type:kafka",
                    answer -> answer.get("total").asLong() >= expectedKafka, Duration.ofSeconds(120));
            // the open correlation window (and the attacker's risk) of before the kills is open again: two more
            // attempts make five within five minutes
            assertThat(bruteForce(appliance, 4, 2).statusCode()).isEqualTo(202);
            var alerts = Appliance.until(() -> Appliance.json(appliance.api().get("/api/v1/alerts?source="
                    + ATTACKER).body()), page -> page.path("total").asLong() > 0, Duration.ofSeconds(30));
            assertThat(alerts.path("total").asLong()).as(alerts.toString()).isEqualTo(1);
            assertThat(alerts.toString()).contains("Brute Force");
            assertThat(appliance.terminate()).isIn(0, 143);
        }
        Map<String, Integer> stored = storedLines(data);
        for (String batch : httpAcked) {
            for (int i = 0; i < HTTP_BATCH; i++) {
                acknowledged.add("http " + batch + "l" + i);
            }
        }
        List<String> lost = acknowledged.stream().filter(line -> !stored.containsKey(line)).toList();
        List<String> twice = stored.entrySet().stream().filter(e -> e.getValue() > 1).map(Map.Entry::getKey).toList();
        long tcpStored = stored.keySet().stream().filter(line -> line.startsWith("tcp ")).count();
        System.out.printf("kill test: %d kills; acknowledged %d lines (http %d, kafka %d, inbox %d), lost %d, "
                        + "stored twice %d; tcp: %d written, %d stored%n", KILLS, acknowledged.size(),
                httpAcked.size() * HTTP_BATCH, expectedKafka, KILLS * INBOX_PER_ROUND, lost.size(), twice.size(),
                tcpWritten.get(), tcpStored);
        assertThat(httpAcked).as("HTTP requests were answered 202 before the kills").isNotEmpty();
        assertThat(lost).as("acknowledged lines lost").isEmpty();
        assertThat(twice).as("lines stored more than once").isEmpty();
        assertThat(tcpStored).isPositive().isLessThanOrEqualTo(tcpWritten.get());
    }

    /** Failed root logins over sshd from the attacker, a second apart from 10:07:00 (the n-th at second n). */
    private HttpResponse<String> bruteForce(ApplianceProcess appliance, int from, int count) throws Exception {
        StringBuilder lines = new StringBuilder();
        for (int i = from; i < from + count; i++) {
            lines.append(String.format("<38>Dec  3 10:07:%02d bastion sshd[%d]: Failed password for root from %s "
                    + "port %d ssh2%n", i, 6000 + i, ATTACKER, 52000 + i));
        }
        return appliance.api().post("/api/ingest_log", "text/plain", "k", lines.toString());
    }

    private ApplianceProcess start(Path data) throws Exception {
        return new ApplianceProcess(data, "1g", "--siem.kafka.bootstrap-servers=" + KafkaBroker.brokers(),
                "--siem.kafka.logs-topic=" + TOPIC, "--siem.kafka.group-id=kill-test",
                "--siem.anomaly.enabled=false");
    }

    private static KafkaProducer<String, String> producer() {
        return new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, KafkaBroker.brokers(),
                ProducerConfig.ACKS_CONFIG, "all", ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class));
    }

    /** Posts batches one after the other; a batch answered 202 is acknowledged, whatever happens after. */
    private void postUntilStopped(ApplianceProcess appliance, int round, AtomicBoolean sending) {
        URI uri = URI.create("http://127.0.0.1:" + appliance.httpPort + "/api/ingest_log");
        for (int batch = 0; sending.get(); batch++) {
            String id = round + "b" + batch;
            StringBuilder body = new StringBuilder();
            for (int i = 0; i < HTTP_BATCH; i++) {
                body.append("<14>Dec  3 10:00:00 web1 app: durability http ").append(id).append('l').append(i)
                        .append('\n');
            }
            try {
                HttpResponse<Void> answer = http.send(HttpRequest.newBuilder(uri).header("X-API-Key", "k")
                        .header("Content-Type", "text/plain").timeout(Duration.ofSeconds(10))
                        .POST(HttpRequest.BodyPublishers.ofString(body.toString())).build(),
                        HttpResponse.BodyHandlers.discarding());
                if (answer.statusCode() == 202) {
                    httpAcked.add(id);
                }
            } catch (IOException killed) {
                return;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private void writeUntilStopped(ApplianceProcess appliance, int round, AtomicBoolean sending) {
        try (Socket socket = new Socket("127.0.0.1", appliance.syslogPort)) {
            OutputStream out = new BufferedOutputStream(socket.getOutputStream(), 4096);
            for (int i = 0; sending.get(); i++) {
                out.write(("<14>Dec  3 10:00:00 tcp1 app: durability tcp " + round + "t" + i + "\n")
                        .getBytes(StandardCharsets.UTF_8));
                if (i % 50 == 49) {
                    out.flush();
                    tcpWritten.addAndGet(50);
                    // a steady 2,500 lines a second: a busy host, not a flood the final check must wait out
                    Thread.sleep(20);
                }
            }
        } catch (IOException killed) {
            // the appliance died under the sender
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** A file moved into the inbox whole: dropped, it is the appliance's to keep. */
    private void dropInInbox(Path data, int round) throws IOException {
        Path file = data.resolve("inbox-" + round + ".log");
        StringBuilder lines = new StringBuilder();
        for (int i = 0; i < INBOX_PER_ROUND; i++) {
            lines.append("<14>Dec  3 10:00:00 files1 app: durability inbox ").append(round).append('f').append(i)
                    .append('\n');
            acknowledged.add("inbox " + round + "f" + i);
        }
        Files.writeString(file, lines);
        Files.createDirectories(data.resolve("inbox"));
        Files.move(file, data.resolve("inbox").resolve(file.getFileName()), StandardCopyOption.ATOMIC_MOVE);
    }

    /** Every test line the index holds, with how often. */
    private static Map<String, Integer> storedLines(Path data) throws IOException {
        Map<String, Integer> stored = new HashMap<>();
        try (LuceneEventStore index = new LuceneEventStore(data.resolve("events"), Duration.ofMillis(100),
                Duration.ofSeconds(1), 16)) {
            String cursor = null;
            do {
                EventStore.SearchResult page = index.search(new EventStore.SearchRequest(
                        "durability AND event.kind:event", null, null, 1000, cursor));
                for (Event event : page.events()) {
                    Matcher id = LINE_ID.matcher(event.getString("event.original"));
                    if (id.find()) {
                        stored.merge(id.group(1) + " " + id.group(2), 1, Integer::sum);
                    }
                }
                cursor = page.next();
            } while (cursor != null);
        }
        return new TreeMap<>(stored);
    }
}
