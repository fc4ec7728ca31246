package routes.bench;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;
import routes.detect.sigma.SigmaEngine;
import routes.detect.sigma.SigmaRuleLoader;
import routes.model.RawLog;
import routes.model.Event;
import routes.normalize.Normalizer;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Events per second through the Sigma engine on one core, with our rule pack and every rule of
 * {@code ../shared/corpora/sigma/rules} loaded (when present) and a realistic mix of sshd, PAM, sudo, web and
 * firewall events, mostly benign.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class SigmaEngineBenchmark {

    private static final String[] LINES = {
            "Nov 23 10:15:01 bastion sshd[2211]: Failed password for invalid user admin%d from 203.0.113.7 port 52100 ssh2",
            "Nov 23 10:15:02 bastion sshd[2212]: Accepted publickey for deploy%d from 198.51.100.4 port 40022 ssh2: RSA SHA256:abc",
            "Nov 23 10:15:03 bastion sshd[2213]: pam_unix(sshd:session): session opened for user deploy%d(uid=1001) by (uid=0)",
            "Nov 23 10:15:04 web1 sudo:    alice : TTY=pts/%d ; PWD=/home/alice ; USER=root ; COMMAND=/usr/bin/systemctl restart nginx",
            "192.0.2.%d - - [23/Nov/2026:10:15:05 +0000] \"GET /index.php?id=1 HTTP/1.1\" 200 5123 \"-\" \"Mozilla/5.0 (X11; Linux x86_64)\"",
            "198.51.100.%d - - [23/Nov/2026:10:15:06 +0000] \"GET /static/app.js HTTP/1.1\" 304 0 \"https://example.com/\" \"Mozilla/5.0\"",
            "203.0.113.%d - - [23/Nov/2026:10:15:07 +0000] \"GET /index.php?id=1%%27%%20UNION%%20SELECT HTTP/1.1\" 500 12 \"-\" \"sqlmap/1.7\"",
            "Nov 23 10:15:08 gw1 kernel: [1.2] [UFW BLOCK] IN=eth0 OUT= SRC=192.0.2.%d DST=10.0.0.5 LEN=40 PROTO=TCP SPT=4444 DPT=22",
            "Nov 23 10:15:09 host1 cron[%d]: (root) CMD (run-parts /etc/cron.hourly)",
    };

    private SigmaEngine engine;
    private List<Event> events;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        engine = new SigmaEngine();
        List<Path> directories = new ArrayList<>(List.of(Path.of("src", "main", "resources", "rules")));
        Path corpus = Path.of("..", "shared", "corpora", "sigma", "rules");
        if (Files.isDirectory(corpus)) {
            directories.add(corpus);
        }
        engine.load(new SigmaRuleLoader(Map.of()).loadDirectories(directories).rules());
        Normalizer normalizer = new Normalizer(ZoneOffset.UTC);
        events = new ArrayList<>();
        Instant received = Instant.parse("2026-11-23T12:00:00Z");
        for (int i = 0; i < 1000; i++) {
            String line = String.format(LINES[i % LINES.length], i % 250);
            events.add(normalizer.normalizeRecord(new RawLog(line, null, received, "tcp", "127.0.0.1:1", false)));
        }
        System.out.println("rules loaded: " + engine.rules().size());
    }

    /** One operation is a batch of 1000 events. */
    @Benchmark
    @OperationsPerInvocation(1000)
    public void evaluateBatch(Blackhole sink) {
        for (Event event : events) {
            sink.consume(engine.evaluate(event));
        }
    }
}
