package routes;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The appliance as its own process (the test JVM's Java and class path, the README's JVM options), for what only a
 * real process shows: a SIGTERM, a kill, a heap limit. Its output goes to {@code <data>/appliance.log} (appended: a
 * restart on the same data directory adds to it).
 */
public final class ApplianceProcess implements AutoCloseable {

    public final Path data;
    public final int httpPort = Appliance.freePort();
    public final int syslogPort = Appliance.freePort();
    private final Process process;

    /**
     * Starts it and waits until it is ready (60 s at most). Settings are {@code --name=value} arguments; those that
     * start with {@code -X} are options of its JVM.
     */
    public ApplianceProcess(Path data, String maxHeap, String... settings) throws Exception {
        this.data = data;
        List<String> command = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElseThrow(),
                "--add-modules", "jdk.incubator.vector", "-XX:+ExitOnOutOfMemoryError", "-Xmx" + maxHeap));
        for (String setting : settings) {
            if (setting.startsWith("-X")) {
                command.add(setting);
            }
        }
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), CaravanApplication.class.getName(),
                "--server.port=" + httpPort, "--siem.data-dir=" + data, "--siem.syslog.host=127.0.0.1",
                "--siem.syslog.udp-port=" + syslogPort, "--siem.syslog.tcp-port=" + syslogPort,
                "--siem.ingest.api-keys=k", "--siem.store.refresh=100ms"));
        for (String setting : settings) {
            if (!setting.startsWith("-X")) {
                command.add(setting);
            }
        }
        Files.createDirectories(data);
        process = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(data.resolve("appliance.log").toFile())).start();
        HttpClient http = HttpClient.newHttpClient();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (true) {
            if (!process.isAlive()) {
                throw new IllegalStateException("the appliance exited with " + process.exitValue() + ":\n" + log());
            }
            try {
                HttpResponse<String> ready = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort
                        + "/actuator/health/readiness")).timeout(Duration.ofSeconds(2)).build(),
                        HttpResponse.BodyHandlers.ofString());
                if (ready.statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the appliance was not ready within 60 s:\n" + log());
            }
            process.waitFor(200, TimeUnit.MILLISECONDS);
        }
    }

    public Appliance api() {
        return new Appliance(httpPort);
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** SIGTERM, as a supervisor stops it; returns the exit code (waits 120 s at most). */
    public int terminate() throws Exception {
        process.destroy();
        if (!process.waitFor(120, TimeUnit.SECONDS)) {
            throw new IllegalStateException("the appliance did not stop within 120 s of SIGTERM:\n" + log());
        }
        return process.exitValue();
    }

    /** SIGKILL, as a crash or the kernel's OOM killer ends it: no shutdown hook runs. */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            throw new IllegalStateException("the appliance did not die within 30 s of SIGKILL");
        }
    }

    public String log() throws IOException {
        Path log = data.resolve("appliance.log");
        return Files.exists(log) ? Files.readString(log) : "";
    }

    @Override
    public void close() throws Exception {
        if (process.isAlive()) {
            process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        }
    }
}
