package routes.store;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import routes.Appliance;
import routes.SharedAppliance;

import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A sender who pads a field (a long query string, a long user name) must not hide an attack: the padded events are
 * stored and searchable, and they raise the alerts the same attack raises unpadded.
 */
class PaddedFieldsEndToEndTest extends SharedAppliance {

    private static final DateTimeFormatter SYSLOG = DateTimeFormatter.ofPattern("MMM d HH:mm:ss", Locale.ENGLISH);
    private static final DateTimeFormatter ACCESS = DateTimeFormatter.ofPattern("dd/MMM/yyyy:HH:mm:ss Z",
            Locale.ENGLISH);
    private static final String[] PROBES = {"/.env", "/.git/config", "/.aws/credentials", "/.htpasswd",
        "/wp-config.php", "/server-status", "/actuator/env", "/config.json", "/backup.sql", "/.DS_Store",
        "/.svn/entries", "/.ssh/id_rsa"};

    private static List<String> probes(String source, String padding) {
        ZonedDateTime now = ZonedDateTime.now(ZoneId.systemDefault());
        List<String> lines = new ArrayList<>();
        for (String path : PROBES) {
            lines.add("<190>" + SYSLOG.format(now) + " web1 nginx: " + source + " - - [" + ACCESS.format(now)
                    + "] \"GET " + path + padding + " HTTP/1.1\" 404 162 \"-\" \"curl/8.5.0\"");
        }
        return lines;
    }

    private static List<String> failedLogins(String source, String user) {
        String now = SYSLOG.format(ZonedDateTime.now(ZoneId.systemDefault()));
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            lines.add("<38>" + now + " bastion sshd[" + (6100 + i) + "]: Failed password for invalid user " + user
                    + " from " + source + " port " + (40000 + i) + " ssh2");
        }
        return lines;
    }

    /** The titles of the alerts for this address, once its events are stored and the pipeline has drained. */
    private List<String> alertTitles(Appliance appliance, String source, int events) throws Exception {
        appliance.eventsUntilTotal("source.ip:" + source, events);
        Appliance.awaitDrained(camel);
        JsonNode alerts = Appliance.json(appliance.get("/api/v1/alerts?source=" + source).body());
        List<String> titles = new ArrayList<>();
        alerts.get("alerts").forEach(alert -> titles.add(alert.get("title").asText() + " ("
                + alert.get("severity").asText() + ")"));
        return titles.stream().sorted().toList();
    }

    /**
     * Padding hides nothing: every alert of the plain traffic is raised for the padded one too. The padded traffic
     * may raise more, and only of the anomaly models, which rightly find a 520-character query string unusual.
     */
    private static void assertSameAlertsOrMore(List<String> padded, List<String> plain) {
        assertThat(padded).containsAll(plain);
        assertThat(padded).filteredOn(title -> !plain.contains(title)).allMatch(title -> title.contains("Anomal"));
    }

    @Test
    void probesWithALongQueryStringRaiseTheAlertTheyRaiseWithout() throws Exception {
        Appliance appliance = new Appliance(httpPort);
        Appliance.sendSyslogTcp(SYSLOG_PORT, probes("198.18.11.1", ""));
        Appliance.sendSyslogTcp(SYSLOG_PORT, probes("198.18.11.2", "?q=" + "A".repeat(520)));
        List<String> plain = alertTitles(appliance, "198.18.11.1", PROBES.length);
        List<String> padded = alertTitles(appliance, "198.18.11.2", PROBES.length);
        assertThat(plain).anyMatch(title -> title.startsWith("Probing For Sensitive Files"));
        assertSameAlertsOrMore(padded, plain);
        JsonNode events = appliance.eventsUntilTotal("source.ip:198.18.11.2", PROBES.length);
        assertThat(events.get("total").asLong()).as("every padded probe stored").isEqualTo(PROBES.length);
        assertThat(events.at("/events/0/url/original").asText()).hasSizeGreaterThan(520);
    }

    @Test
    void failedLoginsWithALongUserNameRaiseTheAlertTheyRaiseWithout() throws Exception {
        Appliance appliance = new Appliance(httpPort);
        Appliance.sendSyslogTcp(SYSLOG_PORT, failedLogins("198.18.11.3", "deploy"));
        Appliance.sendSyslogTcp(SYSLOG_PORT, failedLogins("198.18.11.4", "u".repeat(600)));
        List<String> plain = alertTitles(appliance, "198.18.11.3", 30);
        List<String> padded = alertTitles(appliance, "198.18.11.4", 30);
        assertThat(plain).anyMatch(title -> title.startsWith("Brute Force Against Linux Logins From One Source"));
        assertSameAlertsOrMore(padded, plain);
        JsonNode events = appliance.eventsUntilTotal("source.ip:198.18.11.4", 30);
        assertThat(events.get("total").asLong()).as("every padded login stored").isEqualTo(30);
        assertThat(events.at("/events/0/user/name").asText()).hasSize(600);
    }
}
