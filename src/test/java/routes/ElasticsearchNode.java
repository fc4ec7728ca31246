package routes;

import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;

/**
 * A real single-node Elasticsearch 8.19 for the tests that need one, started once per test JVM from the
 * integ-test-zip distribution the build unpacks (maven-dependency-plugin, into target/elasticsearch), on free
 * loopback ports, with its own data, logs and config under a temporary directory. Elasticsearch refuses to run as
 * root, so as root it runs as the unprivileged user {@code nobody}. Stopped when the JVM exits.
 */
public final class ElasticsearchNode {

    private static final Duration START_TIMEOUT = Duration.ofSeconds(180);
    private static CompletableFuture<String> node;
    private static String url;
    private static Process process;
    private static Path work;

    private ElasticsearchNode() {
    }

    /**
     * Starts the node on a thread of its own unless it is already starting, and returns at once: {@link TestServices}
     * calls it when the test run begins, so the node boots while the tests before the first that needs it run.
     */
    public static synchronized void startInBackground() {
        if (node == null) {
            node = TestServices.startOnItsOwnThread("elasticsearch-start", ElasticsearchNode::start);
        }
    }

    /** The node's HTTP address (http://127.0.0.1:port), once it is healthy; starts it on first use. */
    public static String url() {
        startInBackground();
        return TestServices.await(node);
    }

    private static String start() {
        Path home = Path.of(System.getProperty("caravan.test.elasticsearch.home", "target/elasticsearch/missing"));
        if (!Files.isRegularFile(home.resolve("bin/elasticsearch"))) {
            throw new IllegalStateException("no Elasticsearch distribution at " + home
                    + ": the build unpacks it in generate-test-resources (./mvnw verify)");
        }
        try {
            work = Files.createTempDirectory("caravan-es-");
            Path config = work.resolve("config");
            copy(home.resolve("config"), config);
            Files.createDirectories(work.resolve("data"));
            Files.createDirectories(work.resolve("logs"));
            Files.createDirectories(work.resolve("tmp"));
            boolean root = "root".equals(System.getProperty("user.name"));
            if (root) {
                run(List.of("chown", "-R", "nobody", work.toString()));
            }
            int httpPort = Appliance.freePort();
            List<String> command = new ArrayList<>();
            if (root) {
                command.addAll(List.of("runuser", "-u", "nobody", "--"));
            }
            command.addAll(List.of(home.resolve("bin/elasticsearch").toString(),
                    "-E", "discovery.type=single-node", "-E", "xpack.security.enabled=false",
                    "-E", "network.host=127.0.0.1", "-E", "http.port=" + httpPort,
                    "-E", "transport.port=" + Appliance.freePort(),
                    "-E", "path.data=" + work.resolve("data"), "-E", "path.logs=" + work.resolve("logs"),
                    "-E", "cluster.name=caravan-test", "-E", "action.destructive_requires_name=false",
                    // a test node on a shared disk must not go read-only when the disk is fuller than 85%
                    "-E", "cluster.routing.allocation.disk.threshold_enabled=false"));
            ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(work.resolve("logs/console.log").toFile());
            Map<String, String> env = builder.environment();
            env.put("ES_JAVA_HOME", System.getProperty("java.home"));
            env.put("ES_PATH_CONF", config.toString());
            env.put("ES_TMPDIR", work.resolve("tmp").toString());
            env.put("ES_JAVA_OPTS", "-Xms512m -Xmx512m");
            process = builder.start();
            Runtime.getRuntime().addShutdownHook(new Thread(ElasticsearchNode::stop, "elasticsearch-stop"));
            url = "http://127.0.0.1:" + httpPort;
            awaitHealthy();
            return url;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Asks for the cluster's health until it is yellow (the node answers within 2 s once it listens). */
    private static void awaitHealthy() {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        HttpRequest health = HttpRequest.newBuilder(URI.create(url + "/_cluster/health?wait_for_status=yellow&timeout=2s"))
                .timeout(Duration.ofSeconds(5)).build();
        try {
            Awaitility.await("Elasticsearch healthy").atMost(START_TIMEOUT).pollInterval(Duration.ofMillis(500))
                    .ignoreExceptionsInstanceOf(IOException.class)
                    .until(() -> {
                        if (!process.isAlive()) {
                            throw new IllegalStateException("Elasticsearch exited with " + process.exitValue() + ":\n"
                                    + console());
                        }
                        return http.send(health, HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
                    });
        } catch (ConditionTimeoutException e) {
            throw new IllegalStateException("Elasticsearch not healthy after " + START_TIMEOUT + ":\n" + console(), e);
        }
    }

    private static String console() {
        try {
            List<String> lines = Files.readAllLines(work.resolve("logs/console.log"));
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
        } catch (IOException e) {
            return "(no console log: " + e.getMessage() + ")";
        }
    }

    private static void stop() {
        if (process != null) {
            process.descendants().forEach(ProcessHandle::destroy);
            process.destroy();
            try {
                if (!process.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)) {
                    process.descendants().forEach(ProcessHandle::destroyForcibly);
                    process.destroyForcibly();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (work != null) {
            try (Stream<Path> files = Files.walk(work)) {
                files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
            } catch (IOException | UncheckedIOException ignored) {
                // a temporary directory
            }
        }
    }

    private static void copy(Path from, Path to) throws IOException {
        try (Stream<Path> files = Files.walk(from)) {
            for (Path source : (Iterable<Path>) files::iterator) {
                Files.copy(source, to.resolve(from.relativize(source).toString()));
            }
        }
    }

    private static void run(List<String> command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).inheritIO().start();
        if (p.waitFor() != 0) {
            throw new IllegalStateException(command + " failed with " + p.exitValue());
        }
    }
}
