package routes.detect;

import routes.model.Finding;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.Collections;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class BayesianScorerTest {

    private final BayesianScorer scorer = new BayesianScorer(ScoringProperties.defaults(),
            id -> id.equals("own-ratio") ? 200.0 : null);

    private static Finding rule(String id, String level) {
        return new Finding(id, "rule " + id, level, "stable", List.of(), "e1", Instant.EPOCH, List.of(), null);
    }

    @Test
    void withoutEvidenceThePosteriorIsTheFamilysPrior() {
        BayesianScorer.Score score = scorer.score("web", List.of());
        assertThat(score.posterior()).isCloseTo(0.02, within(1e-12));
        assertThat(score.severity()).isEqualTo(BayesianScorer.INFORMATIONAL);
        assertThat(scorer.score("unknown-family", List.of()).prior()).isEqualTo(0.01);
    }

    @Test
    void likelihoodRatiosMultiplyThePriorOdds() {
        // prior odds 0.02/0.98; a high rule (x20) and an anomaly scoring 0.7 (x10): odds x200
        BayesianScorer.Score score = scorer.score("auth", List.of(scorer.evidence(rule("r1", "high")),
                scorer.anomaly("auth", new Finding.Anomaly(0.7, 99.6, 0.65))));
        double odds = 0.02 / 0.98 * 200;
        assertThat(score.posterior()).isCloseTo(odds / (1 + odds), within(1e-9));
        assertThat(score.severity()).isEqualTo(BayesianScorer.CRITICAL);
        assertThat(score.evidence()).extracting(BayesianScorer.Contribution::logOdds)
                .containsExactly(Math.log(20), Math.log(10));
    }

    @Test
    void levelsBandsAndARulesOwnRatioDecideTheWeight() {
        assertThat(scorer.evidence(rule("r1", "informational")).likelihoodRatio()).isEqualTo(1.0);
        assertThat(scorer.evidence(rule("r1", "critical")).likelihoodRatio()).isEqualTo(50.0);
        assertThat(scorer.evidence(rule("own-ratio", "low")).likelihoodRatio()).isEqualTo(200.0);
        assertThat(scorer.anomaly("web", new Finding.Anomaly(0.4, 30, 0.6)).likelihoodRatio())
                .as("ordinary scores speak for benign").isLessThan(1);
        assertThat(scorer.anomaly("web", new Finding.Anomaly(0.8, 99.95, 0.6)).likelihoodRatio()).isEqualTo(30.0);
        assertThat(scorer.intel("AbuseIPDB", "203.0.113.7", 90).likelihoodRatio()).isEqualTo(12.0);
        assertThat(scorer.severity(0.81)).isEqualTo(BayesianScorer.CRITICAL);
        assertThat(scorer.severity(0.6)).isEqualTo(BayesianScorer.WARNING);
        assertThat(scorer.severity(0.59)).isEqualTo(BayesianScorer.INFORMATIONAL);
    }

    @Test
    void manyPiecesOfEvidenceCombineWithoutOverflow() {
        BayesianScorer.Evidence strong = new BayesianScorer.Evidence("rule", "strong", null, 1e6);
        BayesianScorer.Evidence benign = new BayesianScorer.Evidence("anomaly", "ordinary", null, 0.5);
        assertThat(scorer.score("web", Collections.nCopies(500, strong)).posterior()).isEqualTo(1.0);
        assertThat(scorer.score("web", Collections.nCopies(5000, benign)).posterior()).isBetween(0.0, 1e-12);
    }

    @Test
    void theBreakdownShowsPriorEachPieceAndPosterior() {
        BayesianScorer.Score score = scorer.score("network", List.of(scorer.evidence(rule("r1", "medium"))));
        assertThat(score.breakdown()).containsExactly("prior network 0.020",
                "rule rule r1 [level medium]: x8.00 (+2.08 log-odds)", "posterior 0.140 (informational)");
    }
}
