package routes.detect.anomaly;

import routes.model.Finding;
import routes.tools.DevSetGenerator;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
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

import static org.assertj.core.api.Assertions.assertThat;

class AnomalyDetectorTest {

    private static final Normalizer NORMALIZER = new Normalizer(ZoneOffset.UTC);
    /** Two hours of the development set's normal traffic (its attack lines left out). */
    private static final List<Event> NORMAL = new ArrayList<>();

    @BeforeAll
    static void normalTraffic(@TempDir Path directory) throws Exception {
        Path log = directory.resolve("log");
        Path labels = directory.resolve("labels");
        new DevSetGenerator(11, 2).write(log, labels);
        List<String> lines = Files.readAllLines(log);
        List<String> label = Files.readAllLines(labels);
        for (int i = 0; i < lines.size(); i++) {
            if (label.get(i).equals("0")) {
                NORMAL.add(event(lines.get(i)));
            }
        }
    }

    private static Event event(String line) {
        return NORMALIZER.normalizeRecord(new RawLog(line, null, Instant.parse("2026-11-23T12:00:00Z"), "file", "t",
                false));
    }

    private static AnomalyProperties properties(int minSamples) {
        return new AnomalyProperties(true, minSamples, 10_000, 1_000_000, "0 0 * * * ?", 100, 0.995, 10,
                Duration.ofMillis(100), 50_000, 100_000, 3, 10, 1L, 99);
    }

    private static AnomalyDetector.Status web(AnomalyDetector detector) {
        return detector.status().stream().filter(s -> s.family().equals("web")).findFirst().orElseThrow();
    }

    @Test
    void aFamilyWithoutEnoughDataScoresNothingAndSaysSo() {
        AnomalyDetector detector = new AnomalyDetector(properties(1_000_000), null, Clock.systemUTC());
        assertThat(detector.scoreAll(NORMAL.subList(0, 500))).isEmpty();
        AnomalyDetector.Status web = web(detector);
        assertThat(web.trained()).isFalse();
        assertThat(web.state()).startsWith("collecting: ").contains("of 1000000 events needed");
        assertThat(web.eventsScored()).isZero();
        detector.close();
    }

    @Test
    void anInjectionStandsOutAndTheFindingSaysWhichFeaturesMadeItUnusual(@TempDir Path models) {
        AnomalyDetector detector = new AnomalyDetector(properties(1_000_000), models, Clock.systemUTC());
        detector.scoreAll(NORMAL);
        assertThat(detector.trainAll(1000)).contains("web", "network");
        long falseAlarms = NORMAL.stream().filter(e -> detector.score(e) != null).count();
        assertThat((double) falseAlarms / NORMAL.size()).as("normal events reported").isLessThan(0.02);

        Finding finding = detector.score(event("203.0.113.66 - - [23/Nov/2026:01:00:00 +0000] \"GET /products?id=1%27"
                + "%20UNION%20SELECT%20username,password,email%20FROM%20users%20WHERE%20%271%27=%271--%20 HTTP/1.1\" 500"
                + " 312 \"-\" \"sqlmap/1.8.2#stable (https://sqlmap.org)\" 0.004"));
        assertThat(finding).isNotNull();
        assertThat(finding.kind()).isEqualTo(Finding.ANOMALY);
        assertThat(finding.ruleId()).isEqualTo("caravan-anomaly-web");
        assertThat(finding.anomaly().score()).isGreaterThan(web(detector).threshold())
                .isEqualTo(finding.anomaly().threshold(), org.assertj.core.data.Offset.offset(1.0));
        assertThat(finding.anomaly().percentile()).isGreaterThanOrEqualTo(99.5);
        assertThat(finding.matches()).hasSize(3).extracting(Finding.Match::field)
                .containsAnyOf("special_chars", "query_length", "query_entropy", "user_agent_rarity");
        assertThat(finding.matches().getFirst().value()).contains("(usual ");
        detector.close();
    }

    @Test
    void theSameEventsAndSeedTrainTheSameModelAndAnotherSeedAnother() {
        List<Double> first = trainedScores(1L);
        assertThat(trainedScores(1L)).as("same events, same seed").isEqualTo(first);
        assertThat(trainedScores(2L)).as("another seed grows other trees").isNotEqualTo(first);
    }

    /** The web scores of a few events after training a fresh detector on the normal traffic with this seed. */
    private static List<Double> trainedScores(long seed) {
        AnomalyProperties settings = properties(1_000_000);
        AnomalyDetector detector = new AnomalyDetector(new AnomalyProperties(true, settings.minSamples(),
                settings.reservoirSize(), settings.retrainAfter(), settings.retrainCron(), settings.trees(),
                settings.thresholdQuantile(), settings.batchSize(), settings.batchTimeout(), settings.maxSources(),
                settings.maxValues(), settings.explainFeatures(), settings.maxPerSourceMinute(), seed,
                settings.evidencePercentile()), null,
                Clock.systemUTC());
        detector.scoreAll(NORMAL);
        detector.trainAll(1000);
        List<Double> scores = NORMAL.subList(0, 50).stream().map(detector::scoreEvent)
                .filter(java.util.Objects::nonNull).map(s -> s.anomaly().score()).toList();
        detector.close();
        assertThat(scores).isNotEmpty();
        return scores;
    }

    @Test
    void aFloodFromOneSourceIsReportedAFewTimesAMinuteAndTheRestIsEvidenceForItsRisk() {
        AnomalyDetector detector = new AnomalyDetector(properties(1_000_000), null, Clock.systemUTC());
        detector.scoreAll(NORMAL);
        detector.trainAll(1000);
        List<Event> flood = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            flood.add(event("203.0.113.66 - - [23/Nov/2026:01:00:" + (10 + i) + " +0000] \"GET /p?id=" + i
                    + "%27%20UNION%20SELECT%20a,b,c%20FROM%20users--%20%7C%7C%20%24%7Bx%7D HTTP/1.1\" 500 312 \"-\" "
                    + "\"sqlmap/1.8.2\" 0.004"));
        }
        List<Finding> findings = detector.scoreAll(flood);
        assertThat(findings.stream().filter(Finding::signal)).hasSize(10);
        assertThat(findings.stream().filter(f -> !f.signal())).as("the rest still count for the source's risk")
                .hasSize(20).allSatisfy(f -> assertThat(f.kind()).isEqualTo(Finding.ANOMALY_EVIDENCE));
        AnomalyDetector.Status web = web(detector);
        assertThat(web.anomalies() - web.suppressed()).isGreaterThanOrEqualTo(10);
        assertThat(web.suppressed()).isEqualTo(20);
        detector.close();
    }

    @Test
    void aSavedModelIsLoadedAtStartSoARestartDoesNotForget(@TempDir Path models) {
        AnomalyDetector first = new AnomalyDetector(properties(1_000_000), models, Clock.systemUTC());
        first.scoreAll(NORMAL);
        first.trainAll(1000);
        AnomalyDetector.Status before = web(first);
        first.close();
        assertThat(models.resolve("web.model")).isRegularFile();

        AnomalyDetector restarted = new AnomalyDetector(properties(1_000_000), models, Clock.systemUTC());
        AnomalyDetector.Status after = web(restarted);
        assertThat(after.trained()).isTrue();
        assertThat(after.threshold()).isEqualTo(before.threshold());
        assertThat(after.trainedAt()).isEqualTo(before.trainedAt());
        assertThat(restarted.scoreAll(NORMAL.subList(0, 100))).hasSizeLessThan(10);
        assertThat(web(restarted).eventsScored()).isPositive();
        restarted.close();
    }

    @Test
    void aBrokenModelFileIsReportedAndTheFamilyRetrains(@TempDir Path models) throws Exception {
        Files.writeString(models.resolve("web.model"), "not a model");
        AnomalyDetector detector = new AnomalyDetector(properties(300), models, Clock.systemUTC());
        assertThat(web(detector).trained()).isFalse();
        detector.close();
    }

    @Test
    void enoughNewDataTrainsAFamilyWithoutWaitingForTheSchedule() throws Exception {
        AnomalyDetector detector = new AnomalyDetector(properties(300), null, Clock.systemUTC());
        detector.scoreAll(NORMAL.subList(0, 2000));
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(20))
                .until(() -> web(detector).trained());
        assertThat(web(detector).trained()).isTrue();
        assertThat(web(detector).scoreDistribution()).containsKeys("p0", "p50", "p99", "p100");
        detector.close();
    }

    @Test
    void enoughNewEventsSinceTheLastTrainingRetrainAFamily() throws Exception {
        AnomalyProperties often = new AnomalyProperties(true, 300, 10_000, 2_000, "0 0 * * * ?", 100, 0.995, 10,
                Duration.ofMillis(100), 50_000, 100_000, 3, 10, 1L, 99);
        AnomalyDetector detector = new AnomalyDetector(often, null, Clock.systemUTC());
        detector.scoreAll(NORMAL.subList(0, 1000));
        Instant first = awaitTrained(detector, null);
        detector.scoreAll(NORMAL.subList(1000, 9000));
        assertThat(awaitTrained(detector, first)).isAfter(first);
        assertThat(web(detector).sampleSize()).isGreaterThan(300);
        detector.close();
    }

    /** Waits for a web model trained after {@code after} (any model when null); its training time. */
    private static Instant awaitTrained(AnomalyDetector detector, Instant after) {
        org.awaitility.Awaitility.await("a new web model").atMost(Duration.ofSeconds(20))
                .pollInterval(Duration.ofMillis(20)).until(() -> {
                    Instant trainedAt = web(detector).trainedAt();
                    return trainedAt != null && (after == null || trainedAt.isAfter(after));
                });
        return web(detector).trainedAt();
    }

    @Test
    void theSampleRollsForwardFromOneTrainingToTheNext() {
        AnomalyDetector detector = new AnomalyDetector(properties(300), null, Clock.systemUTC());
        // a first training at 300 events, then the sample keeps filling and rolling: later trainings see it all
        detector.scoreAll(NORMAL.subList(0, 5000));
        detector.retrain();
        detector.scoreAll(NORMAL.subList(5000, 9000));
        assertThat(detector.retrain()).contains("web", "network");
        assertThat(web(detector).sampleSize()).isGreaterThan(1000);
        detector.close();
    }

    @Test
    void recentActivityIsBoundedBySourceAndValue() {
        SourceActivity activity = new SourceActivity(10, 20);
        for (int i = 0; i < 100; i++) {
            activity.source("192.0.2." + i).record(i, true, false);
            activity.rarity("port", Integer.toString(i));
        }
        assertThat(activity.sources()).isEqualTo(10);
        SourceActivity.Source source = activity.source("203.0.113.1");
        for (int i = 0; i < 100; i++) {
            source.ports().add(i, 1000 + i);
        }
        assertThat(source.ports().count(1099, 60)).isLessThanOrEqualTo(SourceActivity.DISTINCT_CAP);
        source.record(980, true, false);
        source.record(1055, true, false);
        source.record(1290, true, false);
        assertThat(source.failures(1290, 60)).isEqualTo(1);
        assertThat(source.failures(1290, 300)).isEqualTo(2);
    }
}
