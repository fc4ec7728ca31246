package routes.ingest;

import io.micrometer.core.instrument.MeterRegistry;
import org.apache.camel.CamelContext;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import routes.Appliance;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A journal that cannot take more (its reader stopped, as behind a store that is down, until siem.journal.max-size is
 * reached): HTTP answers 503 with Retry-After and takes nothing of the request, UDP datagrams are dropped and counted,
 * a syslog TCP sender and an inbox file wait; once the journal is read again everything that waited arrives.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class JournalBackPressureEndToEndTest {

    private static final int SYSLOG_PORT = Appliance.freePort();
    private static final Path DATA;

    static {
        try {
            DATA = Files.createTempDirectory("caravan-full-journal");
        } catch (Exception e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        Appliance.isolate(registry, DATA, SYSLOG_PORT, "k");
        registry.add("siem.journal.max-size", () -> "256KB");
        registry.add("siem.journal.segment-size", () -> "32KB");
    }

    @LocalServerPort
    int httpPort;

    @Autowired
    CamelContext camel;

    @Autowired
    MeterRegistry meters;

    @Test
    void aFullJournalMakesEveryInputPushBackAndWhatWaitedArrivesOnceItIsReadAgain() throws Exception {
        Appliance appliance = new Appliance(httpPort);
        camel.getRouteController().stopRoute("journal-read");
        CompletableFuture<Void> tcp;
        try {
            HttpResponse<String> answer = null;
            int accepted = 0;
            for (int request = 0; request < 200; request++) {
                answer = appliance.post("/api/ingest_log", "text/plain", "k", lines("full-http r" + request, 100));
                if (answer.statusCode() != 202) {
                    break;
                }
                accepted++;
            }
            assertThat(answer.statusCode()).as(answer.body()).isEqualTo(503);
            assertThat(answer.headers().firstValue("Retry-After")).hasValue("1");
            assertThat(answer.body()).contains("siem.journal.max-size", "nothing of this request was taken");
            assertThat(accepted).isPositive();
            // the last bytes: one line at a time until not even one fits
            for (int request = 0; request < 200 && appliance.post("/api/ingest_log", "text/plain", "k",
                    lines("full-http last" + request, 1)).statusCode() == 202; request++) {
                accepted++;
            }

            try (DatagramSocket udp = new DatagramSocket()) {
                byte[] datagram = ("<14>Dec  3 10:00:00 udp1 app: full udp dropped " + "y".repeat(200))
                        .getBytes(StandardCharsets.UTF_8);
                for (int i = 0; i < 20; i++) {
                    udp.send(new DatagramPacket(datagram, datagram.length, InetAddress.getLoopbackAddress(),
                            SYSLOG_PORT));
                }
            }
            assertThat(Appliance.until(() -> meters.counter("caravan.ingest.dropped", "input", "udp").count(),
                    dropped -> dropped > 0)).as("UDP datagrams that find the journal full are counted").isPositive();

            tcp = CompletableFuture.runAsync(() -> {
                try {
                    Appliance.sendSyslogTcp(SYSLOG_PORT, List.of(lines("full-tcp", 500).split("\n")));
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            Files.createDirectories(DATA.resolve("inbox"));
            Files.writeString(DATA.resolve("inbox").resolve("waiting.log"), lines("full-inbox", 300));
            assertThat(Appliance.until(() -> meters.get("caravan.journal.unread").gauge().value(), n -> n > 0))
                    .isPositive();
            assertThat(meters.find("caravan.queue.records").tag("queue", "raw").gauge())
                    .as("the pipeline's queues are measured too").isNotNull();
        } finally {
            camel.getRouteController().startRoute("journal-read");
        }

        tcp.get();
        appliance.eventsUntilTotal("full AND tcp", 500);
        appliance.eventsUntilTotal("full AND inbox", 300);
        assertThat(Appliance.until(() -> Files.exists(DATA.resolve("inbox/.done/waiting.log")), done -> done))
                .isTrue();
        assertThat(appliance.post("/api/ingest_log", "text/plain", "k", lines("full-http after", 10)).statusCode())
                .as("space came back").isEqualTo(202);
        appliance.eventsUntilTotal("full AND http AND after", 10);
    }

    private static String lines(String tag, int count) {
        List<String> lines = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            lines.add("<14>Dec  3 10:00:00 host1 app: " + tag.replace('-', ' ') + " line " + i + " " + "x".repeat(40));
        }
        return String.join("\n", lines) + "\n";
    }
}
