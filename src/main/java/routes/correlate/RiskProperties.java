package routes.correlate;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

import routes.model.Level;

import java.time.Duration;

/**
 * Risk that accumulates per entity ({@code siem.risk.*}, {@link EntityRisk}).
 *
 * @param enabled             whether findings and correlation hits accumulate into entity risk and raise its alerts
 * @param window              how far back, in event time from an entity's newest evidence, its evidence counts
 * @param repeatWeight        how much each repeat of the same evidence adds, relative to the one before: the first
 *                            hit of a rule adds its whole log-odds, the second this share of it, the third this share
 *                            squared; so repeats of one rule add at most 1 / (1 - repeatWeight) times one hit
 * @param flushInterval       how often the alerts of raised entities are updated with the evidence that came since
 *                            (wall-clock time, live); a new kind of evidence or a higher severity updates at once
 * @param accuseFrom          the lowest level of a rule whose hit may raise an entity: lower rules and the anomaly
 *                            models add to the evidence of a correlation, of such a rule or of a threat-intel listing,
 *                            but alone raise no one
 * @param maxEvidence         pieces of evidence and event ids held for all entities together (about 100 bytes each;
 *                            an entity that has not been active lately is dropped first)
 * @param maxEvidencePerEntity pieces of evidence held per entity within its window (the oldest dropped first); by
 *                            then repeats add next to nothing
 */
@ConfigurationProperties("siem.risk")
public record RiskProperties(@DefaultValue("true") boolean enabled, @DefaultValue("15m") Duration window,
                             @DefaultValue("0.5") double repeatWeight, @DefaultValue("10s") Duration flushInterval,
                             @DefaultValue("medium") Level accuseFrom,
                             @DefaultValue("1000000") long maxEvidence,
                             @DefaultValue("1000") int maxEvidencePerEntity) {

    public RiskProperties {
        if (repeatWeight < 0 || repeatWeight >= 1) {
            throw new IllegalArgumentException("siem.risk.repeat-weight must be at least 0 and below 1, not "
                    + repeatWeight);
        }
    }

    /** The defaults, for the command-line tools and tests. */
    public static RiskProperties defaults() {
        return new RiskProperties(true, Duration.ofMinutes(15), 0.5, Duration.ofSeconds(10), Level.MEDIUM, 1_000_000,
                1_000);
    }
}
