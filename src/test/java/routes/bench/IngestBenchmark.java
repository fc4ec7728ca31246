package routes.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import routes.Appliance;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.Socket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Load generator for the ingest pipeline (a benchmark, not a test): starts the packaged appliance as its own
 * process on loopback, drives syslog over TCP and UDP and {@code POST /api/ingest_log} with real sshd and access-log
 * lines, and prints for each input the sustained events/s from first send until every event is searchable, the
 * loss, the p99 send-to-searchable latency of probe events sent during the load, and the appliance's heap and RSS.
 * A JFR recording of the appliance is summarized at the end (where the time goes).
 *
 * <p>Run: {@code ./mvnw -Pbench verify -DskipTests} (options: {@code -Dbench.events=2000000}
 * {@code -Dbench.paced.rate=5000} {@code -Dbench.connections=4}).
 */
public final class IngestBenchmark {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration PHASE_LIMIT = Duration.ofSeconds(120);
    private static final int BLOCK = 5_000;
    /** Real-looking lines; %1$s is the run's host name, %2$s a unique user, %3$d and %4$d vary per line. */
    private static final String[] TEMPLATES = {
            "<38>Nov 23 10:15:01 %1$s sshd[2211]: Failed password for invalid user %2$s from 203.0.113.%3$d port %4$d ssh2",
            "<38>Nov 23 10:15:02 %1$s sshd[2212]: Accepted publickey for %2$s from 198.51.100.%3$d port %4$d ssh2: RSA SHA256:Vx9bJxkN0mM2",
            "<190>Nov 23 10:15:03 %1$s nginx: 192.0.2.%3$d - %2$s [23/Nov/2026:10:15:03 +0000] \"GET /index.php?id=%4$d HTTP/1.1\" 200 5123 \"-\" \"Mozilla/5.0 (X11; Linux x86_64)\" 0.012",
            "<38>Nov 23 10:15:04 %1$s sshd[2213]: Invalid user %2$s from 203.0.113.%3$d port %4$d",
            "<190>Nov 23 10:15:05 %1$s nginx: 203.0.113.%3$d - %2$s [23/Nov/2026:10:15:05 +0000] \"POST /wp-login.php HTTP/1.1\" 401 %4$d \"-\" \"python-requests/2.31\" 0.140",
    };

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final int httpPort = Appliance.freePort();
    private final int syslogPort = Appliance.freePort();
    private final Path data;
    private final String apiKey = "bench-key";
    private Process appliance;

    private IngestBenchmark() throws IOException {
        data = Files.createTempDirectory("caravan-bench");
    }

    public static void main(String[] args) throws Exception {
        Path jar = Path.of(args.length > 0 ? args[0] : "target/caravan.jar");
        long events = Long.getLong("bench.events", 2_000_000);
        int connections = Integer.getInteger("bench.connections", 4);
        int pacedRate = Integer.getInteger("bench.paced.rate", 5_000);
        IngestBenchmark bench = new IngestBenchmark();
        try {
            bench.start(jar);
            List<String> report = new ArrayList<>();
            report.add(String.format("%-6s %10s %12s %8s %10s %10s %10s %9s", "input", "events", "events/s",
                    "lost", "p50 ms", "p99 ms", "heap MiB", "RSS MiB"));
            bench.warmUp();
            report.add(bench.tcp(events, connections));
            report.add(bench.http(Math.min(events / 4, 500_000)));
            report.add(bench.pacedTcp(pacedRate * 20L, pacedRate));
            report.add(bench.udp(pacedRate * 20L, pacedRate));
            System.out.println();
            System.out.println("Caravan ingest benchmark: appliance and load generator on one machine ("
                    + Runtime.getRuntime().availableProcessors() + " cores), loopback only");
            report.forEach(System.out::println);
            System.out.println("events/s: first event sent until the last is searchable (tcp and http: as fast as "
                    + "the appliance takes them; @Nk: offered at N thousand/s for 20 s); lost: sent but not "
                    + "searchable 10 s after; latency: a probe event sent during the load -> found by search");
            bench.hotMethods();
        } finally {
            bench.stop();
        }
    }

    // ---- appliance process ----

    private void start(Path jar) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = new ArrayList<>(List.of(java, "--add-modules", "jdk.incubator.vector", "-Xmx2g",
                "-XX:StartFlightRecording=filename=" + data.resolve("bench.jfr") + ",settings=profile",
                "-jar", jar.toString(),
                "--server.port=" + httpPort, "--siem.data-dir=" + data, "--siem.syslog.host=127.0.0.1",
                "--siem.syslog.tcp-port=" + syslogPort, "--siem.syslog.udp-port=" + syslogPort,
                "--siem.ingest.api-keys=" + apiKey, "--logging.level.root=WARN"));
        // settings of the appliance under test, such as -Dbench.args=--siem.journal.fsync=always
        String extra = System.getProperty("bench.args", "").strip();
        if (!extra.isEmpty()) {
            command.addAll(List.of(extra.split("\\s+")));
            System.out.println("appliance settings: " + extra);
        }
        appliance = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(data.resolve("appliance.log").toFile()).start();
        // the whole appliance, not one of its components (the health answer lists them all)
        String health = Appliance.until(() -> {
            try {
                return get("/actuator/health/readiness");
            } catch (IOException notYet) {
                return "";
            }
        }, answer -> answer.startsWith("{\"status\":\"UP\"") || !appliance.isAlive(), Duration.ofSeconds(90));
        if (health != null && health.startsWith("{\"status\":\"UP\"")) {
            System.out.println("appliance up (pid " + appliance.pid() + "), data in " + data);
            return;
        }
        throw new IllegalStateException("appliance did not start; see " + data.resolve("appliance.log"));
    }

    private void stop() throws Exception {
        if (appliance != null && appliance.isAlive()) {
            appliance.destroy();
            appliance.waitFor();
        }
    }

    private void warmUp() throws Exception {
        String marker = "warm" + System.nanoTime();
        sendTcp(marker, 200_000, 2, new AtomicLong());
        awaitSearchable(marker, 200_000, Duration.ofSeconds(60));
    }

    // ---- phases ----

    private String tcp(long events, int connections) throws Exception {
        String marker = "tcp" + System.nanoTime();
        Probes probes = new Probes("tcp");
        AtomicLong sent = new AtomicLong();
        long start = System.nanoTime();
        probes.start();
        sendTcp(marker, events, connections, sent);
        long searchable = awaitSearchable(marker, sent.get(), PHASE_LIMIT);
        long elapsed = System.nanoTime() - start;
        probes.stop();
        return row("tcp", sent.get(), searchable, elapsed, probes);
    }

    private String pacedTcp(long events, int rate) throws Exception {
        String marker = "ptcp" + System.nanoTime();
        Probes probes = new Probes("ptcp");
        long start = System.nanoTime();
        probes.start();
        long sent = 0;
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), syslogPort);
             OutputStream out = new BufferedOutputStream(socket.getOutputStream(), 1 << 16)) {
            long deadline = start + PHASE_LIMIT.toNanos();
            while (sent < events && System.nanoTime() < deadline) {
                pace(start, sent, rate);
                out.write(line(marker, sent).getBytes(StandardCharsets.UTF_8));
                out.write('\n');
                sent++;
                if (sent % 50 == 0) {
                    out.flush();
                }
            }
        }
        long searchable = awaitSearchable(marker, sent, Duration.ofSeconds(30));
        long elapsed = System.nanoTime() - start;
        probes.stop();
        return row("tcp@" + rate / 1000 + "k", sent, searchable, elapsed, probes);
    }

    /** Waits until the n-th event of a paced run is due. */
    private static void pace(long start, long n, int rate) throws InterruptedException {
        long due = start + n * 1_000_000_000L / rate;
        long wait = due - System.nanoTime();
        if (wait > 1_000_000) {
            Thread.sleep(wait / 1_000_000);
        }
    }

    private String udp(long events, int rate) throws Exception {
        String marker = "udp" + System.nanoTime();
        Probes probes = new Probes("udp");
        long start = System.nanoTime();
        probes.start();
        long sent = 0;
        try (DatagramSocket socket = new DatagramSocket()) {
            InetAddress loopback = InetAddress.getLoopbackAddress();
            long deadline = System.nanoTime() + PHASE_LIMIT.toNanos();
            while (sent < events && System.nanoTime() < deadline) {
                pace(start, sent, rate);
                byte[] bytes = line(marker, sent).getBytes(StandardCharsets.UTF_8);
                socket.send(new DatagramPacket(bytes, bytes.length, loopback, syslogPort));
                sent++;
            }
        }
        long searchable = awaitSearchable(marker, sent, Duration.ofSeconds(10));
        long elapsed = System.nanoTime() - start;
        probes.stop();
        return row("udp@" + rate / 1000 + "k", sent, searchable, elapsed, probes);
    }

    private String http(long events) throws Exception {
        String marker = "http" + System.nanoTime();
        Probes probes = new Probes("http");
        long start = System.nanoTime();
        probes.start();
        int batch = 1000;
        AtomicLong sent = new AtomicLong();
        List<Thread> posters = new ArrayList<>();
        for (int t = 0; t < 2; t++) {
            int thread = t;
            posters.add(Thread.ofPlatform().start(() -> {
                long deadline = System.nanoTime() + PHASE_LIMIT.toNanos();
                for (long first = thread * (long) batch; first < events && System.nanoTime() < deadline;
                     first += 2L * batch) {
                    StringBuilder body = new StringBuilder(batch * 200);
                    long n = Math.min(batch, events - first);
                    for (long i = 0; i < n; i++) {
                        String text = line(marker, first + i).replace("\\", "\\\\").replace("\"", "\\\"");
                        body.append("{\"message\":\"").append(text).append("\"}\n");
                    }
                    try {
                        HttpResponse<String> response = http.send(HttpRequest.newBuilder(
                                        URI.create("http://127.0.0.1:" + httpPort + "/api/ingest_log"))
                                .header("Content-Type", "application/x-ndjson").header("X-API-Key", apiKey)
                                .POST(HttpRequest.BodyPublishers.ofString(body.toString())).build(),
                                HttpResponse.BodyHandlers.ofString());
                        if (response.statusCode() != 202) {
                            throw new IllegalStateException(response.statusCode() + " " + response.body());
                        }
                        sent.addAndGet(n);
                    } catch (IOException | InterruptedException e) {
                        throw new IllegalStateException(e);
                    }
                }
            }));
        }
        for (Thread poster : posters) {
            poster.join();
        }
        long searchable = awaitSearchable(marker, sent.get(), PHASE_LIMIT);
        long elapsed = System.nanoTime() - start;
        probes.stop();
        return row("http", sent.get(), searchable, elapsed, probes);
    }

    /**
     * Sends as fast as the appliance takes them. The lines are rendered once (a block of {@link #BLOCK} distinct
     * lines written again and again) so that the generator, which shares the machine, spends its CPU on sockets
     * and not on formatting.
     */
    private void sendTcp(String marker, long events, int connections, AtomicLong sent) throws Exception {
        java.io.ByteArrayOutputStream rendered = new java.io.ByteArrayOutputStream();
        for (int i = 0; i < BLOCK; i++) {
            rendered.write((line(marker, i) + "\n").getBytes(StandardCharsets.UTF_8));
        }
        byte[] block = rendered.toByteArray();
        List<Thread> senders = new ArrayList<>();
        long deadline = System.nanoTime() + PHASE_LIMIT.toNanos();
        long perConnection = events / connections;
        for (int c = 0; c < connections; c++) {
            long share = c == connections - 1 ? events - perConnection * (connections - 1) : perConnection;
            senders.add(Thread.ofPlatform().start(() -> {
                try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), syslogPort);
                     OutputStream out = socket.getOutputStream()) {
                    long left = share;
                    while (left >= BLOCK && System.nanoTime() < deadline) {
                        out.write(block);
                        left -= BLOCK;
                        sent.addAndGet(BLOCK);
                    }
                    if (left > 0 && System.nanoTime() < deadline) {
                        int end = 0;
                        for (long n = 0; n < left; end++) {
                            if (block[end] == '\n') {
                                n++;
                            }
                        }
                        out.write(block, 0, end);
                        sent.addAndGet(left);
                    }
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
            }));
        }
        for (Thread sender : senders) {
            sender.join();
        }
    }

    private static String line(String marker, long sequence) {
        String template = TEMPLATES[(int) (sequence % TEMPLATES.length)];
        return String.format(Locale.ROOT, template, marker, "u" + sequence, (int) (sequence % 250) + 1,
                1024 + (int) (sequence % 60000));
    }

    // ---- measuring ----

    /** Polls the event count of a run until it reaches the expected number or the count stops moving. */
    private long awaitSearchable(String marker, long expected, Duration limit) throws Exception {
        long deadline = System.nanoTime() + limit.toNanos();
        long last = -1;
        long stillSince = System.nanoTime();
        while (System.nanoTime() < deadline) {
            long count = count(marker);
            if (count >= expected) {
                return count;
            }
            if (count != last) {
                last = count;
                stillSince = System.nanoTime();
            } else if (System.nanoTime() - stillSince > Duration.ofSeconds(10).toNanos()) {
                return count;
            }
            Thread.sleep(200);
        }
        return count(marker);
    }

    /** Events of a run, not the signals raised on them: every line of a run carries the run's marker as host name. */
    private long count(String marker) throws Exception {
        String body = get("/api/v1/logs?size=1&q=" + URLEncoder.encode("event.kind:event AND host.name:" + marker,
                StandardCharsets.UTF_8));
        return JSON.readTree(body).get("total").asLong();
    }

    /** One probe at a time, on its own TCP connection: time from sending to finding it by search. */
    private final class Probes {
        private final List<Double> millis = Collections.synchronizedList(new ArrayList<>());
        private final AtomicBoolean running = new AtomicBoolean(true);
        private final String name;
        private Thread thread;

        Probes(String name) {
            this.name = name;
        }

        void start() {
            thread = Thread.ofPlatform().start(() -> {
                try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), syslogPort);
                     OutputStream out = socket.getOutputStream()) {
                    long n = 0;
                    while (running.get()) {
                        String id = "probe" + name + System.nanoTime() + "n" + n++;
                        long sentAt = System.nanoTime();
                        out.write(("<38>Nov 23 10:15:01 probe sshd[1]: Invalid user " + id
                                + " from 192.0.2.1 port 1\n").getBytes(StandardCharsets.UTF_8));
                        out.flush();
                        long deadline = sentAt + Duration.ofSeconds(30).toNanos();
                        while (System.nanoTime() < deadline && exact(id) == 0) {
                            Thread.sleep(10);
                        }
                        millis.add((System.nanoTime() - sentAt) / 1e6);
                        Thread.sleep(200);
                    }
                } catch (Exception e) {
                    if (running.get()) {
                        throw new IllegalStateException(e);
                    }
                }
            });
        }

        void stop() throws InterruptedException {
            running.set(false);
            thread.join();
        }

        double percentile(double p) {
            List<Double> sorted = new ArrayList<>(millis);
            Collections.sort(sorted);
            if (sorted.isEmpty()) {
                return Double.NaN;
            }
            return sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(p * sorted.size()) - 1));
        }

        private long exact(String id) throws Exception {
            String query = URLEncoder.encode("event.kind:event AND user.name:" + id, StandardCharsets.UTF_8);
            return JSON.readTree(get("/api/v1/logs?size=1&q=" + query)).get("total").asLong();
        }
    }

    private String row(String input, long sent, long searchable, long elapsedNanos, Probes probes) throws Exception {
        double perSecond = searchable / (elapsedNanos / 1e9);
        return String.format(Locale.ROOT, "%-6s %10d %12.0f %8d %10.0f %10.0f %10.0f %9.0f", input, sent, perSecond,
                Math.max(0, sent - searchable), probes.percentile(0.5), probes.percentile(0.99), heapMiB(), rssMiB());
    }

    private double heapMiB() throws Exception {
        JsonNode metric = JSON.readTree(get("/actuator/metrics/jvm.memory.used?tag=area:heap"));
        return metric.at("/measurements/0/value").asDouble() / (1 << 20);
    }

    private double rssMiB() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/" + appliance.pid() + "/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("\\D", "")) / 1024.0;
            }
        }
        return Double.NaN;
    }

    /** Dumps the JFR recording and prints the hottest methods of the appliance over the whole run. */
    private void hotMethods() throws Exception {
        String javaHome = System.getProperty("java.home");
        Path recording = data.resolve("bench.jfr");
        Process dump = new ProcessBuilder(Path.of(javaHome, "bin", "jcmd").toString(), Long.toString(appliance.pid()),
                "JFR.dump", "filename=" + recording).redirectErrorStream(true).start();
        dump.waitFor();
        Process view = new ProcessBuilder(Path.of(javaHome, "bin", "jfr").toString(), "view", "--width", "140",
                "hot-methods", recording.toString()).redirectErrorStream(true).start();
        String hot = new String(view.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        view.waitFor();
        Process print = new ProcessBuilder(Path.of(javaHome, "bin", "jfr").toString(), "print", "--events",
                "jdk.ExecutionSample", "--stack-depth", "1", recording.toString()).redirectErrorStream(true).start();
        Map<String, Integer> byStage = new TreeMap<>();
        int total = 0;
        for (String line : (Iterable<String>) new String(print.getInputStream().readAllBytes(),
                StandardCharsets.UTF_8).lines()::iterator) {
            int at = line.indexOf("sampledThread = \"");
            if (at >= 0) {
                String thread = line.substring(at + 17, line.indexOf('"', at + 17));
                byStage.merge(stage(thread), 1, Integer::sum);
                total++;
            }
        }
        print.waitFor();
        System.out.println();
        System.out.println("Where the appliance's time went, by stage (share of JFR execution samples, whole run):");
        int samples = total;
        byStage.entrySet().stream().sorted(Map.Entry.<String, Integer>comparingByValue().reversed())
                .forEach(e -> System.out.printf(Locale.ROOT, "  %5.1f%%  %s%n", 100.0 * e.getValue() / samples,
                        e.getKey()));
        System.out.println();
        System.out.println("Hottest methods:");
        hot.lines().skip(5).limit(15).forEach(System.out::println);
    }

    /** Names the pipeline stage a thread of the appliance works for. */
    private static String stage(String thread) {
        if (thread.contains("seda://raw")) {
            return "normalize (seda:raw consumers)";
        }
        if (thread.contains("seda://events")) {
            return "index documents (seda:events consumers)";
        }
        if (thread.startsWith("Lucene Merge")) {
            return "index merges";
        }
        if (thread.startsWith("event-index")) {
            return "index refresh and commit";
        }
        if (thread.contains("Netty")) {
            return "syslog framing (Netty)";
        }
        if (thread.startsWith("http-nio")) {
            return "HTTP: ingest posts and the benchmark's searches";
        }
        return "other (" + thread.replaceAll("\\d+", "N") + ")";
    }

    private String get(String path) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + path))
                .timeout(Duration.ofSeconds(30)).GET().build(), HttpResponse.BodyHandlers.ofString()).body();
    }

}
