package routes.normalize;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import routes.Appliance;
import routes.SharedAppliance;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Lines of a shape no parser knows are not dropped without a word: they are stored tagged {@code unparsed}, counted
 * per program in {@code caravan.normalize.unparsed} and listed with an example by {@code GET /api/v1/logs/unparsed},
 * so an operator sees what Caravan does not understand yet.
 */
class UnparsedLinesEndToEndTest extends SharedAppliance {

    @Test
    void linesNoParserReadAreTaggedCountedPerProgramAndListed() throws Exception {
        Appliance appliance = new Appliance(httpPort);
        Appliance.sendSyslogTcp(SYSLOG_PORT, List.of(
                "<38>Dec  3 10:00:00 ftp1 oddftpd[77]: FAIL LOGIN from unparsed-198.18.14.1 as root",
                "<38>Dec  3 10:00:01 ftp1 oddftpd[77]: FAIL LOGIN from unparsed-198.18.14.1 as admin",
                "<38>Dec  3 10:00:02 ftp1 oddftpd[77]: FAIL LOGIN from unparsed-198.18.14.1 as guest",
                "<38>Dec  3 10:00:03 ftp1 sshd[78]: Failed password for root from 198.18.14.2 port 22 ssh2"));
        JsonNode tagged = appliance.eventsUntilTotal("host.name:ftp1 AND tags:unparsed", 3);
        assertThat(tagged.get("total").asLong()).as("the three oddftpd lines, not the sshd one").isEqualTo(3);

        JsonNode listed = Appliance.until(() -> Appliance.json(appliance.get("/api/v1/logs/unparsed").body()),
                answer -> answer.toString().contains("oddftpd"));
        JsonNode oddftpd = null;
        for (JsonNode program : listed.get("programs")) {
            if (program.get("program").asText().equals("oddftpd")) {
                oddftpd = program;
            }
        }
        assertThat(oddftpd).isNotNull();
        assertThat(oddftpd.get("count").asLong()).isEqualTo(3);
        assertThat(oddftpd.get("example").asText()).startsWith("FAIL LOGIN from unparsed-198.18.14.1");
        assertThat(appliance.eventsUntilTotal("source.ip:198.18.14.2", 1).at("/events/0/tags").toString())
                .doesNotContain("unparsed");

        JsonNode metric = Appliance.json(appliance.get(
                "/actuator/metrics/caravan.normalize.unparsed?tag=program:oddftpd").body());
        assertThat(metric.at("/measurements/0/value").asDouble()).isEqualTo(3.0);
    }
}
