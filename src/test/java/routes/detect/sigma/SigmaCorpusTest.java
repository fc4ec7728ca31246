package routes.detect.sigma;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Loads every SigmaHQ rule in {@code ../shared/corpora/sigma/rules}: each must compile, or be rejected with a
 * precise reason. Prints the figures and the reasons. Skipped where the corpora are absent.
 */
class SigmaCorpusTest {

    private static final Path RULES = Path.of("..", "shared", "corpora", "sigma", "rules");

    @Test
    void everyCorpusRuleCompilesOrIsRejectedWithAReason() throws Exception {
        assumeTrue(Files.isDirectory(RULES), "no ../shared/corpora/sigma/rules beside the project");
        SigmaRuleLoader.Result result = new SigmaRuleLoader(Map.of()).loadDirectories(List.of(RULES));
        Map<String, Integer> reasons = new TreeMap<>();
        for (SigmaRuleLoader.Rejected rejected : result.rejected()) {
            reasons.merge(rejected.reason().replaceAll("'[^']*'", "'…'"), 1, Integer::sum);
            System.out.println("  rejected " + rejected.source() + ": " + rejected.reason());
        }
        int total = result.rules().size() + result.rejected().size();
        System.out.printf("Sigma corpus: %d rules, %d compiled, %d rejected%n", total, result.rules().size(),
                result.rejected().size());
        reasons.forEach((reason, count) -> System.out.printf("  %3d  %s%n", count, reason));
        assertThat(result.rejected()).allSatisfy(r -> assertThat(r.reason()).isNotBlank());
        assertThat(result.rules().size()).as("corpus rules compiled").isGreaterThanOrEqualTo(total * 95 / 100);
    }
}
