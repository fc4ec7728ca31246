package routes.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import routes.model.Event;
import routes.normalize.UnparsedLines;
import routes.store.EventStore;
import routes.store.TimeBounds;

import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Event search: {@code GET /api/v1/logs} (newest first, paged by cursor, each page bounded in bytes),
 * {@code GET /api/v1/logs/{id}} (one event whole) and {@code GET /api/v1/logs/stats}.
 */
@RestController
@RequestMapping("/api/v1/logs")
public class LogsController {

    static final int MAX_PAGE = 1000;

    private final EventStore events;
    private final long maxResponseBytes;
    private final int maxValueChars;
    private final ObjectMapper json = new ObjectMapper();

    private final UnparsedLines unparsed;

    public LogsController(EventStore events, ApiProperties api, UnparsedLines unparsed) {
        this.unparsed = unparsed;
        this.events = events;
        this.maxResponseBytes = api.maxResponseSize().toBytes();
        this.maxValueChars = api.maxValueChars();
    }

    /**
     * @param q      Lucene query syntax over ECS fields; empty matches everything
     * @param from   earliest {@code @timestamp} (ISO-8601, epoch millis or {@code now-1h}); none: all time
     * @param to     latest {@code @timestamp}; none: all time
     * @param size   events per page (1 to 1000)
     * @param cursor the {@code next} value of the previous page
     * @param kind   {@code event} (log events, the default), {@code signal} (findings and correlation hits) or
     *               {@code all}; a query that names {@code event.kind} itself is taken as it is
     */
    @GetMapping
    public Map<String, Object> search(@RequestParam(required = false) String q,
                                      @RequestParam(required = false) String from,
                                      @RequestParam(required = false) String to,
                                      @RequestParam(defaultValue = "50") int size,
                                      @RequestParam(required = false) String cursor,
                                      @RequestParam(required = false) String kind) throws JsonProcessingException {
        if (size < 1 || size > MAX_PAGE) {
            throw new BadRequest("size must be between 1 and " + MAX_PAGE);
        }
        EventStore.SearchResult result = events.search(new EventStore.SearchRequest(ofKind(q, kind),
                bound("from", from, false),
                bound("to", to, true), size, cursor));
        // a page is bounded in bytes as well as in events: long values are cut in listings, and a page that would
        // grow past the limit ends early, its cursor going on from the last event it holds
        List<Map<String, Object>> page = new ArrayList<>(result.events().size());
        long bytes = 0;
        String next = result.next();
        for (Event event : result.events()) {
            Map<String, Object> listed = listed(event);
            long listedBytes = json.writeValueAsBytes(listed).length;
            if (!page.isEmpty() && bytes + listedBytes > maxResponseBytes) {
                next = EventStore.cursorAfter(result.events().get(page.size() - 1));
                break;
            }
            page.add(listed);
            bytes += listedBytes;
        }
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("total", result.total());
        answer.put("events", page);
        answer.put("next", next);
        if (page.size() < result.events().size()) {
            answer.put("partial", "the page ends after " + page.size() + " events to stay under "
                    + maxResponseBytes + " bytes (siem.api.max-response-size); 'next' goes on from there");
        }
        return answer;
    }

    /**
     * What the parsers do not understand: per program, the lines no parser read since the appliance started (most
     * first) and the latest of them. Such events are stored and searchable as {@code tags:unparsed}.
     */
    @GetMapping("/unparsed")
    public Map<String, Object> unparsed() {
        List<UnparsedLines.Program> programs = unparsed.programs();
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("total", programs.stream().mapToLong(UnparsedLines.Program::count).sum());
        answer.put("programs", programs);
        return answer;
    }

    /** One event whole, every value as long as it was stored: 404 when no event has the id. */
    @GetMapping("/{id}")
    public ResponseEntity<Map<String, Object>> event(@PathVariable String id) {
        List<Event> found = events.byIds(List.of(id));
        if (found.isEmpty()) {
            return ResponseEntity.status(404).body(Map.of("error", "no event with id '" + id + "'"));
        }
        return ResponseEntity.ok(json(found.getFirst()));
    }

    /** The event as a listing shows it: values longer than the listing limit cut, and named in {@code _truncated}. */
    private Map<String, Object> listed(Event event) {
        Map<String, Object> fields = new LinkedHashMap<>(event.fields().size());
        List<String> cut = new ArrayList<>();
        for (Map.Entry<String, Object> field : event.fields().entrySet()) {
            Object value = field.getValue();
            if (value instanceof String text && text.length() > maxValueChars) {
                value = text.substring(0, maxValueChars) + "…";
                cut.add(field.getKey());
            } else if (value instanceof List<?> list && list.stream().anyMatch(v -> v instanceof String t
                    && t.length() > maxValueChars)) {
                value = list.stream().map(v -> v instanceof String t && t.length() > maxValueChars
                        ? t.substring(0, maxValueChars) + "…" : v).toList();
                cut.add(field.getKey());
            }
            fields.put(field.getKey(), value);
        }
        Map<String, Object> listed = json(cut.isEmpty() ? event : Event.restore(event.id(), fields));
        if (!cut.isEmpty()) {
            listed.put("_truncated", cut);
        }
        return listed;
    }

    /**
     * @param interval bucket width ({@code 1m}, {@code 1h}, {@code PT5M}); none: about 60 buckets
     * @param field    field whose most frequent values to count
     * @param top      how many of those values
     * @param kind     what to count, as for the search: log events unless asked
     */
    @GetMapping("/stats")
    public Map<String, Object> stats(@RequestParam(required = false) String q,
                                     @RequestParam(required = false) String from,
                                     @RequestParam(required = false) String to,
                                     @RequestParam(required = false) String interval,
                                     @RequestParam(required = false) String field,
                                     @RequestParam(defaultValue = "10") int top,
                                     @RequestParam(required = false) String kind) {
        if (top < 1 || top > 1000) {
            throw new BadRequest("top must be between 1 and 1000");
        }
        EventStore.Stats stats = events.stats(new EventStore.StatsRequest(ofKind(q, kind), bound("from", from, false),
                bound("to", to, true), duration(interval), field == null || field.isBlank() ? null : field, top));
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("total", stats.total());
        answer.put("interval", stats.interval().toString());
        answer.put("histogram", stats.histogram().stream()
                .map(b -> Map.of("start", b.start().toString(), "count", b.count())).toList());
        if (stats.field() != null) {
            answer.put("field", stats.field());
            answer.put("top", stats.top().stream().map(v -> Map.of("value", v.value(), "count", v.count())).toList());
        }
        return answer;
    }

    @ExceptionHandler({BadRequest.class, EventStore.InvalidQueryException.class})
    ResponseEntity<Map<String, String>> badRequest(RuntimeException e) {
        return ResponseEntity.badRequest().body(Map.of("error", e.getMessage()));
    }

    private static Map<String, Object> json(Event event) {
        Map<String, Object> nested = event.toNested();
        Map<String, Object> withId = new LinkedHashMap<>();
        withId.put("_id", event.id());
        withId.putAll(nested);
        return withId;
    }

    private static final java.util.regex.Pattern NAMES_KIND = java.util.regex.Pattern.compile("(^|[^\\w.])event\\.kind\\s*:");

    /**
     * The query scoped to a kind of document: log events unless {@code kind} says otherwise, or the query names
     * {@code event.kind} itself (then it is taken as written).
     */
    static String ofKind(String q, String kind) {
        boolean blank = q == null || q.isBlank();
        String scope;
        if (kind == null || kind.isBlank()) {
            if (!blank && NAMES_KIND.matcher(q).find()) {
                return q;
            }
            scope = "event";
        } else {
            scope = kind.strip();
        }
        return switch (scope) {
            case "all" -> q;
            case "event", "signal" -> "event.kind:" + scope + (blank ? "" : " AND (" + q + ")");
            default -> throw new BadRequest("'kind' must be event, signal or all, not '" + kind + "'");
        };
    }

    /** A time parameter of the API; a bad one is a 400 with the accepted forms. */
    static Instant bound(String name, String value, boolean endOfDay) {
        if (value == null || value.isBlank()) {
            return null;
        }
        Instant instant = TimeBounds.parse(value, endOfDay);
        if (instant == null) {
            throw new BadRequest("'" + name + "' must be ISO-8601, epoch milliseconds or now-<n><s|m|h|d|w>, not '"
                    + value + "'");
        }
        return instant;
    }

    static Duration duration(String text) {
        if (text == null || text.isBlank()) {
            return null;
        }
        String t = text.trim();
        try {
            if (t.startsWith("P") || t.startsWith("p")) {
                return Duration.parse(t);
            }
            long amount = Long.parseLong(t.substring(0, t.length() - 1));
            Duration duration = switch (t.charAt(t.length() - 1)) {
                case 's' -> Duration.ofSeconds(amount);
                case 'm' -> Duration.ofMinutes(amount);
                case 'h' -> Duration.ofHours(amount);
                case 'd' -> Duration.ofDays(amount);
                case 'w' -> Duration.ofDays(7 * amount);
                default -> null;
            };
            if (duration != null && !duration.isNegative() && !duration.isZero()) {
                return duration;
            }
        } catch (NumberFormatException | DateTimeParseException | StringIndexOutOfBoundsException ignored) {
            // reported below
        }
        throw new BadRequest("'interval' must be like 30s, 5m, 1h, 1d or an ISO-8601 duration, not '" + text + "'");
    }

    /** A request parameter that cannot be used; answered with 400 and the reason. */
    static final class BadRequest extends RuntimeException {
        BadRequest(String message) {
            super(message);
        }
    }
}
