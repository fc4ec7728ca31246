package routes.alert;

import routes.Appliance;
import routes.SlackWebhook;
import com.fasterxml.jackson.databind.JsonNode;
import org.apache.camel.CamelContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Critical alerts reach Slack: a loopback HTTP server stands in for Slack's incoming webhook, answering as Slack
 * does ({@code 200 ok}), and records the Block Kit messages it receives.
 */
// closed after the class: its listeners and schedules stop instead of running beside later tests
@org.springframework.test.annotation.DirtiesContext
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class AlertSlackTest {

    @RegisterExtension
    static final SlackWebhook SLACK = new SlackWebhook();

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) throws Exception {
        Appliance.isolate(registry, Files.createTempDirectory("caravan-slack"), Appliance.freePort(), "k");
        SLACK.configure(registry);
        registry.add("siem.slack.channels.critical", () -> "#soc-critical");
    }

    @LocalServerPort
    int httpPort;

    @Autowired
    CamelContext camel;

    @Test
    void aCriticalAlertIsPostedAsABlockKitMessageToTheSeverityChannel() throws Exception {
        List<String> lines = new ArrayList<>(Appliance.rootLoginFailures("203.0.113.99", "12:00", 12));
        lines.add("Nov 23 12:00:30 bastion sshd[5100]: Accepted password for root from 203.0.113.99 port 51999 ssh2");
        Appliance appliance = new Appliance(httpPort);
        assertThat(appliance.post("/api/ingest_log", "text/plain", "k", String.join("\n", lines)).statusCode())
                .isEqualTo(202);

        String body = SLACK.next(20);
        assertThat(body).as("a message reached the webhook").isNotNull();
        JsonNode message = Appliance.json(body);
        assertThat(message.get("channel").asText()).isEqualTo("#soc-critical");
        assertThat(message.get("text").asText()).startsWith("CRITICAL: ").contains("203.0.113.99");
        JsonNode blocks = message.get("blocks");
        assertThat(blocks.get(0).get("type").asText()).isEqualTo("header");
        assertThat(blocks.toString()).contains("*Source*", "source.ip 203.0.113.99", "*Confidence*", "*Why*",
                "Open the alert");
        JsonNode alerts = Appliance.json(appliance.get("/api/v1/alerts?severity=critical&source=203.0.113.99")
                .body());
        assertThat(alerts.get("total").asLong()).isGreaterThanOrEqualTo(1);
        assertThat(blocks.toString()).contains(alerts.at("/alerts/0/id").asText());
        Appliance.awaitDrained(camel);
        assertThat(SLACK.pending()).as("warnings are not sent to Slack").isNull();
    }
}
