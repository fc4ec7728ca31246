package routes.detect.sigma;

import routes.detect.anomaly.AnomalyDetector;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class RuleRepositoryTest {

    @TempDir
    Path dir;

    private static final String BASE = """
            title: base
            id: base-1
            name: base_rule
            logsource: {product: linux}
            detection:
              kw: ['evil']
              condition: kw
            """;

    private static String correlation(String condition) {
        return """
                title: many evil
                id: corr-1
                correlation:
                  type: event_count
                  rules: [base_rule]
                  group-by: [host.name]
                  timespan: 5m
                  condition: %s
                """.formatted(condition);
    }

    private RuleRepository repository() {
        return new RuleRepository(new SigmaEngine(), AnomalyDetector.ruleIds(), new SigmaRuleLoader(Map.of()), dir);
    }

    @Test
    void aBrokenEditOfACorrelationKeepsItsPreviousVersion() throws Exception {
        Files.writeString(dir.resolve("base.yml"), BASE);
        Files.writeString(dir.resolve("corr.yml"), correlation("{gte: 3}"));
        RuleRepository repository = repository();
        assertThat(repository.status().correlations()).extracting(CorrelationRule::id).contains("corr-1");
        Files.writeString(dir.resolve("corr.yml"), correlation("{sometimes: 3}"));
        Files.setLastModifiedTime(dir.resolve("corr.yml"), java.nio.file.attribute.FileTime.fromMillis(
                System.currentTimeMillis() + 5000));
        assertThat(repository.reloadIfChanged()).isTrue();
        assertThat(repository.status().correlations()).extracting(CorrelationRule::id).contains("corr-1");
        assertThat(repository.status().rejected()).singleElement().satisfies(r -> assertThat(r.reason())
                .contains("unknown condition key 'sometimes'").contains("previous version keeps running"));
    }

    @Test
    void aCorrelationReferringToAMissingRuleIsRejected() throws Exception {
        Files.writeString(dir.resolve("corr.yml"), correlation("{gte: 3}"));
        RuleRepository repository = repository();
        assertThat(repository.status().correlations()).extracting(CorrelationRule::id).doesNotContain("corr-1");
        assertThat(repository.status().rejected()).anySatisfy(r -> assertThat(r.reason())
                .contains("unknown rule(s) [base_rule]"));
    }

    @Test
    void unchangedFilesAreNotReloaded() throws Exception {
        Files.writeString(dir.resolve("base.yml"), BASE);
        RuleRepository repository = repository();
        assertThat(repository.reloadIfChanged()).isFalse();
    }
}
