package routes.normalize;

import routes.model.Event;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import routes.model.RawLog;
import routes.ingest.Utf8Text;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Measures the parsers against real material from other projects in {@code ../shared/corpora} (RFC 5424 parser
 * cases, Logstash grok samples, Wazuh test logs), prints the figures, and fails if they fall below the level
 * reached when the parsers were written. Skipped where the corpora are absent (a plain clone has none).
 */
class CorporaEvaluationTest {

    private static final Path CORPORA = Path.of("..", "shared", "corpora");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Instant RECEIVED = Instant.parse("2026-11-23T12:00:00Z");

    private final SyslogParser syslog = new SyslogParser(ZoneOffset.UTC);
    private final Normalizer normalizer = new Normalizer(ZoneOffset.UTC);

    @BeforeAll
    static void corporaPresent() {
        assumeTrue(Files.isDirectory(CORPORA), "no ../shared/corpora beside the project: nothing to measure");
    }

    @Test
    void rfc5424ParserCases() throws IOException {
        int valid = 0;
        int validRight = 0;
        int invalid = 0;
        int invalidRejected = 0;
        int columnRight = 0;
        int nonCompliant = 0;
        int nonCompliantKept = 0;
        List<String> misses = new ArrayList<>();
        for (String line : Files.readAllLines(CORPORA.resolve("syslog-rfc5424/rfc5424_cases.jsonl"))) {
            JsonNode c = JSON.readTree(line);
            byte[] bytes = Base64.getDecoder().decode(c.get("input_b64").asText());
            String input = Utf8Text.decode(bytes, 0, bytes.length);
            if (c.get("table").asText().equals("nonCompliantMsgTestCases")) {
                nonCompliant++;
                try {
                    SyslogMessage m = syslog.parse(input, RECEIVED);
                    if (m.format().equals("rfc5424")) {
                        nonCompliantKept++;
                    }
                } catch (SyslogParser.SyslogFormatException e) {
                    // rejected before its message: counted as not kept
                }
                continue;
            }
            if (c.get("valid").asBoolean()) {
                valid++;
                String problem = compare(input, c.get("expected"));
                if (problem == null) {
                    validRight++;
                } else {
                    misses.add("valid " + c.get("input").asText() + ": " + problem);
                }
            } else {
                invalid++;
                try {
                    SyslogMessage m = syslog.parse(input, RECEIVED);
                    if (m.format().equals("rfc5424")) {
                        misses.add("accepted invalid " + c.get("input").asText());
                    } else {
                        invalidRejected++;
                    }
                } catch (SyslogParser.SyslogFormatException e) {
                    invalidRejected++;
                    if (e.column() == c.at("/error/column").asInt()) {
                        columnRight++;
                    }
                }
            }
        }
        System.out.printf("RFC 5424 cases: %d/%d valid parsed with every expected field; %d/%d invalid rejected "
                        + "(%d with the same error column); %d/%d non-UTF-8 messages kept with bytes escaped%n",
                validRight, valid, invalidRejected, invalid, columnRight, nonCompliantKept, nonCompliant);
        misses.stream().limit(15).forEach(m -> System.out.println("  " + m));
        assertThat(validRight).as("valid RFC 5424 cases parsed right").isEqualTo(valid);
        // The one invalid case accepted keeps "\n" in a structured-data value: RFC 5424 6.3.3 keeps a backslash
        // before other characters as it is, where go-syslog rejects it.
        assertThat(invalidRejected).as("invalid RFC 5424 cases rejected").isGreaterThanOrEqualTo(invalid - 1);
    }

    /** Null when the parse matches every expected field, else what differs. */
    private String compare(String input, JsonNode expected) {
        SyslogMessage m;
        try {
            m = syslog.parse(input, RECEIVED);
        } catch (SyslogParser.SyslogFormatException e) {
            return "rejected: " + e.getMessage();
        }
        Map<String, Object> actual = new LinkedHashMap<>();
        actual.put("version", m.version());
        actual.put("priority", m.priority());
        actual.put("hostname", m.hostname());
        actual.put("appname", m.appName());
        actual.put("procid", m.procId());
        actual.put("msgid", m.msgId());
        actual.put("message", m.message());
        for (Map.Entry<String, JsonNode> field : expected.properties()) {
            String name = field.getKey();
            JsonNode value = field.getValue();
            if (name.equals("timestamp")) {
                Instant want = rfc3339(value.asText());
                if (!want.equals(m.timestamp())) {
                    return "timestamp " + m.timestamp() + " != " + want;
                }
            } else if (name.equals("structured_data")) {
                Map<String, Map<String, String>> sd = new TreeMap<>();
                for (SyslogMessage.SdElement element : m.structuredData()) {
                    Map<String, String> params = sd.computeIfAbsent(element.id(), k -> new TreeMap<>());
                    element.params().forEach(p -> params.putIfAbsent(p.getKey(), p.getValue()));
                }
                Map<String, Map<String, String>> want = JSON.convertValue(value,
                        new com.fasterxml.jackson.core.type.TypeReference<TreeMap<String, Map<String, String>>>() {
                        });
                // go-syslog hands values back still escaped; RFC 5424 section 6.3.3 unescapes \", \\ and \]
                want.replaceAll((k, v) -> {
                    Map<String, String> unescaped = new TreeMap<>();
                    v.forEach((param, text) -> unescaped.put(param, text.replaceAll("\\\\([\"\\\\\\]])", "$1")));
                    return unescaped;
                });
                if (!sd.equals(want)) {
                    return "structured data " + sd + " != " + want;
                }
            } else if (name.equals("message")) {
                // go-syslog keeps the byte-order mark in the message; we drop it (it only says "UTF-8").
                String want = value.asText().replace("\uFEFF", "");
                String got = m.message() == null ? "" : m.message();
                if (!got.equals(want)) {
                    return "message '" + got + "' != '" + want + "'";
                }
            } else if (actual.containsKey(name)) {
                String want = value.asText();
                if (!Objects.equals(String.valueOf(actual.get(name)), want)) {
                    return name + " '" + actual.get(name) + "' != '" + want + "'";
                }
            }
        }
        return null;
    }

    /** RFC 3339 allows offsets up to 23:59, beyond java.time's ZoneOffset. */
    private static Instant rfc3339(String text) {
        String local = text.substring(0, text.length() - 6);
        String offset = text.substring(text.length() - 6);
        if (text.endsWith("Z")) {
            return OffsetDateTime.parse(text).toInstant();
        }
        int sign = offset.charAt(0) == '-' ? -1 : 1;
        int seconds = sign * (Integer.parseInt(offset.substring(1, 3)) * 3600 + Integer.parseInt(offset.substring(4)) * 60);
        return java.time.LocalDateTime.parse(local).toInstant(ZoneOffset.UTC).minusSeconds(seconds);
    }

    @Test
    void logstashGrokSamples() throws IOException {
        Map<String, Set<String>> expectations = Map.of(
                "SYSLOGLINE", Set.of("rfc3164"),
                "SYSLOG5424LINE", Set.of("rfc5424"),
                "HTTPD_COMBINEDLOG", Set.of("web.access"),
                "HTTPD_COMMONLOG", Set.of("web.access"),
                "HTTPD_ERRORLOG", Set.of("web.error"),
                "SFW2", Set.of("firewall.iptables"),
                "SYSLOGPAMSESSION", Set.of("linux.pam"));
        Map<String, int[]> byPattern = new TreeMap<>();
        for (String line : Files.readAllLines(CORPORA.resolve("grok-samples/sample_messages.jsonl"))) {
            JsonNode sample = JSON.readTree(line);
            String pattern = sample.get("pattern").asText();
            Set<String> wanted = expectations.get(pattern);
            if (wanted == null) {
                continue;
            }
            String message = sample.get("message").asText();
            int[] counts = byPattern.computeIfAbsent(pattern, p -> new int[2]);
            counts[1]++;
            Event event = normalize(message);
            String format;
            try {
                format = syslog.parse(message, RECEIVED).format();
            } catch (SyslogParser.SyslogFormatException e) {
                format = "invalid";
            }
            if (wanted.contains(event.getString("event.dataset")) || wanted.contains(format)) {
                counts[0]++;
            } else {
                System.out.println("  grok " + pattern + " not read as " + wanted + ": " + message);
            }
        }
        int read = byPattern.values().stream().mapToInt(c -> c[0]).sum();
        int total = byPattern.values().stream().mapToInt(c -> c[1]).sum();
        System.out.printf("Logstash grok samples for our formats: %d/%d read as the expected format %s%n", read, total,
                summary(byPattern));
        // Three SYSLOGLINE specimens are bare bracketed dates, not syslog lines; two SYSLOG5424LINE specimens break
        // RFC 5424 (no structured-data field; an unquoted structured-data value) and are kept as malformed.
        assertThat(read).as("grok samples read as their format").isGreaterThanOrEqualTo(total - 5);
    }

    @Test
    void wazuhTestLogs() throws IOException {
        Map<String, Set<String>> ours = new LinkedHashMap<>();
        ours.put("sshd", Set.of("linux.sshd", "linux.pam"));
        ours.put("pam", Set.of("linux.pam"));
        ours.put("sudo", Set.of("linux.sudo"));
        ours.put("su", Set.of("linux.su", "linux.pam"));
        ours.put("web-accesslog", Set.of("web.access"));
        ours.put("apache-errorlog", Set.of("web.error"));
        ours.put("nginx-errorlog", Set.of("web.error"));
        ours.put("json", Set.of("json", "ecs"));
        ours.put("fortigate-firewall-v5", Set.of("kv"));
        ours.put("fortigate-firewall-v6", Set.of("kv"));
        ours.put("kernel", Set.of("firewall.iptables"));
        Map<String, int[]> byDecoder = new TreeMap<>();
        int all = 0;
        int specific = 0;
        int envelopeOnly = 0;
        try (Stream<Path> files = Files.list(CORPORA.resolve("wazuh-testing"))) {
            for (Path file : files.filter(f -> f.toString().endsWith(".ini")).sorted().toList()) {
                for (String[] entry : wazuhLogs(file)) {
                    String decoder = entry[0];
                    String log = entry[1];
                    Event event = normalize(log);
                    String dataset = event.getString("event.dataset");
                    all++;
                    if (!Set.of("log", "syslog").contains(dataset)) {
                        specific++;
                    } else if (dataset.equals("syslog")) {
                        envelopeOnly++;
                    }
                    Set<String> wanted = ours.get(decoder);
                    if (wanted == null || (decoder.equals("kernel") && !log.contains("SRC="))) {
                        continue;
                    }
                    int[] counts = byDecoder.computeIfAbsent(decoder, d -> new int[2]);
                    counts[1]++;
                    boolean fieldsRead = event.get("event.category") != null || Set.of("json", "ecs", "kv")
                            .contains(dataset);
                    if (wanted.contains(dataset) && fieldsRead) {
                        counts[0]++;
                    } else {
                        System.out.println("  wazuh " + decoder + " read as " + dataset + ": " + abbreviate(log));
                    }
                }
            }
        }
        int read = byDecoder.values().stream().mapToInt(c -> c[0]).sum();
        int total = byDecoder.values().stream().mapToInt(c -> c[1]).sum();
        System.out.printf("Wazuh test logs of our formats: %d/%d read into ECS fields by the matching parser %s%n", read, total,
                summary(byDecoder));
        System.out.printf("Wazuh test logs, all %d lines of 107 products: %d read by a format parser, %d by the syslog "
                + "envelope alone, %d kept as plain text%n", all, specific, envelopeOnly, all - specific - envelopeOnly);
        assertThat(read).as("Wazuh lines of our formats read by their parser").isGreaterThanOrEqualTo(total * 98 / 100);
    }

    private Event normalize(String line) {
        Event event = normalizer.normalizeRecord(new RawLog(line, null, RECEIVED, "file", "corpus", false));
        return event == null ? Event.builder().build() : event;
    }

    /** Each {@code log N pass = ...} line of a Wazuh test file with its section's decoder. */
    private static List<String[]> wazuhLogs(Path file) throws IOException {
        List<String[]> logs = new ArrayList<>();
        List<String> pending = new ArrayList<>();
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            if (line.startsWith("[")) {
                pending.clear();
            } else if (line.startsWith("log ") && line.contains(" pass = ")) {
                pending.add(line.substring(line.indexOf(" = ") + 3));
            } else if (line.startsWith("decoder = ")) {
                String decoder = line.substring("decoder = ".length()).trim();
                pending.forEach(log -> logs.add(new String[]{decoder, log}));
                pending.clear();
            }
        }
        return logs;
    }

    private static String summary(Map<String, int[]> counts) {
        StringBuilder text = new StringBuilder("(");
        counts.forEach((name, c) -> text.append(text.length() > 1 ? ", " : "").append(name).append(' ')
                .append(c[0]).append('/').append(c[1]));
        return text.append(')').toString();
    }

    private static String abbreviate(String text) {
        return text.length() <= 160 ? text : text.substring(0, 157) + "...";
    }
}
