package routes.model;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * What an analyst sees: a titled, scored account of what one source (or other group) did, with the evidence
 * behind it and its triage state.
 *
 * @param ruleId     the correlation (or rule) that raised it; with {@code group}, what a repeat is recognised by
 * @param confidence the Bayesian posterior; {@code breakdown} says how it was reached
 * @param group      the correlation key: group-by field → value ({@code source.ip} by default)
 * @param count      events behind it so far
 * @param eventIds   the ids of those events (the first ones, when there are many)
 * @param status     {@link #OPEN}, {@link #ACKNOWLEDGED}, {@link #ESCALATED} or {@link #CLOSED}
 * @param related    the other correlations of the same attack chain (they share rules or refer to one another):
 *                   an open alert of the same group from one of them is the same attack, and takes this one in
 */
public record Alert(String id, String ruleId, String title, String severity, double confidence,
                    List<String> breakdown, Map<String, String> group, List<String> tags, Instant firstSeen,
                    Instant lastSeen, long count, List<String> eventIds, String status, String assignee,
                    Instant updatedAt, List<String> related) {

    /** An alert as stored, without its chain (that comes from the rules loaded when it is raised). */
    public Alert(String id, String ruleId, String title, String severity, double confidence, List<String> breakdown,
                 Map<String, String> group, List<String> tags, Instant firstSeen, Instant lastSeen, long count,
                 List<String> eventIds, String status, String assignee, Instant updatedAt) {
        this(id, ruleId, title, severity, confidence, breakdown, group, tags, firstSeen, lastSeen, count, eventIds,
                status, assignee, updatedAt, List.of());
    }

    public static final String OPEN = "open";
    public static final String ACKNOWLEDGED = "acknowledged";
    public static final String ESCALATED = "escalated";
    public static final String CLOSED = "closed";
    public static final List<String> STATUSES = List.of(OPEN, ACKNOWLEDGED, ESCALATED, CLOSED);

    /**
     * The alert as published to outputs and the API (snake_case keys): id, title, severity, confidence, status,
     * assignee, rule_id, group, first_seen, last_seen, count, tags, breakdown, event_ids, updated_at.
     */
    public Map<String, Object> document() {
        Map<String, Object> document = new java.util.LinkedHashMap<>();
        document.put("id", id);
        document.put("title", title);
        document.put("severity", severity);
        document.put("confidence", confidence);
        document.put("status", status);
        document.put("assignee", assignee);
        document.put("rule_id", ruleId);
        document.put("group", group);
        document.put("first_seen", firstSeen == null ? null : firstSeen.toString());
        document.put("last_seen", lastSeen == null ? null : lastSeen.toString());
        document.put("count", count);
        document.put("tags", tags);
        document.put("breakdown", breakdown);
        document.put("event_ids", eventIds);
        document.put("updated_at", updatedAt == null ? null : updatedAt.toString());
        return document;
    }

    /**
     * Where the attack came from: the group's {@code source.ip}, else its {@code source.address} (a host name, when
     * the log names the source so); null for groups of other fields.
     */
    public String source() {
        String ip = group.get("source.ip");
        return ip != null ? ip : group.get("source.address");
    }

    /** The group as one comparable text: {@code field=value} pairs in group-by order, joined by {@code &}. */
    public String groupKey() {
        StringBuilder key = new StringBuilder();
        group.forEach((field, value) -> key.append(key.isEmpty() ? "" : "&").append(field).append('=').append(value));
        return key.toString();
    }
}
