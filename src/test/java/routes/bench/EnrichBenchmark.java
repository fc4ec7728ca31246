package routes.bench;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import routes.SiemProperties;
import routes.enrich.EventEnricher;
import routes.enrich.GeoIp;
import routes.enrich.GeoIpProperties;
import routes.enrich.ThreatIntel;
import routes.model.Event;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

/**
 * Events per second through the enrich stage alone (GeoIP on the shipped DB-IP Lite database, and a threat-intel
 * list of 1,000 networks and 1,000 domains) on one core. {@code sources} is how many distinct public addresses the
 * traffic comes from: few (the cache answers) or many (most lookups reach the database). Run with the bench profile.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class EnrichBenchmark {

    @Param({"1000", "1000000"})
    public int sources;

    private GeoIp geo;
    private EventEnricher enricher;
    private List<Event> batch;
    private Path lists;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        lists = Files.createTempDirectory("enrich-bench");
        StringBuilder networks = new StringBuilder();
        StringBuilder domains = new StringBuilder();
        for (int i = 0; i < 1000; i++) {
            networks.append("45.").append(i % 250).append('.').append(i / 250).append(".0/24\n");
            domains.append("bad").append(i).append(".example\n");
        }
        Files.writeString(lists.resolve("networks.txt"), networks);
        Files.writeString(lists.resolve("domains.txt"), domains);
        ThreatIntel intel = new ThreatIntel(lists);
        intel.reloadIfChanged();
        geo = GeoIp.fromSettings(new GeoIpProperties(true, null, null, 100_000), new SiemProperties(lists, ""));
        enricher = new EventEnricher(geo, intel);
        Random random = new Random(1);
        batch = new ArrayList<>();
        for (int i = 0; i < 10_000; i++) {
            int n = random.nextInt(sources);
            Event.Builder b = Event.builder();
            // public addresses spread over 2.0.0.0 to 223.255.255.255, a private destination
            b.put("source.ip", (2 + n % 222) + "." + (n / 222 % 256) + "." + (n / 56_832 % 256) + "." + (n % 251));
            b.put("destination.ip", "10.0.0." + (i % 250));
            b.put("url.domain", i % 10 == 0 ? "bad" + (i % 1000) + ".example" : "www.example.org");
            batch.add(b.build());
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() throws Exception {
        geo.close();
    }

    /** One operation is one event; an invocation enriches a batch of 10,000. */
    @Benchmark
    @OperationsPerInvocation(10_000)
    public List<Event> enrichBatch() {
        return enricher.enrich(batch);
    }
}
