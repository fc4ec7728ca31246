package routes.ingest;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import routes.Appliance;
import routes.SharedAppliance;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * One record with a time no event can carry ({@code @timestamp: -9223372036854775808}) among many good ones, on each
 * input: the good ones are all stored, and the bad one is kept, tagged, at the time it was received.
 */
class PoisonRecordEndToEndTest extends SharedAppliance {

    private static final String POISON = "-9223372036854775808";
    private static final int RECORDS = 200;

    private static String record(String marker, int i) {
        return "{\"@timestamp\":" + (i == RECORDS / 2 ? POISON : "\"2026-12-03T10:00:00Z\"")
                + ",\"user\":{\"name\":\"" + marker + "\"},\"message\":\"record " + i + "\"}";
    }

    private void assertAllStoredAndThePoisonTagged(Appliance appliance, String marker) throws Exception {
        JsonNode all = appliance.eventsUntilTotal("user.name:" + marker, RECORDS);
        assertThat(all.get("total").asLong()).as("every record of the batch stored").isEqualTo(RECORDS);
        JsonNode tagged = appliance.eventsUntilTotal("user.name:" + marker + " AND tags:invalid_timestamp", 1);
        assertThat(tagged.get("total").asLong()).isEqualTo(1);
        assertThat(tagged.at("/events/0/labels/@timestamp").asText()).isEqualTo(POISON);
        assertThat(tagged.at("/events/0/message").asText()).isEqualTo("record " + RECORDS / 2);
    }

    @Test
    void overHttp() throws Exception {
        Appliance appliance = new Appliance(httpPort);
        List<String> records = new ArrayList<>();
        for (int i = 0; i < RECORDS; i++) {
            records.add(record("poison-http", i));
        }
        HttpResponse<String> answer = appliance.post("/api/ingest_log", "application/json", "k",
                "[" + String.join(",", records) + "]");
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(202);
        assertThat(Appliance.json(answer.body()).get("accepted").asInt()).isEqualTo(RECORDS);
        assertAllStoredAndThePoisonTagged(appliance, "poison-http");
    }

    @Test
    void aBodyThatIsNotUtf8IsReadAsSyslogIsWithTheBadBytesShown() throws Exception {
        Appliance appliance = new Appliance(httpPort);
        byte[] line = "caf\u00e9 login for latin1-user from 198.51.100.70".getBytes(StandardCharsets.ISO_8859_1);
        byte[] record = ("{\"message\":\"caf\u00e9 latin1-json\"}").getBytes(StandardCharsets.ISO_8859_1);
        for (String type : List.of("text/plain", "application/json")) {
            HttpResponse<String> answer = appliance.post("/api/ingest_log", type, "k",
                    type.equals("text/plain") ? line : record);
            assertThat(answer.statusCode()).as(answer.body()).isEqualTo(202);
            assertThat(answer.body()).doesNotContain("Exception", "routes.", "java.");
        }
        JsonNode text = appliance.eventsUntilTotal("latin1-user", 1);
        assertThat(text.at("/events/0/message").asText()).isEqualTo("caf\\xE9 login for latin1-user from 198.51.100.70");
        JsonNode json = appliance.eventsUntilTotal("latin1-json", 1);
        assertThat(json.at("/events/0/message").asText()).isEqualTo("caf\\xE9 latin1-json");
    }

    @Test
    void asJsonInSyslogOverTcp() throws Exception {
        Appliance appliance = new Appliance(httpPort);
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < RECORDS; i++) {
            lines.add("<14>Dec  3 10:00:00 app1 shipper: " + record("poison-tcp", i));
        }
        Appliance.sendSyslogTcp(SYSLOG_PORT, lines);
        assertAllStoredAndThePoisonTagged(appliance, "poison-tcp");
    }

    @Test
    void asJsonLinesInAFileDroppedInTheInbox() throws Exception {
        Appliance appliance = new Appliance(httpPort);
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < RECORDS; i++) {
            lines.add(record("poison-file", i));
        }
        java.nio.file.Path staged = java.nio.file.Files.createTempFile("poison", ".ndjson");
        java.nio.file.Files.write(staged, lines);
        // moved in whole, as a shipper would, so the inbox never sees a half-written file
        java.nio.file.Files.move(staged, DATA.resolve("inbox").resolve("poison.ndjson"));
        assertAllStoredAndThePoisonTagged(appliance, "poison-file");
    }

    @Test
    void asJsonInSyslogOverUdp() throws Exception {
        Appliance appliance = new Appliance(httpPort);
        try (DatagramSocket socket = new DatagramSocket()) {
            for (int i = 0; i < RECORDS; i++) {
                byte[] datagram = ("<14>Dec  3 10:00:00 app1 shipper: " + record("poison-udp", i))
                        .getBytes(StandardCharsets.UTF_8);
                socket.send(new DatagramPacket(datagram, datagram.length, InetAddress.getLoopbackAddress(),
                        SYSLOG_PORT));
            }
        }
        assertAllStoredAndThePoisonTagged(appliance, "poison-udp");
    }
}
