package routes.store;

import com.fasterxml.jackson.databind.JsonNode;
import org.apache.camel.CamelContext;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.store.FSDirectory;
import org.apache.lucene.store.LockObtainFailedException;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import routes.Appliance;
import routes.CaravanApplication;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The store's health is the appliance's. The event index's writer is closed under the running appliance and its
 * lock held by another writer, so it cannot be opened again (as when another process holds the index, or a disk
 * error closed it): readiness says DOWN, ingest answers 503 with {@code Retry-After}, and syslog lines that arrive
 * meanwhile wait in the pipeline instead of being thrown away. Once the lock is free the appliance opens the index
 * again by itself: readiness is UP, ingest answers 202, and the lines that waited are stored.
 */
class StoreFailureEndToEndTest {

    @Test
    void aClosedWriterMakesTheApplianceNotReadyAndIsOpenedAgainWithNothingLost() throws Exception {
        Path data = Files.createTempDirectory("caravan-store-failure");
        int syslogPort = Appliance.freePort();
        try (ConfigurableApplicationContext context = new SpringApplicationBuilder(CaravanApplication.class).run(
                "--server.port=0", "--siem.data-dir=" + data, "--siem.syslog.host=127.0.0.1",
                "--siem.syslog.udp-port=" + syslogPort, "--siem.syslog.tcp-port=" + syslogPort,
                "--siem.ingest.api-keys=k", "--siem.store.refresh=100ms",
                "--camel.main.name=caravan-store-failure")) {
            Appliance appliance = new Appliance(Integer.parseInt(context.getEnvironment().getProperty("local.server.port")));
            assertThat(appliance.post("/api/ingest_log", "text/plain", "k", "before the failure store-failure-a")
                    .statusCode()).isEqualTo(202);
            appliance.eventsUntilTotal("store-failure-a", 1);
            assertThat(appliance.get("/actuator/health/readiness").statusCode()).isEqualTo(200);

            LuceneEventStore store = context.getBean(LuceneEventStore.class);
            try (IndexWriter rogue = holdTheLock(store, data.resolve("events"))) {
                HttpResponse<String> readiness = Appliance.until(() -> appliance.get("/actuator/health/readiness"),
                        r -> r.statusCode() == 503);
                assertThat(readiness.body()).contains("DOWN").contains("eventStore");
                assertThat(appliance.get("/actuator/health/liveness").statusCode()).as("alive, only not ready")
                        .isEqualTo(200);

                HttpResponse<String> refused = appliance.post("/api/ingest_log", "text/plain", "k",
                        "during the failure store-failure-b");
                assertThat(refused.statusCode()).isEqualTo(503);
                assertThat(refused.headers().firstValue("Retry-After")).hasValue("1");
                assertThat(refused.body()).contains("event store cannot take events").doesNotContain("Lucene", "/");

                List<String> lines = new ArrayList<>();
                for (int i = 0; i < 50; i++) {
                    lines.add("<14>Dec  3 10:00:00 host1 app: waited through the failure store-failure-c " + i);
                }
                Appliance.sendSyslogTcp(syslogPort, lines);
                CamelContext camel = context.getBean(CamelContext.class);
                Appliance.until(() -> camel.getInflightRepository().size("store-events"), n -> n > 0);
                assertThat(camel.getInflightRepository().size("store-events"))
                        .as("the lines wait at the store, tried again each second").isPositive();
                assertThat(rogue.isOpen()).isTrue();
            }

            Appliance.until(() -> appliance.get("/actuator/health/readiness"), r -> r.statusCode() == 200);
            assertThat(appliance.post("/api/ingest_log", "text/plain", "k", "after the failure store-failure-d")
                    .statusCode()).isEqualTo(202);
            appliance.eventsUntilTotal("store-failure-d", 1);
            JsonNode waited = appliance.eventsUntilTotal("store-failure-c", 50);
            assertThat(waited.get("total").asLong()).as("the lines sent while the store was down").isEqualTo(50);
            assertThat(appliance.eventsUntilTotal("store-failure-b", 0).get("total").asLong())
                    .as("what was refused with 503 was not taken").isZero();
        }
    }

    /** Closes the appliance's writer and takes the index lock before the appliance can open it again. */
    private static IndexWriter holdTheLock(LuceneEventStore store, Path index) throws Exception {
        for (int attempt = 0; ; attempt++) {
            store.writer().close();
            try {
                return new IndexWriter(FSDirectory.open(index), new IndexWriterConfig());
            } catch (LockObtainFailedException reopenedFirst) {
                // the appliance opened it again between the two steps: close it once more
                if (attempt > 20) {
                    throw reopenedFirst;
                }
            }
        }
    }
}
