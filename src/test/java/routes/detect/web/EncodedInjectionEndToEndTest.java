package routes.detect.web;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import routes.Appliance;
import routes.SharedAppliance;

import java.time.Duration;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A source's burst of injection requests, disguised the ways attack tools disguise them (form and double encoding,
 * IIS's {@code %u}, SQL comments, HTML entities, overlong UTF-8, an encoded line break), sent over syslog as a web
 * server's access log: one alert for the source within a minute, whose breakdown names each kind of attack; its
 * neighbour's ordinary requests with SQL-looking words raise nothing.
 */
class EncodedInjectionEndToEndTest extends SharedAppliance {

    private static final DateTimeFormatter SYSLOG = DateTimeFormatter.ofPattern("MMM ppd HH:mm:ss", Locale.ENGLISH);
    private static final DateTimeFormatter ACCESS = DateTimeFormatter.ofPattern("dd/MMM/yyyy:HH:mm:ss Z",
            Locale.ENGLISH);
    private static final String BROWSER = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like"
            + " Gecko) Chrome/130.0.0.0 Safari/537.36";

    private static final List<String> DISGUISED = List.of(
            "/products?id=1+union+all+select+null,version(),null--",
            "/products?id=1%2527%2520or%25201%253D1--",
            "/products?id=1/**/UNION/**/SELECT/**/password/**/FROM/**/users",
            "/item?id=1%u0027%u0020or%u0020%u00271%u0027%3D%u00271",
            "/products?id=1+AND+5713%3D5713",
            "/search?q=%26lt%3Bscript%26gt%3Balert(document.cookie)%26lt%3B%2Fscript%26gt%3B",
            "/search?q=%22%3E%3Csvg%2Fonload%3Dalert(1)%3E",
            "/download?file=%c0%ae%c0%ae/%c0%ae%c0%ae/%c0%ae%c0%ae/etc/passwd",
            "/download?file=..%252f..%252f..%252fetc%252fshadow",
            "/ping?host=127.0.0.1%0aid",
            "/ping?host=127.0.0.1%7Ccat+/etc/passwd");

    private static String line(String source, ZonedDateTime at, String path, int status) {
        return "<190>" + SYSLOG.format(at) + " web1 nginx: " + source + " - - [" + ACCESS.format(at) + "] \"GET " + path
                + " HTTP/1.1\" " + status + " 512 \"-\" \"" + BROWSER + "\"";
    }

    @Test
    void aBurstOfDisguisedInjectionsIsOneAlertWithinAMinuteAndOrdinaryLookalikesAreNone() throws Exception {
        Appliance appliance = new Appliance(httpPort);
        ZonedDateTime now = ZonedDateTime.now(ZoneId.systemDefault());
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < 44; i++) {
            lines.add(line("198.18.14.1", now.plusSeconds(i / 4), DISGUISED.get(i % DISGUISED.size()),
                    i % 3 == 0 ? 500 : 200));
        }
        for (String path : List.of("/search?q=union+station+parking", "/people?name=O%27Brien", "/search?q=rock+and+roll",
                "/search?q=select+a+size", "/blog/2026/11/a-guide-to-etc-files", "/search?q=a+%3C+b")) {
            lines.add(line("198.18.14.2", now, path, 200));
        }
        long sent = System.nanoTime();
        Appliance.sendSyslogTcp(SYSLOG_PORT, lines);

        JsonNode alerts = Appliance.until(() -> Appliance.json(appliance.get("/api/v1/alerts?source=198.18.14.1")
                .body()), a -> a.get("total").asLong() > 0, Duration.ofMinutes(1));
        Duration waited = Duration.ofNanos(System.nanoTime() - sent);
        assertThat(alerts.get("total").asLong()).as("an alert within a minute (waited %s)", waited).isEqualTo(1);
        Appliance.awaitDrained(camel);
        JsonNode detail = Appliance.until(() -> Appliance.json(appliance.get("/api/v1/alerts/"
                + alerts.at("/alerts/0/id").asText()).body()), a -> a.get("count").asLong() >= 44);
        assertThat(detail.get("severity").asText()).isEqualTo("critical");
        assertThat(detail.get("count").asLong()).as("every request of the burst, once").isEqualTo(44);
        assertThat(detail.get("breakdown").toString()).contains("SQL Injection Attempt In A Request",
                "Cross-Site Scripting Attempt In A Request", "Path Traversal Attempt In A Request",
                "Command Injection Attempt In A Request");
        assertThat(Appliance.json(appliance.get("/api/v1/alerts?source=198.18.14.1").body()).get("total").asLong())
                .as("one alert for the whole burst").isEqualTo(1);

        JsonNode signals = appliance.signalsUntilTotal("source.ip:198.18.14.1 AND rule.name:\"SQL Injection Attempt"
                + " In A Request\"", 1);
        assertThat(signals.toString()).as("a match on the decoded request shows it decoded")
                .contains("union all select null,version(),null--");

        assertThat(Appliance.json(appliance.get("/api/v1/alerts?source=198.18.14.2").body()).get("total").asLong())
                .as("ordinary requests with SQL-looking words").isZero();
    }
}
