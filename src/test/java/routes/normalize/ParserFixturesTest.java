package routes.normalize;

import routes.model.Event;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import routes.model.RawLog;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Runs every case of the parser fixtures in {@code src/test/resources/parsers} (see the README there): each raw line
 * is normalized and must have the listed ECS fields.
 */
class ParserFixturesTest {

    static final Instant RECEIVED = Instant.parse("2026-11-23T12:00:00Z");
    private static final List<String> FILES = List.of("sshd.txt", "auth.txt", "web.txt", "firewall.txt",
            "structured.txt", "syslog.txt");

    private final Normalizer normalizer = new Normalizer(ZoneOffset.UTC);

    @TestFactory
    Stream<DynamicTest> everyFixtureLineNormalizesToItsExpectedFields() throws IOException {
        List<DynamicTest> tests = new ArrayList<>();
        for (String file : FILES) {
            for (FixtureCase c : read(file)) {
                tests.add(DynamicTest.dynamicTest(file + ":" + c.lineNumber() + " " + abbreviate(c.line()),
                        () -> check(c)));
            }
        }
        assertThat(tests).as("fixture cases read").hasSizeGreaterThan(50);
        return tests.stream();
    }

    private void check(FixtureCase c) {
        Event event = normalizer.normalizeRecord(new RawLog(c.line(), null, RECEIVED, "file", "/fixtures", false));
        for (String expectation : c.expectations()) {
            int tilde = expectation.indexOf('~');
            int eq = expectation.indexOf('=');
            if (tilde > 0 && (eq < 0 || tilde < eq)) {
                String field = expectation.substring(0, tilde);
                assertThat(event.get(field)).as("%s in %s", field, event).isInstanceOf(List.class);
                List<String> values = ((List<?>) event.get(field)).stream().map(String::valueOf).toList();
                assertThat(values).as("%s in %s", field, event).contains(expectation.substring(tilde + 1));
                continue;
            }
            String field = expectation.substring(0, eq);
            String expected = expectation.substring(eq + 1);
            Object actual = event.get(field);
            if (expected.isEmpty()) {
                assertThat(actual).as("%s should be absent in %s", field, event).isNull();
            } else {
                assertThat(actual).as("%s in %s", field, event).isNotNull();
                assertThat(Objects.toString(actual)).as("%s in %s", field, event).isEqualTo(expected);
            }
        }
    }

    record FixtureCase(int lineNumber, String line, List<String> expectations) {
    }

    static List<FixtureCase> read(String file) throws IOException {
        List<String> lines;
        try (InputStream in = ParserFixturesTest.class.getResourceAsStream("/parsers/" + file)) {
            Objects.requireNonNull(in, file);
            lines = new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().toList();
        }
        List<FixtureCase> cases = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            if (line.isBlank() || line.startsWith("#") || line.startsWith("=>")) {
                continue;
            }
            if (i + 1 >= lines.size() || !lines.get(i + 1).startsWith("=>")) {
                throw new IllegalStateException(file + ":" + (i + 1) + " has no '=>' expectation line after it");
            }
            String raw = line.endsWith("\\r") ? line.substring(0, line.length() - 2) + "\r" : line;
            cases.add(new FixtureCase(i + 1, raw, tokens(lines.get(i + 1).substring(2))));
        }
        return cases;
    }

    /** Splits at spaces; a token may be wrapped in double quotes (backslash escapes inside). */
    static List<String> tokens(String text) {
        List<String> tokens = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        boolean quoted = false;
        boolean any = false;
        for (int i = 0; i < text.length(); i++) {
            char ch = text.charAt(i);
            if (quoted && ch == '\\' && i + 1 < text.length()) {
                current.append(text.charAt(++i));
            } else if (ch == '"') {
                quoted = !quoted;
                any = true;
            } else if (ch == ' ' && !quoted) {
                if (any || !current.isEmpty()) {
                    tokens.add(current.toString());
                }
                current.setLength(0);
                any = false;
            } else {
                current.append(ch);
            }
        }
        if (any || !current.isEmpty()) {
            tokens.add(current.toString());
        }
        return tokens;
    }

    private static String abbreviate(String line) {
        return line.length() <= 60 ? line : line.substring(0, 57) + "...";
    }
}
