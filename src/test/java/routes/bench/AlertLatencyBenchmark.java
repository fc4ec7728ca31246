package routes.bench;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.kafka.test.EmbeddedKafkaKraftBroker;
import routes.Appliance;
import routes.CaravanApplication;

import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * How long from the last event that completes an attack to its alert on Kafka (a benchmark, not a test). Starts an
 * in-process Kafka broker and the appliance, keeps a background load of access-log lines flowing over syslog TCP,
 * and for each round sends one attacker's five failed sshd logins and then the success that makes the alert
 * critical; the time from writing that success line to the socket until the critical alert for that address is
 * read from {@code caravan.alerts.critical} is one sample. Prints p50, p90, p99 and max, and how many rounds got
 * no alert within 10 s.
 *
 * <p>Run: {@code ./mvnw -Pbench verify -DskipTests} (options: {@code -Dbench.latency.rounds=200}
 * {@code -Dbench.latency.background=2000} events/s, {@code -Dbench.latency.repository=sql}).
 */
public final class AlertLatencyBenchmark {

    private static final DateTimeFormatter SYSLOG_TIME = DateTimeFormatter.ofPattern("MMM d HH:mm:ss", Locale.ENGLISH);

    public static void main(String[] args) throws Exception {
        int rounds = Integer.getInteger("bench.latency.rounds", 100);
        int background = Integer.getInteger("bench.latency.background", 2000);
        // the first rounds start the Kafka producer and warm the JIT: run, not counted
        int warmup = Integer.getInteger("bench.latency.warmup", 20);
        // memory, or sql to measure what keeping correlation windows in the SQL store costs
        String repository = System.getProperty("bench.latency.repository", "memory");
        EmbeddedKafkaKraftBroker kafka = new EmbeddedKafkaKraftBroker(1, 1, "caravan.alerts.critical",
                "caravan.alerts.warning", "caravan.logs");
        kafka.afterPropertiesSet();
        Path data = Files.createTempDirectory("caravan-latency");
        int syslogPort = Appliance.freePort();
        ConfigurableApplicationContext appliance = new SpringApplicationBuilder(CaravanApplication.class).run(
                "--server.port=0", "--siem.data-dir=" + data, "--siem.syslog.host=127.0.0.1",
                "--siem.syslog.tcp-port=" + syslogPort, "--siem.syslog.udp-port=" + syslogPort,
                "--siem.ingest.api-keys=bench", "--siem.kafka.bootstrap-servers=" + kafka.getBrokersAsString(),
                "--siem.correlation.repository=" + repository, "--logging.level.root=WARN");
        AtomicBoolean running = new AtomicBoolean(true);
        Thread load = Thread.ofPlatform().name("background-load").start(() -> backgroundLoad(syslogPort, background,
                running));
        long[] samples = new long[rounds];
        if (rounds + warmup > 500) {
            throw new IllegalArgumentException("at most 500 rounds (one attacker address each)");
        }
        try (KafkaConsumer<String, String> consumer = Appliance.kafkaConsumer(kafka.getBrokersAsString(), "bench");
             Socket socket = new Socket("127.0.0.1", syslogPort)) {
            consumer.subscribe(List.of("caravan.alerts.critical"));
            consumer.poll(Duration.ofMillis(500));
            OutputStream out = socket.getOutputStream();
            Map<String, Long> sentAt = new HashMap<>();
            Appliance http = new Appliance(Integer.parseInt(appliance.getEnvironment().getProperty("local.server.port")));
            String missed = "";
            int done = 0;
            for (int round = -warmup; round < rounds; round++) {
                int n = round + warmup;
                String ip = n < 250 ? "203.0.113." + (1 + n) : "198.51.100." + (n - 249);
                String now = SYSLOG_TIME.format(ZonedDateTime.now(ZoneId.systemDefault()));
                StringBuilder lines = new StringBuilder();
                for (int i = 0; i < 5; i++) {
                    lines.append("<38>").append(now).append(" bastion sshd[").append(4000 + i)
                            .append("]: Failed password for root from ").append(ip).append(" port ")
                            .append(50000 + i).append(" ssh2\n");
                }
                out.write(lines.toString().getBytes(StandardCharsets.UTF_8));
                out.flush();
                // the success counts only after the brute force it follows (a temporal_ordered correlation)
                http.signalsUntilTotal("rule.name:\"Brute Force Against Linux Logins From One Source\" AND source.ip:"
                        + ip, 1);
                byte[] success = ("<38>" + now + " bastion sshd[4999]: Accepted password for root from " + ip
                        + " port 50999 ssh2\n").getBytes(StandardCharsets.UTF_8);
                sentAt.put("source.ip=" + ip, System.nanoTime());
                out.write(success);
                out.flush();
                long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
                while (!sentAt.isEmpty() && System.nanoTime() < deadline) {
                    for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(5))) {
                        // the alert that tells of the success, not an earlier update of the brute force still on its way
                        if (!record.value().contains("Successful Login After A Brute Force")) {
                            continue;
                        }
                        Long sent = sentAt.remove(record.key());
                        if (sent != null && round >= 0) {
                            samples[done++] = System.nanoTime() - sent;
                        }
                    }
                }
                if (!sentAt.isEmpty() && missed.isEmpty()) {
                    // the first miss says why: what the alert store holds for that address
                    missed = http.get("/api/v1/alerts?source=" + ip).body() + " events: " + http.get("/api/v1/logs?q=source.ip:%22" + ip + "%22").body() + " all: " + http.get("/api/v1/logs?size=2").body();
                }
                sentAt.clear();
            }
            long[] measured = Arrays.copyOf(samples, done);
            Arrays.sort(measured);
            System.out.printf("%nAlert latency, last triggering event sent -> critical alert read from Kafka "
                            + "(%d of %d rounds after %d warm-up, background %d events/s over syslog TCP, correlation windows in "
                    + "%s):%n", done, rounds, warmup, background, repository);
            if (done > 0) {
                System.out.printf("  p50 %d ms   p90 %d ms   p99 %d ms   max %d ms%n", ms(measured, 0.50),
                        ms(measured, 0.90), ms(measured, 0.99), measured[done - 1] / 1_000_000);
            }
            System.out.printf("  rounds without an alert within 10 s: %d%n", rounds - done);
            if (!missed.isEmpty()) {
                System.out.printf("  the alert store for the first address without one: %s%n", missed);
            }
        } finally {
            running.set(false);
            load.join();
            appliance.close();
            kafka.destroy();
        }
    }

    private static long ms(long[] sorted, double quantile) {
        int rank = (int) Math.ceil(quantile * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank))] / 1_000_000;
    }

    /** Ordinary web traffic at a steady rate, so the alert path competes with normal work. */
    private static void backgroundLoad(int port, int perSecond, AtomicBoolean running) {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            OutputStream out = socket.getOutputStream();
            long sent = 0;
            long start = System.nanoTime();
            while (running.get()) {
                long due = (System.nanoTime() - start) * perSecond / 1_000_000_000L;
                StringBuilder batch = new StringBuilder();
                for (; sent < due; sent++) {
                    batch.append("<190>").append(SYSLOG_TIME.format(ZonedDateTime.now(ZoneId.systemDefault())))
                            .append(" web1 nginx: 192.0.2.").append(sent % 200).append(" - - [")
                            .append("23/Nov/2026:10:15:03 +0000] \"GET /page/").append(sent % 1000)
                            .append(" HTTP/1.1\" 200 5123 \"-\" \"Mozilla/5.0\" 0.012\n");
                }
                out.write(batch.toString().getBytes(StandardCharsets.UTF_8));
                out.flush();
                Thread.sleep(10);
            }
        } catch (Exception e) {
            if (running.get()) {
                throw new IllegalStateException(e);
            }
        }
    }
}
