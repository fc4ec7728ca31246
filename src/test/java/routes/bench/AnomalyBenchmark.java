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
import routes.detect.anomaly.AnomalyDetector;
import routes.detect.anomaly.AnomalyProperties;
import routes.tools.DevSetGenerator;
import routes.model.RawLog;
import routes.model.Event;
import routes.normalize.Normalizer;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Events per second through the anomaly stage on one core (feature extraction, per-source activity, reservoir
 * sampling and Isolation Forest scoring, 100 trees per family) with trained models, on the development set's mix
 * of web, SSH and firewall events. Retraining is left to its schedule, as in the appliance.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class AnomalyBenchmark {

    /** Events per micro-batch: the appliance's default, and what it sees under load. */
    @org.openjdk.jmh.annotations.Param({"10", "100"})
    public int batchSize;

    private AnomalyDetector detector;
    private List<Event> batch;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        Path directory = Files.createTempDirectory("caravan-anomaly-bench");
        new DevSetGenerator(1, 2).write(directory.resolve("log"), directory.resolve("labels"));
        Normalizer normalizer = new Normalizer(ZoneOffset.UTC);
        List<Event> events = new ArrayList<>();
        for (String line : Files.readAllLines(directory.resolve("log"))) {
            events.add(normalizer.normalizeRecord(new RawLog(line, null, Instant.parse("2026-11-23T12:00:00Z"),
                    "file", "bench", false)));
        }
        AnomalyProperties properties = new AnomalyProperties(true, 1000, 10_000, Long.MAX_VALUE, "0 0 * * * ?", 100,
                0.995, 10, Duration.ofMillis(100), 50_000, 100_000, 3, 10, 1L, 99);
        // trainings run on this thread, so none started while scoring the sample can finish during the measurement
        detector = AnomalyDetector.trainingInline(properties, Clock.systemUTC());
        detector.scoreAll(events);
        detector.retrain();
        batch = events.subList(events.size() - 10_000, events.size());
        System.out.println("trained: " + detector.status().stream().map(s -> s.family() + "=" + s.trained())
                .toList());
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        detector.close();
    }

    /** One operation is an event; an invocation scores 10,000 in micro-batches. */
    @Benchmark
    @OperationsPerInvocation(10_000)
    public void scoreMicroBatches(Blackhole sink) {
        for (int from = 0; from < batch.size(); from += batchSize) {
            sink.consume(detector.scoreAll(batch.subList(from, Math.min(batch.size(), from + batchSize))));
        }
    }
}
