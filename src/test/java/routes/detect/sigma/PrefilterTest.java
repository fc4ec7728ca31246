package routes.detect.sigma;

import routes.model.Finding;
import org.junit.jupiter.api.Test;
import routes.model.RawLog;
import routes.model.Event;
import routes.normalize.Normalizer;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The prefilter only saves work: with every rule loaded together, the engine reports exactly the rules that match
 * an event when each is tested alone, whole, without it.
 */
class PrefilterTest {

    private static final Path CORPUS = Path.of("..", "shared", "corpora", "sigma", "rules");

    @Test
    void theEngineFindsWhatEachRuleMatchesAlone() throws IOException {
        List<Path> directories = new ArrayList<>(List.of(Path.of("src", "main", "resources", "rules")));
        if (Files.isDirectory(CORPUS)) {
            directories.add(CORPUS);
        }
        List<SigmaRule> rules = new ArrayList<>(new SigmaRuleLoader(Map.of()).loadDirectories(directories).rules());
        rules.addAll(new SigmaRuleLoader(Map.of()).load("""
                title: every kind of clue
                id: clue-kinds
                logsource:
                  product: linux
                detection:
                  wild:
                    message: '*fail?d*pass*'
                  cased:
                    user.name|cased: Admin
                  both|all:
                    message|contains: [invalid, user]
                  none:
                    source.port|gt: 60000
                  filter:
                    user.name: root
                condition: (wild or cased or both or none) and not filter
                """, "kinds.yml").rules());
        SigmaEngine engine = new SigmaEngine();
        engine.load(rules);

        List<Event> events = fixtureEvents();
        int findings = 0;
        for (Event event : events) {
            EventSource source = EventSource.of(event);
            List<String> alone = rules.stream().filter(rule -> source.accepts(rule.logSource()))
                    .filter(rule -> rule.detection().matches(new MatchContext(event))).map(SigmaRule::id).toList();
            List<String> together = engine.evaluate(event).stream().map(Finding::ruleId).toList();
            assertThat(together).as("rules matching %s", event.get("event.original")).isEqualTo(alone);
            findings += together.size();
        }
        long withClues = rules.stream().filter(rule -> rule.detection().clues() != null).count();
        System.out.printf("prefilter: %d rules (%d with clues), %d events, %d findings, same as each rule alone%n",
                rules.size(), withClues, events.size(), findings);
        assertThat(findings).as("the fixtures make rules fire").isGreaterThan(events.size() / 4);
    }

    /** Every raw line of the parser fixtures and the rule pack fixtures. */
    private static List<Event> fixtureEvents() throws IOException {
        Normalizer normalizer = new Normalizer(ZoneOffset.UTC);
        List<Event> events = new ArrayList<>();
        for (String folder : List.of("parsers", "rules")) {
            try (Stream<Path> files = Files.list(Path.of("src", "test", "resources", folder))) {
                for (Path file : files.filter(f -> f.toString().endsWith(".txt")).sorted().toList()) {
                    for (String line : Files.readAllLines(file)) {
                        if (line.isBlank() || line.startsWith("#") || line.startsWith("=>") || line.startsWith("[")) {
                            continue;
                        }
                        String raw = line.replaceAll(" x\\d+$", "").replace("{n}", "7").replace("{n2}", "9");
                        events.add(normalizer.normalizeRecord(new RawLog(raw, null,
                                Instant.parse("2026-11-23T12:00:00Z"), "file", "fixture", false)));
                    }
                }
            }
        }
        return events;
    }
}
