package routes.api;

import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PatchMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import routes.model.Alert;
import routes.model.Severity;
import routes.store.AlertStore;
import routes.store.EventStore;


import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Alerts: {@code GET /api/v1/alerts} (filtered by status, severity, source and time, newest first, paged),
 * {@code GET /api/v1/alerts/{id}} (with its history, the evidence and the events behind it) and
 * {@code PATCH /api/v1/alerts/{id}} (status, assignee, comment).
 */
@RestController
@RequestMapping("/api/v1/alerts")
public class AlertsController {

    private static final int MAX_PAGE = 1000;
    private static final List<String> SEVERITIES = java.util.Arrays.stream(Severity.values()).map(Severity::word)
            .toList();

    private final AlertStore alerts;
    private final EventStore events;

    public AlertsController(AlertStore alerts, EventStore events) {
        this.alerts = alerts;
        this.events = events;
    }

    @GetMapping
    public Map<String, Object> search(@RequestParam(required = false) String status,
                                      @RequestParam(required = false) String severity,
                                      @RequestParam(required = false) String source,
                                      @RequestParam(required = false) String from,
                                      @RequestParam(required = false) String to,
                                      @RequestParam(defaultValue = "0") int offset,
                                      @RequestParam(defaultValue = "50") int size) {
        if (status != null && !Alert.STATUSES.contains(status)) {
            throw new LogsController.BadRequest("status must be one of " + Alert.STATUSES);
        }
        if (severity != null && !SEVERITIES.contains(severity)) {
            throw new LogsController.BadRequest("severity must be one of " + SEVERITIES);
        }
        if (size < 1 || size > MAX_PAGE || offset < 0) {
            throw new LogsController.BadRequest("size must be between 1 and " + MAX_PAGE + " and offset not negative");
        }
        AlertStore.Page page = alerts.search(new AlertStore.Query(status, severity, source,
                LogsController.bound("from", from, false), LogsController.bound("to", to, true), offset, size));
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("total", page.total());
        answer.put("alerts", page.alerts().stream().map(AlertsController::summary).toList());
        return answer;
    }

    @GetMapping("/{id}")
    public ResponseEntity<Map<String, Object>> get(@PathVariable String id) {
        return alerts.get(id).map(alert -> ResponseEntity.ok(detail(alert)))
                .orElseGet(() -> ResponseEntity.status(404).body(Map.of("error", "no alert " + id)));
    }

    /** The body: {@code {"status": ..., "assignee": ..., "comment": ...}}, each optional. */
    @PatchMapping("/{id}")
    public ResponseEntity<Map<String, Object>> update(@PathVariable String id,
                                                      @RequestBody Map<String, Object> change) {
        for (String key : change.keySet()) {
            if (!List.of("status", "assignee", "comment").contains(key)) {
                throw new LogsController.BadRequest("unknown field '" + key + "': only status, assignee and comment can change");
            }
        }
        String status = text(change, "status");
        if (status != null && !Alert.STATUSES.contains(status)) {
            throw new LogsController.BadRequest("status must be one of " + Alert.STATUSES);
        }
        // the acting user comes with authentication (JWT); until then changes are made by the API
        return alerts.update(id, status, text(change, "assignee"), text(change, "comment"), "api")
                .map(alert -> ResponseEntity.ok(detail(alert)))
                .orElseGet(() -> ResponseEntity.status(404).body(Map.of("error", "no alert " + id)));
    }

    @ExceptionHandler(LogsController.BadRequest.class)
    ResponseEntity<Map<String, String>> badRequest(RuntimeException e) {
        return ResponseEntity.badRequest().body(Map.of("error", e.getMessage()));
    }

    private static String text(Map<String, Object> body, String key) {
        Object value = body.get(key);
        if (value != null && !(value instanceof String)) {
            throw new LogsController.BadRequest("'" + key + "' must be a string");
        }
        return (String) value;
    }

    /** An alert in a list: its document without the breakdown and evidence. */
    static Map<String, Object> summary(Alert alert) {
        Map<String, Object> item = alert.document();
        item.remove("breakdown");
        item.remove("event_ids");
        return item;
    }

    private Map<String, Object> detail(Alert alert) {
        Map<String, Object> item = alert.document();
        item.remove("event_ids");
        item.put("evidence", Map.of("event_ids", alert.eventIds()));
        item.put("events", events.byIds(alert.eventIds().subList(0, Math.min(100, alert.eventIds().size())))
                .stream().map(e -> e.toNested()).toList());
        item.put("history", alerts.history(alert.id()).stream().map(c -> Map.of("at", c.at().toString(),
                "actor", c.actor(), "action", c.action(), "detail", c.detail() == null ? "" : c.detail())).toList());
        return item;
    }
}
