package routes.correlate;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import routes.Appliance;
import routes.SharedAppliance;

import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Correlations count attempts, not lines: one line that syslog's repeat reduction wrote for six failed logins
 * ({@code message repeated 6 times: [ … ]}) is six failures, and raises the five-failure brute-force alert; one
 * failure does not.
 */
class RepeatedAttemptsEndToEndTest extends SharedAppliance {

    private static final DateTimeFormatter SYSLOG = DateTimeFormatter.ofPattern("MMM ppd HH:mm:ss", Locale.ENGLISH);

    @Test
    void sixRepeatedFailuresInOneLineRaiseTheBruteForceAlertWithTheirCount() throws Exception {
        Appliance appliance = new Appliance(httpPort);
        String now = SYSLOG.format(ZonedDateTime.now(ZoneId.systemDefault()));
        Appliance.sendSyslogTcp(SYSLOG_PORT, List.of(
                "<38>" + now + " bastion sshd[4242]: message repeated 6 times: [ Failed password for root from "
                        + "198.18.13.1 port 52100 ssh2]",
                "<38>" + now + " bastion sshd[4243]: Failed password for root from 198.18.13.2 port 52101 ssh2"));
        appliance.eventsUntilTotal("source.ip:198.18.13.1 OR source.ip:198.18.13.2", 2);
        Appliance.awaitDrained(camel);

        JsonNode repeated = Appliance.until(() -> Appliance.json(appliance.get("/api/v1/alerts?source=198.18.13.1")
                .body()), a -> a.get("total").asLong() > 0);
        assertThat(repeated.get("total").asLong()).isEqualTo(1);
        assertThat(repeated.at("/alerts/0/title").asText()).isEqualTo("Brute Force Against Linux Logins From One Source");
        assertThat(repeated.at("/alerts/0/count").asLong()).as("the six attempts the line stands for").isEqualTo(6);

        JsonNode once = Appliance.json(appliance.get("/api/v1/alerts?source=198.18.13.2").body());
        assertThat(once.get("total").asLong()).as("one failure is no brute force").isZero();
    }

    @Test
    void failedLoginsOfAnFtpServerAreABruteForceAsSshdsAre() throws Exception {
        Appliance appliance = new Appliance(httpPort);
        String now = SYSLOG.format(ZonedDateTime.now(ZoneId.systemDefault()));
        List<String> lines = new java.util.ArrayList<>();
        for (String user : List.of("admin", "root", "ftp", "test", "oracle", "guest")) {
            lines.add("<38>" + now + " ftp1 vsftpd[2101]: [" + user + "] FAIL LOGIN: Client \"::ffff:198.18.13.3\"");
        }
        Appliance.sendSyslogTcp(SYSLOG_PORT, lines);
        appliance.eventsUntilTotal("source.ip:198.18.13.3 AND event.dataset:linux.auth", 6);
        Appliance.awaitDrained(camel);
        JsonNode alerts = Appliance.until(() -> Appliance.json(appliance.get("/api/v1/alerts?source=198.18.13.3")
                .body()), a -> a.toString().contains("Brute Force"));
        assertThat(alerts.get("alerts").toString()).contains("Brute Force Against Linux Logins From One Source");
    }
}
