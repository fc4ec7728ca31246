package routes.ingest;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import routes.Appliance;
import routes.ApplianceProcess;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The JSON-array heap attack against a real appliance process with a 768 MB heap and
 * {@code -XX:+ExitOnOutOfMemoryError}: four posters send 9.7 MB arrays of 350,000 tiny records (which once took
 * one queue slot each and the heap to 6 GB in 70 s), then arrays of as many records as a request may carry, faster
 * than the pipeline can index them. The first are refused whole (413), the others are taken as the queues make
 * room (202, or 503 with Retry-After and taken when sent again); the appliance never runs out of heap, stays
 * ready, and stores every record it answered 202 for.
 */
class HeapAttackTest {

    private static final int POSTERS = 4;
    private static final int FLOOD = 100_000;

    private static String array(int records, String marker, int request) {
        StringBuilder body = new StringBuilder(records * 30);
        body.append('[');
        for (int i = 0; i < records; i++) {
            if (i > 0) {
                body.append(',');
            }
            body.append("{\"message\":\"").append(marker).append(' ').append(request).append(' ').append(i)
                    .append("\"}");
        }
        return body.append(']').toString();
    }

    @Test
    void fourPostersOfHugeArraysNeitherExhaustTheHeapNorLoseWhatWasAccepted() throws Exception {
        Path data = Files.createTempDirectory("caravan-heap");
        try (ApplianceProcess appliance = new ApplianceProcess(data, "768m", "-Xlog:gc:file=" + data.resolve("gc.log"))) {
            Appliance api = appliance.api();
            String huge = array(350_000, "hbx", 0);
            assertThat(huge.length()).isBetween(9_000_000, 10_485_760);
            AtomicInteger refused = new AtomicInteger();
            AtomicLong accepted = new AtomicLong();
            AtomicInteger busy = new AtomicInteger();
            List<CompletableFuture<Void>> posters = new ArrayList<>();
            for (int p = 0; p < POSTERS; p++) {
                int poster = p;
                posters.add(CompletableFuture.runAsync(() -> {
                    try {
                        for (int round = 0; round < 3; round++) {
                            HttpResponse<String> answer = api.post("/api/ingest_log", "application/json", "k", huge);
                            if (answer.statusCode() == 413 && answer.body().contains("more than 10000 records")) {
                                refused.incrementAndGet();
                            }
                        }
                        for (int request = 0; request < 5; request++) {
                            String full = array(10_000, "heapfill", poster * 100 + request);
                            for (int attempt = 0; attempt < 120; attempt++) {
                                HttpResponse<String> answer = api.post("/api/ingest_log", "application/json", "k", full);
                                if (answer.statusCode() == 202) {
                                    accepted.addAndGet(Appliance.json(answer.body()).get("accepted").asLong());
                                    break;
                                }
                                assertThat(answer.statusCode()).as(answer.body()).isEqualTo(503);
                                assertThat(answer.headers().firstValue("Retry-After")).isPresent();
                                busy.incrementAndGet();
                                // as a client told to retry after a second does
                                CompletableFuture.runAsync(() -> { }, CompletableFuture.delayedExecutor(1,
                                        TimeUnit.SECONDS)).join();
                            }
                        }
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                }));
            }
            CompletableFuture.allOf(posters.toArray(CompletableFuture[]::new)).get(10, TimeUnit.MINUTES);

            assertThat(appliance.isAlive()).as(appliance.log()).isTrue();
            assertThat(refused.get()).as("every 350,000-record array is refused whole").isEqualTo(POSTERS * 3);
            assertThat(accepted.get()).isEqualTo(POSTERS * 5 * 10_000L);
            JsonNode stored = api.eventsUntil("heapfill", answer -> answer.get("total").asLong() >= accepted.get());
            assertThat(stored.get("total").asLong()).as("every record answered 202 is stored")
                    .isEqualTo(accepted.get());
            assertThat(api.eventsUntilTotal("hbx", 0).get("total").asLong()).isZero();
            assertThat(api.get("/actuator/health/readiness").statusCode()).isEqualTo(200);
            // then a flood of failed SSH logins over syslog TCP, each a finding that meets the correlations: the
            // stages after the queues must not run ahead of them (seda's multipleConsumers did, into a thread pool's
            // backlog of a thousand batches: 300,000 such lines filled a 2 GB heap)
            List<String> flood = new ArrayList<>(FLOOD);
            for (int i = 0; i < FLOOD; i++) {
                flood.add("<38>Dec  3 10:" + String.format("%02d:%02d", (i / 60) % 60, i % 60) + " bastion sshd[" + i
                        + "]: Failed password for invalid user heapflood" + (i % 500) + " from 198.18." + (i % 200)
                        + "." + (i % 250 + 1) + " port " + (20000 + i % 40000) + " ssh2");
            }
            Appliance.sendSyslogTcp(appliance.syslogPort, flood);
            JsonNode flooded = api.eventsUntil("event.dataset:linux.sshd AND input.type:tcp",
                    answer -> answer.get("total").asLong() >= FLOOD, Duration.ofMinutes(3));
            assertThat(flooded.get("total").asLong()).as("every line of the flood stored").isEqualTo(FLOOD);
            assertThat(appliance.isAlive()).as(appliance.log()).isTrue();
            assertThat(appliance.log()).doesNotContain("OutOfMemoryError");
            System.out.printf("heap attack: %d refused, %d accepted, %d answered 503 first; peak heap after GC %s%n",
                    refused.get(), accepted.get(), busy.get(), peakAfterGc(data.resolve("gc.log")));
        }
    }

    /** The largest heap left after a collection, from the unified GC log ("... 120M->45M(768M) ..."). */
    private static String peakAfterGc(Path gcLog) throws Exception {
        long peak = 0;
        var after = java.util.regex.Pattern.compile("->(\\d+)M\\(");
        for (String line : Files.readAllLines(gcLog)) {
            var m = after.matcher(line);
            while (m.find()) {
                peak = Math.max(peak, Long.parseLong(m.group(1)));
            }
        }
        return peak + " MB";
    }
}
