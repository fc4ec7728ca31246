package routes.store;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.support.TransactionTemplate;
import routes.model.Alert;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.UUID;

/**
 * The alert store on SQL (H2 embedded by default, PostgreSQL by configuration; schema by Flyway in
 * {@code db/migration}): alerts, their evidence (event ids) and their history of changes.
 */
public final class JdbcAlertStore implements AlertStore {

    /** Evidence ids kept per alert: enough to investigate, bounded for storms. */
    public static final int MAX_EVIDENCE = 1000;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String COLUMNS = "id, rule_id, title, severity, confidence, breakdown, group_json, tags, "
            + "status, assignee, first_seen, last_seen, event_count, updated_at";

    private final JdbcTemplate sql;
    private final TransactionTemplate transactions;
    private final Clock clock;

    public JdbcAlertStore(JdbcTemplate sql, TransactionTemplate transactions, Clock clock) {
        this.sql = sql;
        this.transactions = transactions;
        this.clock = clock;
    }

    @Override
    public <T> T inTransaction(Supplier<T> work) {
        return transactions.execute(status -> work.get());
    }

    @Override
    public List<Alert> open(Collection<String> ruleIds, String groupKey, Instant since) {
        String rules = String.join(", ", java.util.Collections.nCopies(ruleIds.size(), "?"));
        List<Object> arguments = new ArrayList<>(ruleIds);
        arguments.addAll(List.of(groupKey, Alert.CLOSED, time(since)));
        return sql.query("SELECT " + COLUMNS + " FROM alerts WHERE " + (ruleIds.isEmpty() ? ""
                : "rule_id IN (" + rules + ") AND ") + "group_key = ? AND status <> ? AND last_seen >= ? "
                + "ORDER BY last_seen DESC", this::alert, arguments.toArray());
    }

    @Override
    public String insert(Alert alert, List<String> evidence, Instant now) {
        String id = UUID.randomUUID().toString();
        sql.update("INSERT INTO alerts (id, rule_id, title, severity, confidence, breakdown, group_key, group_json, "
                        + "source_ip, tags, status, assignee, first_seen, last_seen, event_count, created_at, "
                        + "updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                id, alert.ruleId(), alert.title(), alert.severity(), alert.confidence(), json(alert.breakdown()),
                alert.groupKey(), json(alert.group()), alert.source(), json(alert.tags()),
                alert.status() == null ? Alert.OPEN : alert.status(), alert.assignee(), time(alert.firstSeen()),
                time(alert.lastSeen()), alert.count(), time(now), time(now));
        evidence(id, evidence);
        return id;
    }

    @Override
    public String update(Alert alert, List<String> addedEvidence, Instant now) {
        sql.update("UPDATE alerts SET rule_id = ?, title = ?, tags = ?, severity = ?, confidence = ?, breakdown = ?, "
                        + "first_seen = ?, last_seen = ?, event_count = ?, updated_at = ? WHERE id = ?",
                alert.ruleId(), alert.title(), json(alert.tags()), alert.severity(), alert.confidence(),
                json(alert.breakdown()), time(alert.firstSeen()), time(alert.lastSeen()), alert.count(), time(now),
                alert.id());
        evidence(alert.id(), addedEvidence);
        return alert.id();
    }

    /** Adds event ids to an alert's evidence, in one batch. */
    private void evidence(String id, List<String> eventIds) {
        sql.batchUpdate("INSERT INTO alert_evidence (alert_id, kind, ref) VALUES (?, 'event', ?)",
                eventIds.stream().map(ref -> new Object[]{id, ref}).toList());
    }

    @Override
    public void addHistory(String id, Instant at, String actor, String action, String detail) {
        sql.update("INSERT INTO alert_history (alert_id, at, actor, action, detail) VALUES (?, ?, ?, ?, ?)", id,
                time(at), actor, action, detail);
    }

    @Override
    public Page search(Query query) {
        StringBuilder where = new StringBuilder(" WHERE 1 = 1");
        List<Object> arguments = new ArrayList<>();
        if (query.status() != null) {
            where.append(" AND status = ?");
            arguments.add(query.status());
        }
        if (query.severity() != null) {
            where.append(" AND severity = ?");
            arguments.add(query.severity());
        }
        if (query.source() != null) {
            where.append(" AND source_ip = ?");
            arguments.add(query.source());
        }
        if (query.from() != null) {
            where.append(" AND last_seen >= ?");
            arguments.add(time(query.from()));
        }
        if (query.to() != null) {
            where.append(" AND first_seen < ?");
            arguments.add(time(query.to()));
        }
        Long total = sql.queryForObject("SELECT COUNT(*) FROM alerts" + where, Long.class, arguments.toArray());
        List<Object> paged = new ArrayList<>(arguments);
        paged.add(query.size());
        paged.add(query.offset());
        List<Alert> alerts = sql.query("SELECT " + COLUMNS + " FROM alerts" + where
                + " ORDER BY last_seen DESC, id LIMIT ? OFFSET ?", this::alert, paged.toArray());
        return new Page(total == null ? 0 : total, alerts);
    }

    @Override
    public Optional<Alert> get(String id) {
        List<Alert> found = sql.query("SELECT " + COLUMNS + " FROM alerts WHERE id = ?", this::alert, id);
        if (found.isEmpty()) {
            return Optional.empty();
        }
        Alert alert = found.getFirst();
        List<String> events = sql.queryForList("SELECT ref FROM alert_evidence WHERE alert_id = ? AND kind = 'event' "
                + "ORDER BY ref", String.class, id);
        return Optional.of(new Alert(alert.id(), alert.ruleId(), alert.title(), alert.severity(), alert.confidence(),
                alert.breakdown(), alert.group(), alert.tags(), alert.firstSeen(), alert.lastSeen(), alert.count(),
                events, alert.status(), alert.assignee(), alert.updatedAt()));
    }

    @Override
    public List<Change> history(String id) {
        return sql.query("SELECT at, actor, action, detail FROM alert_history WHERE alert_id = ? ORDER BY id",
                (row, n) -> new Change(instant(row, "at"), row.getString("actor"), row.getString("action"),
                        row.getString("detail")), id);
    }

    @Override
    public Optional<Alert> update(String id, String status, String assignee, String comment, String actor) {
        if (status != null && !Alert.STATUSES.contains(status)) {
            throw new IllegalArgumentException("status must be one of " + Alert.STATUSES + ", not '" + status + "'");
        }
        return transactions.execute(tx -> {
            Optional<Alert> current = get(id);
            if (current.isEmpty()) {
                return Optional.<Alert>empty();
            }
            Instant now = clock.instant();
            if (status != null && !status.equals(current.get().status())) {
                sql.update("UPDATE alerts SET status = ?, updated_at = ? WHERE id = ?", status, time(now), id);
                addHistory(id, now, actor, "status", current.get().status() + " -> " + status);
            }
            if (assignee != null && !assignee.equals(current.get().assignee())) {
                sql.update("UPDATE alerts SET assignee = ?, updated_at = ? WHERE id = ?",
                        assignee.isBlank() ? null : assignee, time(now), id);
                addHistory(id, now, actor, "assignee", assignee.isBlank() ? "unassigned" : assignee);
            }
            if (comment != null && !comment.isBlank()) {
                addHistory(id, now, actor, "comment", comment);
            }
            return get(id);
        });
    }

    private Alert alert(ResultSet row, int n) throws SQLException {
        return new Alert(row.getString("id"), row.getString("rule_id"), row.getString("title"),
                row.getString("severity"), row.getDouble("confidence"),
                read(row.getString("breakdown"), new TypeReference<List<String>>() { }),
                read(row.getString("group_json"), new TypeReference<LinkedHashMap<String, String>>() { }),
                read(row.getString("tags"), new TypeReference<List<String>>() { }), instant(row, "first_seen"),
                instant(row, "last_seen"), row.getLong("event_count"), List.of(), row.getString("status"),
                row.getString("assignee"), instant(row, "updated_at"));
    }

    private static OffsetDateTime time(Instant instant) {
        return instant.atOffset(ZoneOffset.UTC);
    }

    private static Instant instant(ResultSet row, String column) throws SQLException {
        OffsetDateTime value = row.getObject(column, OffsetDateTime.class);
        return value == null ? null : value.toInstant();
    }

    private static String json(Object value) {
        try {
            return JSON.writeValueAsString(value == null ? List.of() : value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static <T> T read(String text, TypeReference<T> type) {
        try {
            return JSON.readValue(text, type);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("unreadable alert column: " + e.getOriginalMessage(), e);
        }
    }
}
