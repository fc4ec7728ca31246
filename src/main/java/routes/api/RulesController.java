package routes.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import routes.correlate.CorrelationEngine;
import routes.detect.anomaly.AnomalyDetector;
import routes.detect.sigma.CorrelationRule;
import routes.detect.sigma.RuleSet;
import routes.model.Finding;
import routes.detect.sigma.RuleRepository;
import routes.detect.sigma.SigmaEngine;
import routes.detect.sigma.SigmaRule;
import routes.detect.sigma.SigmaRuleLoader;
import routes.model.RawLog;
import routes.model.Event;
import routes.normalize.Normalizer;
import routes.store.EventStore;
import routes.store.TimeBounds;
import routes.tools.OfflinePipeline;
import routes.tools.OfflinePipelines;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Sigma rules: {@code GET /api/v1/rules} (what runs, and what was rejected and why),
 * {@code POST /api/v1/rules/validate} (a rule file in the body: compiled, or the reasons), and
 * {@code POST /api/v1/rules/test} (a rule and sample events: which match and on which values).
 */
@RestController
@RequestMapping("/api/v1/rules")
public class RulesController {

    private static final int MAX_TEST_EVENTS = 10_000;

    private final RuleRepository rules;
    private final Normalizer normalizer;
    private final EventStore store;
    private final OfflinePipelines pipelines;
    private final ObjectMapper json = new ObjectMapper();

    public RulesController(RuleRepository rules, Normalizer normalizer, EventStore store, OfflinePipelines pipelines) {
        this.rules = rules;
        this.normalizer = normalizer;
        this.store = store;
        this.pipelines = pipelines;
    }

    @GetMapping
    public Map<String, Object> list() {
        RuleRepository.Status status = rules.status();
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("loaded_at", status.loadedAt().toString());
        answer.put("total", status.rules().size() + status.correlations().size());
        List<Map<String, Object>> all = new ArrayList<>(status.rules().stream().map(RulesController::describe).toList());
        status.correlations().forEach(c -> {
            Map<String, Object> item = new LinkedHashMap<>();
            item.put("id", c.id());
            item.put("title", c.title());
            item.put("level", c.level());
            item.put("type", c.type().word());
            item.put("tags", c.tags());
            item.put("source", c.source());
            all.add(item);
        });
        answer.put("rules", all);
        answer.put("rejected", status.rejected().stream().map(r -> {
            Map<String, Object> item = new LinkedHashMap<>();
            item.put("source", r.source());
            item.put("id", r.id());
            item.put("reason", r.reason());
            return item;
        }).toList());
        return answer;
    }

    /** The body is a rule file's text (YAML, one or more documents). */
    @PostMapping(path = "/validate", consumes = {"application/yaml", "application/x-yaml", "text/yaml",
            "text/plain", "application/json"})
    public ResponseEntity<Map<String, Object>> validate(@RequestBody String text) {
        SigmaRuleLoader.Result result = rules.loader().load(text, "request");
        Map<String, Object> answer = new LinkedHashMap<>();
        boolean valid = result.rejected().isEmpty() && !result.rules().isEmpty();
        answer.put("valid", valid);
        answer.put("rules", result.rules().stream().map(RulesController::describe).toList());
        List<String> errors = new ArrayList<>(result.rejected().stream().map(r ->
                (r.id() == null ? "" : r.id() + ": ") + r.reason()).toList());
        if (result.rules().isEmpty() && errors.isEmpty()) {
            errors.add("no rule in the body");
        }
        answer.put("errors", errors);
        return valid ? ResponseEntity.ok(answer) : ResponseEntity.badRequest().body(answer);
    }

    /**
     * {@code {"rule": "<rule YAML>", "events": [...]}}: each event is a raw log line as a string, or an object (a
     * raw line in {@code message}, or ECS fields), normalized as ingestion would.
     */
    @PostMapping(path = "/test", consumes = "application/json")
    public ResponseEntity<Map<String, Object>> test(@RequestBody JsonNode body) {
        if (!body.path("rule").isTextual() || !body.path("events").isArray()) {
            return ResponseEntity.badRequest().body(Map.of("error",
                    "the body must be {\"rule\": \"<rule YAML>\", \"events\": [ ... ]}"));
        }
        if (body.get("events").size() > MAX_TEST_EVENTS) {
            return ResponseEntity.badRequest().body(Map.of("error", "at most " + MAX_TEST_EVENTS + " events"));
        }
        SigmaRuleLoader.Result compiled = rules.loader().load(body.get("rule").asText(), "request");
        if (!compiled.rejected().isEmpty() || compiled.rules().isEmpty()) {
            return ResponseEntity.badRequest().body(Map.of("error", compiled.rejected().isEmpty() ? "no rule"
                    : compiled.rejected().getFirst().reason()));
        }
        SigmaEngine engine = new SigmaEngine();
        engine.load(compiled.rules());
        List<Map<String, Object>> results = new ArrayList<>();
        int index = 0;
        for (JsonNode item : body.get("events")) {
            Event event = normalize(item);
            List<Finding> findings = event == null ? List.of() : engine.evaluate(event);
            Map<String, Object> result = new LinkedHashMap<>();
            result.put("index", index++);
            result.put("matched", !findings.isEmpty());
            result.put("rules", findings.stream().map(f -> Map.of("id", f.ruleId(), "title", f.ruleTitle(),
                    "matches", f.matches().stream().map(m -> Map.of("field", m.field(), "value", m.value()))
                            .toList())).toList());
            result.put("event", event == null ? null : event.toNested());
            results.add(result);
        }
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("matched", results.stream().filter(r -> (Boolean) r.get("matched")).count());
        answer.put("results", results);
        return ResponseEntity.ok(answer);
    }

    /**
     * Runs one rule (a detection, or a correlation with the running rules it refers to) over the stored events
     * between {@code from} and {@code to}, oldest first, through an offline run of the pipeline's detect and correlate
     * stages ({@link OfflinePipeline}), and answers its hits. At most {@code limit} events are read.
     */
    @PostMapping("/{id}/backtest")
    public ResponseEntity<Map<String, Object>> backtest(@org.springframework.web.bind.annotation.PathVariable String id,
            @org.springframework.web.bind.annotation.RequestParam(required = false) String from,
            @org.springframework.web.bind.annotation.RequestParam(required = false) String to,
            @org.springframework.web.bind.annotation.RequestParam(defaultValue = "100000") int limit) {
        RuleRepository.Status status = rules.status();
        SigmaRule rule = status.rules().stream().filter(r -> r.id().equals(id)).findFirst().orElse(null);
        CorrelationRule correlation = status.correlations().stream().filter(c -> c.id().equals(id)).findFirst()
                .orElse(null);
        if (rule == null && correlation == null) {
            return ResponseEntity.status(404).body(Map.of("error", "no rule with id " + id));
        }
        if (limit < 1 || limit > 1_000_000) {
            return ResponseEntity.badRequest().body(Map.of("error", "limit must be between 1 and 1000000"));
        }
        Instant start = from == null ? null : TimeBounds.parse(from, false);
        Instant end = to == null ? null : TimeBounds.parse(to, true);
        if ((from != null && start == null) || (to != null && end == null)) {
            return ResponseEntity.badRequest().body(Map.of("error",
                    "from and to take ISO-8601, epoch milliseconds or now-<n><s|m|h|d|w>"));
        }
        List<Event> events = new ArrayList<>();
        String cursor = null;
        long total;
        do {
            EventStore.SearchResult page = store.search(new EventStore.SearchRequest("event.kind:event", start, end,
                    Math.min(1000, limit - events.size()), cursor));
            total = page.total();
            events.addAll(page.events());
            cursor = page.next();
        } while (cursor != null && events.size() < limit);
        java.util.Collections.reverse(events);
        RuleSet live = rules.ruleSet();
        RuleSet tested = rule != null
                ? RuleSet.resolve(List.of(rule), List.of(), AnomalyDetector.ruleIds()).set() : live;
        List<Object> hits = new ArrayList<>();
        long count = 0;
        try (OfflinePipeline pipeline = pipelines.open(tested)) {
            for (Event event : events) {
                OfflinePipeline.Step step = pipeline.event(event);
                if (rule != null) {
                    for (Finding finding : step.findings()) {
                        if (!finding.ruleId().equals(id)) {
                            continue;
                        }
                        count++;
                        if (hits.size() < 1000) {
                            hits.add(Map.of("event_id", finding.eventId(), "timestamp",
                                    finding.timestamp().toString(), "matches", finding.matches().stream()
                                            .map(m -> Map.of("field", m.field(), "value", m.value())).toList()));
                        }
                    }
                    continue;
                }
                for (CorrelationEngine.Hit hit : step.hits()) {
                    if (hit.rule().id().equals(id)) {
                        count++;
                        if (hits.size() < 1000) {
                            hits.add(Map.of("group", hit.group(), "count", hit.count(), "first",
                                    hit.first().toString(), "last", hit.last().toString(), "events", hit.eventIds()));
                        }
                    }
                }
            }
        }
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("rule", id);
        answer.put("scanned", events.size());
        answer.put("in_range", total);
        answer.put("hits", count);
        answer.put("results", hits);
        return ResponseEntity.ok(answer);
    }

    private Event normalize(JsonNode item) {
        Instant now = Instant.now();
        if (item.isTextual()) {
            return normalizer.normalizeRecord(new RawLog(item.asText(), null, now, "http", "rules-test", false));
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> fields = json.convertValue(item, Map.class);
        return normalizer.normalizeRecord(new RawLog(null, fields, now, "http", "rules-test", false));
    }

    private static Map<String, Object> describe(SigmaRule rule) {
        Map<String, Object> item = new LinkedHashMap<>();
        item.put("id", rule.id());
        item.put("title", rule.title());
        item.put("level", rule.level());
        item.put("status", rule.status());
        item.put("tags", rule.tags());
        item.put("logsource", rule.logSource());
        item.put("source", rule.source());
        return item;
    }
}
