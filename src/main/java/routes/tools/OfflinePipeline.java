package routes.tools;

import routes.alert.AlertBuilder;
import routes.alert.AlertRecorder;
import routes.correlate.CorrelationEngine;
import routes.correlate.CorrelationRun;
import routes.correlate.EntityRisk;
import routes.detect.BayesianScorer;
import routes.detect.anomaly.AnomalyDetector;
import routes.detect.sigma.SigmaEngine;
import routes.enrich.EventEnricher;
import routes.model.Alert;
import routes.model.Event;
import routes.model.Finding;
import routes.model.RawLog;
import routes.normalize.Normalizer;
import routes.store.AlertStore;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The appliance's pipeline for one offline run (replay, evaluate, a rule backtest): normalize, enrich, detect (Sigma rules and
 * the anomaly models), correlate on the live stage's own route template, entity risk, and alert building and folding into an
 * alert store of the run's own, in the order the records come. Made by {@link OfflinePipelines} from the
 * appliance's beans and settings; its state (windows, models, alerts) is the run's alone. Not thread-safe: one run,
 * one thread.
 */
public final class OfflinePipeline implements AutoCloseable {

    /**
     * What one record became on its way through.
     *
     * @param event    the normalized event (null when the record gave none)
     * @param anomaly  its anomaly score (null when its family is untrained or it has no family)
     * @param findings rule hits and the anomaly finding, if any, in the order the live stage raises them (signals:
     *                 anomaly evidence for risk only is not among them)
     * @param ruleAlerts the alerts the findings raised on their own (rules that generate alerts), as the alert
     *                   store holds them after each
     * @param hits       correlations the findings completed
     * @param alerts     the alert each hit raised or updated, in the order of {@code hits}, as the alert store holds
     *                   it after the hit; null for a hit that is evidence of its entity's risk only
     * @param riskAlerts the alerts of entities whose risk the findings and hits raised, and of those that took the
     *                   evidence since they were raised (every flush-interval of event time), as the alert store
     *                   holds them
     */
    public record Step(Event event, AnomalyDetector.Scored anomaly, List<Finding> findings,
                       List<AlertRecorder.Recorded> ruleAlerts, List<CorrelationEngine.Hit> hits,
                       List<AlertRecorder.Recorded> alerts, List<AlertRecorder.Recorded> riskAlerts) {

        static final Step NONE = new Step(null, null, List.of(), List.of(), List.of(), List.of(), List.of());

        /** Every alert the step recorded: single rules', correlations', then entity risk's. */
        public List<AlertRecorder.Recorded> allAlerts() {
            List<AlertRecorder.Recorded> all = new ArrayList<>(ruleAlerts);
            alerts.stream().filter(java.util.Objects::nonNull).forEach(all::add);
            all.addAll(riskAlerts);
            return all;
        }
    }

    private final Normalizer normalizer;
    private final EventEnricher enricher;
    private final SigmaEngine sigma;
    private final BayesianScorer scorer;
    private final AnomalyDetector anomalies;
    private final CorrelationRun correlation;
    private final EntityRisk risk;
    private final java.time.Duration flushInterval;
    private Instant flushedAt;
    private final AlertBuilder alerts;
    private final AlertRecorder recorder;
    private final AlertStore store;
    private final AutoCloseable resources;

    OfflinePipeline(Normalizer normalizer, EventEnricher enricher, SigmaEngine sigma, BayesianScorer scorer,
                    AnomalyDetector anomalies, CorrelationRun correlation, EntityRisk risk,
                    java.time.Duration flushInterval, AlertBuilder alerts, AlertRecorder recorder, AlertStore store,
                    AutoCloseable resources) {
        this.normalizer = normalizer;
        this.enricher = enricher;
        this.sigma = sigma;
        this.scorer = scorer;
        this.anomalies = anomalies;
        this.correlation = correlation;
        this.risk = risk;
        this.flushInterval = flushInterval;
        this.alerts = alerts;
        this.recorder = recorder;
        this.store = store;
        this.resources = resources;
    }

    /** A raw record from the beginning: normalized and enriched first. */
    public Step raw(RawLog raw) {
        Event event = normalizer.normalizeRecord(raw);
        return event == null ? Step.NONE : event(enricher.enrichEvent(event));
    }

    /** An event already normalized (a stored one, for a backtest): from the detect stage on. */
    public Step event(Event event) {
        AnomalyDetector.Scored scored = anomalies.scoreEvent(event);
        List<Finding> all = new ArrayList<>(sigma.evaluate(event));
        if (scored != null && scored.finding() != null) {
            all.add(scored.finding());
        }
        List<Finding> findings = all.stream().filter(Finding::signal).toList();
        List<AlertRecorder.Recorded> ruleAlerts = new ArrayList<>();
        for (Alert alert : alerts.fromFindings(findings)) {
            changed(recorder.record(alert), ruleAlerts);
        }
        List<CorrelationEngine.Hit> hits = new ArrayList<>();
        List<AlertRecorder.Recorded> recorded = new ArrayList<>();
        List<EntityRisk.Raised> raised = new ArrayList<>(risk.findings(all));
        for (Finding finding : findings) {
            for (CorrelationEngine.Hit hit : correlation.accept(finding)) {
                hits.add(hit);
                Alert alert = alerts.fromHit(hit);
                AlertRecorder.Recorded stored = alert == null ? null : recorder.record(alert);
                recorded.add(stored == null || !stored.changed() ? null : stored);
                raised.addAll(risk.hit(hit));
            }
        }
        Instant time = event.timestamp();
        if (time != null && (flushedAt == null || !time.isBefore(flushedAt.plus(flushInterval)))) {
            // the appliance hands on what came since each entity was raised every flush-interval of the clock; a
            // replay does so every flush-interval of event time
            raised.addAll(risk.flush());
            flushedAt = time;
        }
        return new Step(event, scored, findings, List.copyOf(ruleAlerts), List.copyOf(hits),
                java.util.Collections.unmodifiableList(recorded), recordRisk(raised));
    }

    /**
     * Ends the run's input: the alerts of raised entities take the evidence that came since they were last raised
     * (what the appliance does every {@code siem.risk.flush-interval}); answers them as the alert store holds them.
     */
    public List<AlertRecorder.Recorded> finish() {
        return recordRisk(risk.flush());
    }

    /** The alerts of raised entities, recorded: as the alert store holds them after each. */
    private List<AlertRecorder.Recorded> recordRisk(List<EntityRisk.Raised> raised) {
        List<AlertRecorder.Recorded> recorded = new ArrayList<>(raised.size());
        for (EntityRisk.Raised entity : raised) {
            changed(recorder.record(alerts.fromRisk(entity)), recorded);
        }
        return List.copyOf(recorded);
    }

    /** An alert recorded as the live routes hand it on: only when it changed. */
    private static void changed(AlertRecorder.Recorded alert, List<AlertRecorder.Recorded> into) {
        if (alert.changed()) {
            into.add(alert);
        }
    }

    /** Every alert of the run as the alert store holds it, most recently seen first. */
    public List<Alert> alerts() {
        List<Alert> all = new ArrayList<>();
        for (Alert alert : store.search(new AlertStore.Query(null, null, null, null, null, 0, 10_000)).alerts()) {
            all.add(store.get(alert.id()).orElseThrow());
        }
        return all;
    }

    /** The alert store of the run, for its history. */
    public AlertStore store() {
        return store;
    }

    /** The run's Bayesian scorer (the appliance's settings, the run's rules' own ratios). */
    public BayesianScorer scorer() {
        return scorer;
    }

    /** The run's anomaly detector (its models and counters). */
    public AnomalyDetector anomalies() {
        return anomalies;
    }

    /** The correlation engine of the run, with its rules. */
    public CorrelationEngine correlations() {
        return correlation.engine();
    }

    @Override
    public void close() {
        try (AutoCloseable ignored = resources) {
            correlation.close();
        } catch (Exception e) {
            throw new IllegalStateException("cannot close the offline pipeline: " + e.getMessage(), e);
        }
    }
}
