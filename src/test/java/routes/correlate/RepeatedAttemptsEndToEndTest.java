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
 * failure does not; the four lines sshd and PAM write for one failed attempt count once.
 */
class RepeatedAttemptsEndToEndTest extends SharedAppliance {

    private static final DateTimeFormatter SYSLOG = DateTimeFormatter.ofPattern("MMM ppd HH:mm:ss", Locale.ENGLISH);

    /**
     * The source's one alert, once its breakdown holds this correlation: the source's findings and hits are evidence
     * of its risk, named by the strongest of them (a brute force and a spray of the same lines weigh alike).
     */
    private static JsonNode alertExplainedBy(Appliance appliance, String source, String correlation) {
        return Appliance.until(() -> {
            JsonNode page = Appliance.json(appliance.get("/api/v1/alerts?source=" + source).body());
            return page.get("total").asLong() == 0 ? page : Appliance.json(appliance.get("/api/v1/alerts/"
                    + page.at("/alerts/0/id").asText()).body());
        }, alert -> alert.has("breakdown") && alert.get("breakdown").toString().contains("correlation " + correlation));
    }

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

    /** The lines sshd and PAM write for one failed password of a user that does not exist, from one connection. */
    private static List<String> attempt(String now, int pid, String address, String user) {
        String prefix = "<38>" + now + " bastion sshd[" + pid + "]: ";
        return List.of(prefix + "Invalid user " + user + " from " + address + " port " + (40000 + pid),
                prefix + "pam_unix(sshd:auth): check pass; user unknown",
                prefix + "pam_unix(sshd:auth): authentication failure; logname= uid=0 euid=0 tty=ssh ruser= rhost="
                        + address,
                prefix + "Failed password for invalid user " + user + " from " + address + " port " + (40000 + pid)
                        + " ssh2");
    }

    @Test
    void twoAttemptsNeverRaiseAFiveFailureAlertHoweverManyLinesTheyWrite() throws Exception {
        Appliance appliance = new Appliance(httpPort);
        String now = SYSLOG.format(ZonedDateTime.now(ZoneId.systemDefault()));
        List<String> lines = new java.util.ArrayList<>();
        lines.addAll(attempt(now, 5101, "198.18.13.4", "oracle"));
        lines.addAll(attempt(now, 5102, "198.18.13.4", "test"));
        Appliance.sendSyslogTcp(SYSLOG_PORT, lines);
        appliance.eventsUntilTotal("source.ip:198.18.13.4", 6);
        Appliance.awaitDrained(camel);
        JsonNode alerts = Appliance.json(appliance.get("/api/v1/alerts?source=198.18.13.4").body());
        assertThat(alerts.get("alerts").toString()).as("eight lines, two attempts")
                .doesNotContain("Brute Force Against Linux Logins");
    }

    @Test
    void sixAttemptsOfFourLinesEachAreABruteForceOfSix() throws Exception {
        Appliance appliance = new Appliance(httpPort);
        String now = SYSLOG.format(ZonedDateTime.now(ZoneId.systemDefault()));
        List<String> lines = new java.util.ArrayList<>();
        for (int i = 0; i < 6; i++) {
            lines.addAll(attempt(now, 5201 + i, "198.18.13.5", "user" + i));
        }
        Appliance.sendSyslogTcp(SYSLOG_PORT, lines);
        appliance.eventsUntilTotal("source.ip:198.18.13.5", 18);
        Appliance.awaitDrained(camel);
        JsonNode alert = alertExplainedBy(appliance, "198.18.13.5", "Brute Force Against Linux Logins From One Source");
        assertThat(alert.get("breakdown").toString()).contains("Brute Force Against Linux Logins From One Source");
        // counted by lines, the fifth line (the second attempt's) would have completed the correlation
        JsonNode hit = appliance.signalsUntilTotal("rule.name:\"Brute Force Against Linux Logins From One Source\""
                + " AND source.ip:198.18.13.5", 1).get("events").get(0);
        assertThat(hit.at("/event/count").asLong()).isEqualTo(5);
        assertThat(hit.at("/user/name").asText()).as("completed by the fifth attempt").isEqualTo("user4");
    }

    @Test
    void failuresFromASourceKnownByItsHostNameAreGroupedByThatName() throws Exception {
        Appliance appliance = new Appliance(httpPort);
        String now = SYSLOG.format(ZonedDateTime.now(ZoneId.systemDefault()));
        List<String> lines = new java.util.ArrayList<>();
        for (int i = 0; i < 6; i++) {
            lines.add("<38>" + now + " mail su[" + (5301 + i) + "]: pam_unix(su:auth): authentication failure; "
                    + "logname=bob uid=1000 euid=0 tty=pts/0 ruser=bob rhost=gw7.attacker.example user=root");
            lines.add("<38>" + now + " mail su[" + (5301 + i) + "]: FAILED SU (to root) bob on pts/0");
        }
        Appliance.sendSyslogTcp(SYSLOG_PORT, lines);
        appliance.eventsUntilTotal("source.address:\"gw7.attacker.example\"", 6);
        Appliance.awaitDrained(camel);
        JsonNode alert = alertExplainedBy(appliance, "gw7.attacker.example",
                "Brute Force Against Linux Logins From One Source");
        assertThat(alert.get("breakdown").toString()).contains("Brute Force Against Linux Logins From One Source");
        assertThat(alert.get("group").toString()).isEqualTo("{\"source.address\":\"gw7.attacker.example\"}");
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
        JsonNode alert = alertExplainedBy(appliance, "198.18.13.3", "Brute Force Against Linux Logins From One Source");
        assertThat(alert.get("breakdown").toString()).contains("Brute Force Against Linux Logins From One Source");
    }
}
