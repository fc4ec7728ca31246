package routes.tools;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPOutputStream;

import static org.assertj.core.api.Assertions.assertThat;

class ReplayCommandTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    private List<JsonNode> replay(String... arguments) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = ReplayCommand.run(List.of(arguments), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        assertThat(code).as(err.toString(StandardCharsets.UTF_8)).isZero();
        List<JsonNode> lines = new ArrayList<>();
        for (String line : out.toString(StandardCharsets.UTF_8).lines().toList()) {
            lines.add(JSON.readTree(line));
        }
        return lines;
    }

    private static String attack() {
        StringBuilder log = new StringBuilder();
        for (int i = 0; i < 6; i++) {
            log.append("Nov 23 10:0").append(i).append(":00 bastion sshd[2211]: Failed password for root from ")
                    .append("203.0.113.66 port 5").append(i).append("00 ssh2\n");
        }
        log.append("Nov 23 10:07:00 bastion sshd[2212]: Accepted password for root from 203.0.113.66 port 5800 ssh2\n");
        log.append("Nov 23 10:08:00 bastion sshd[2213]: Accepted password for deploy from 198.51.100.1 port 5900 ssh2");
        return log.toString();
    }

    @Test
    void aBruteForceFollowedBySuccessGivesFindingsAlertsAndASummary() throws Exception {
        Path file = dir.resolve("auth.log");
        Files.writeString(file, attack());
        List<JsonNode> lines = replay(file.toString());
        JsonNode summary = lines.getLast();
        assertThat(summary.get("kind").asText()).isEqualTo("summary");
        assertThat(summary.get("lines").asLong()).isEqualTo(8);
        assertThat(summary.get("events").asLong()).isEqualTo(8);
        // the correlations' hits are evidence of the source's risk, whose one alert tells the attack
        List<JsonNode> hits = lines.stream().filter(l -> l.get("kind").asText().equals("hit")).toList();
        assertThat(hits).extracting(a -> a.at("/rule/name").asText())
                .contains("Brute Force Against Linux Logins From One Source",
                        "Successful Login After A Brute Force From The Same Source");
        JsonNode brute = hits.stream().filter(a -> a.at("/rule/type").asText().equals("event_count")).findFirst()
                .orElseThrow();
        assertThat(brute.at("/group/source.ip").asText()).isEqualTo("203.0.113.66");
        assertThat(brute.get("count").asLong()).isEqualTo(5);
        assertThat(brute.get("first").asText()).endsWith("10:00:00Z");
        List<JsonNode> alerts = lines.stream().filter(l -> l.get("kind").asText().equals("alert")).toList();
        assertThat(alerts).isNotEmpty().allSatisfy(a -> {
            assertThat(a.at("/rule/type").asText()).isEqualTo("risk");
            assertThat(a.at("/group/source.ip").asText()).isEqualTo("203.0.113.66");
        });
        assertThat(alerts).extracting(a -> a.at("/stored/id").asText()).as("one alert for the source").containsOnly(
                alerts.getFirst().at("/stored/id").asText());
        JsonNode stored = alerts.getLast().get("stored");
        assertThat(stored.get("title").asText()).isEqualTo("Successful Login After A Brute Force From The Same Source");
        assertThat(stored.get("severity").asText()).isEqualTo("critical");
        assertThat(stored.get("count").asLong()).as("the six failures and the login").isEqualTo(7);
        JsonNode finding = lines.stream().filter(l -> l.get("kind").asText().equals("finding")).findFirst()
                .orElseThrow();
        assertThat(finding.at("/rule/level").asText()).isNotBlank();
        assertThat(finding.at("/event/source/ip").asText()).isEqualTo("203.0.113.66");
    }

    @Test
    void theSameLogGivesTheSameAlertsWhetherPlainOrGzipped() throws Exception {
        Path plain = dir.resolve("auth.log");
        Files.writeString(plain, attack());
        Path gz = dir.resolve("auth.log.gz");
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(gz))) {
            out.write(attack().getBytes(StandardCharsets.UTF_8));
        }
        Files.setLastModifiedTime(gz, Files.getLastModifiedTime(plain));
        List<String> fromPlain = alertKeys(replay(plain.toString()));
        List<String> fromGzip = alertKeys(replay(gz.toString()));
        assertThat(fromPlain).isNotEmpty().isEqualTo(fromGzip);
    }

    private static List<String> alertKeys(List<JsonNode> lines) {
        return lines.stream().filter(l -> l.get("kind").asText().equals("alert"))
                .map(l -> l.at("/rule/id").asText() + l.get("group") + l.get("first") + l.get("last")).toList();
    }

    @Test
    void extraRuleDirectoriesAreLoadedAndBadArgumentsExitTwo() throws Exception {
        Path rules = Files.createDirectories(dir.resolve("rules"));
        Files.writeString(rules.resolve("deploy.yml"), """
                title: Deploy account used
                id: deploy-used
                logsource: {product: linux, service: sshd}
                detection:
                  sel: {user.name: deploy, event.outcome: success}
                  condition: sel
                """);
        Path file = dir.resolve("auth.log");
        Files.writeString(file, attack());
        assertThat(replay("--rules", rules.toString(), file.toString()))
                .anySatisfy(l -> assertThat(l.at("/rule/id").asText()).isEqualTo("deploy-used"));
        ByteArrayOutputStream sink = new ByteArrayOutputStream();
        PrintStream print = new PrintStream(sink, true, StandardCharsets.UTF_8);
        assertThat(ReplayCommand.run(List.of(), print, print)).isEqualTo(2);
        assertThat(ReplayCommand.run(List.of(dir.resolve("missing.log").toString()), print, print)).isEqualTo(2);
    }
}
