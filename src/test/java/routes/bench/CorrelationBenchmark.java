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
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;
import org.apache.camel.CamelContext;
import routes.correlate.CorrelationEngine;
import routes.correlate.CorrelationProperties;
import routes.correlate.CorrelationRun;
import routes.detect.anomaly.AnomalyDetector;
import routes.detect.sigma.RuleSet;
import routes.model.Finding;
import routes.detect.sigma.SigmaEngine;
import routes.detect.sigma.SigmaRuleLoader;
import routes.model.RawLog;
import routes.model.Event;
import routes.normalize.Normalizer;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Findings per second through the correlation engine on one core, with our rule pack's correlations and the
 * engine's default bounds. The findings come from an attack-heavy mix (brute force from 250 addresses, a new user
 * name on every line, scans, web probing), one millisecond of event time apart, so windows fill up to their
 * bounds and stay there: the steady state of an appliance under attack.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class CorrelationBenchmark {

    private static final String[] LINES = {
            "Nov 23 10:15:01 bastion sshd[2211]: Failed password for invalid user u%1$d from 203.0.113.%2$d port %3$d ssh2",
            "Nov 23 10:15:02 bastion sshd[2212]: Accepted publickey for u%1$d from 198.51.100.%2$d port %3$d ssh2: RSA SHA256:abc",
            "Nov 23 10:15:04 bastion sshd[2213]: Invalid user u%1$d from 203.0.113.%2$d port %3$d",
            "203.0.113.%2$d - u%1$d [23/Nov/2026:10:15:05 +0000] \"POST /wp-login.php HTTP/1.1\" 401 %3$d \"-\" \"python-requests/2.31\"",
            "203.0.113.%2$d - - [23/Nov/2026:10:15:06 +0000] \"GET /../../etc/passwd HTTP/1.1\" 404 12 \"-\" \"Nikto/2.5.0\"",
            "Nov 23 10:15:08 gw1 kernel: [1.2] [UFW BLOCK] IN=eth0 OUT= SRC=192.0.2.%2$d DST=10.0.0.5 LEN=40 PROTO=TCP SPT=4444 DPT=%3$d",
    };

    private final List<Finding> findings = new ArrayList<>();
    private CamelContext camel;
    private CorrelationRun run;
    private Instant clock;
    private int next;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        SigmaRuleLoader.Result pack = new SigmaRuleLoader(Map.of())
                .loadDirectories(List.of(Path.of("src", "main", "resources", "rules")));
        SigmaEngine sigma = new SigmaEngine();
        sigma.load(pack.rules());
        Normalizer normalizer = new Normalizer(ZoneOffset.UTC);
        Instant received = Instant.parse("2026-11-23T12:00:00Z");
        for (int i = 0; i < 6000; i++) {
            String line = String.format(Locale.ROOT, LINES[i % LINES.length], i, i % 250 + 1, 1024 + i % 60000);
            Event event = normalizer.normalizeRecord(new RawLog(line, null, received, "tcp", "127.0.0.1:1", false));
            findings.addAll(sigma.evaluate(event));
        }
        RuleSet.Resolved resolved = RuleSet.resolve(pack.rules(), pack.correlations(), AnomalyDetector.ruleIds());
        if (!resolved.unresolved().isEmpty()) {
            throw new IllegalStateException("unresolved correlations: " + resolved.unresolved());
        }
        // the live stage's own route: the correlation-windows template on the Aggregator, at the default bounds
        CorrelationEngine engine = new CorrelationEngine(10_000);
        engine.load(resolved.set());
        camel = CorrelationRun.standaloneContext(Duration.ofSeconds(1));
        run = CorrelationRun.start(camel, engine, new CorrelationProperties(100_000, 10_000, 1_000_000, CorrelationProperties.Repository.MEMORY,
                Duration.ofSeconds(1)));
        clock = Instant.parse("2026-11-23T10:00:00Z");
        System.out.printf("%d findings from 6000 events, %d correlations%n", findings.size(),
                engine.correlations().size());
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        run.close();
        camel.stop();
    }

    /** One operation is one finding; an invocation feeds 1000, each a millisecond after the one before. */
    @Benchmark
    @OperationsPerInvocation(1000)
    public void accept(Blackhole sink) {
        for (int i = 0; i < 1000; i++) {
            Finding f = findings.get(next++ % findings.size());
            clock = clock.plusMillis(1);
            sink.consume(run.accept(new Finding(f.ruleId(), f.ruleTitle(), f.level(), f.status(), f.tags(),
                    f.eventId(), clock, f.matches(), f.event())));
        }
    }
}
