package routes.alert;

import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.jdbc.datasource.SimpleDriverDataSource;
import org.springframework.transaction.support.TransactionTemplate;
import routes.model.Alert;
import routes.store.AlertOutbox;
import routes.store.AlertStore;
import routes.store.JdbcAlertStore;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Recording alerts (folding policy and the SQL alert store) on a real embedded H2 database, its schema made by the
 * Flyway migrations we ship.
 */
class AlertRecorderTest {

    private static final Instant T0 = Instant.parse("2026-11-23T10:00:00Z");

    private JdbcAlertStore store;
    private AlertOutbox outbox;
    private AlertRecorder recorder;

    @BeforeEach
    void database() {
        SimpleDriverDataSource data = new SimpleDriverDataSource(new org.h2.Driver(),
                "jdbc:h2:mem:" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1", "caravan", "");
        Flyway.configure().dataSource(data).locations("classpath:db/migration").load().migrate();
        Clock clock = Clock.fixed(T0, ZoneOffset.UTC);
        store = new JdbcAlertStore(new JdbcTemplate(data), new TransactionTemplate(
                new DataSourceTransactionManager(data)), clock);
        outbox = new AlertOutbox(new JdbcTemplate(data), store, 100, Duration.ofMillis(10),
                List.of("kafka", "slack"));
        recorder = new AlertRecorder(store, new AlertFolding(Duration.ofHours(1), JdbcAlertStore.MAX_EVIDENCE), clock,
                outbox);
    }

    private static Alert alert(String rule, String source, String severity, int first, int last, String... events) {
        Map<String, String> group = new LinkedHashMap<>();
        group.put("source.ip", source);
        return new Alert(null, rule, "SSH brute force", severity, severity.equals("critical") ? 0.93 : 0.7,
                List.of("prior auth 0.020", "posterior 0.930 (critical)"), group, List.of("attack.t1110"),
                T0.plusSeconds(first), T0.plusSeconds(last), events.length, List.of(events), null, null, null);
    }

    @Test
    void aNewAlertIsOpenedWithItsEvidenceAndHistory() {
        Alert stored = recorder.record(alert("brute", "203.0.113.7", "warning", 0, 60, "e1", "e2")).alert();
        assertThat(stored.id()).isNotBlank();
        assertThat(stored.status()).isEqualTo(Alert.OPEN);
        assertThat(stored.group()).containsEntry("source.ip", "203.0.113.7");
        assertThat(stored.eventIds()).containsExactly("e1", "e2");
        assertThat(stored.breakdown()).contains("posterior 0.930 (critical)");
        assertThat(stored.firstSeen()).isEqualTo(T0);
        assertThat(store.history(stored.id())).extracting(AlertStore.Change::action).containsExactly("opened");
    }

    @Test
    void theSameEventsRaisingTheAlertAgainChangeNothingAndGoToNoOutput() throws Exception {
        Alert first = recorder.record(alert("brute", "203.0.113.7", "warning", 0, 60, "e1", "e2")).alert();

        AlertRecorder.Recorded again = recorder.record(alert("brute", "203.0.113.7", "warning", 0, 60, "e1", "e2"));

        assertThat(again.changed()).isFalse();
        assertThat(again.alert().count()).isEqualTo(first.count());
        assertThat(store.history(first.id())).extracting(AlertStore.Change::action).containsExactly("opened");
        assertThat(outbox.pending("kafka")).hasSize(1);
    }

    @Test
    void everyChangeIsInTheOutboxForEachOutputUntilThatOutputDeliveredIt() throws Exception {
        Alert first = recorder.record(alert("brute", "203.0.113.7", "warning", 0, 60, "e1", "e2")).alert();
        recorder.record(alert("brute", "203.0.113.7", "critical", 120, 300, "e3"));

        List<AlertOutbox.Delivery> kafka = outbox.pending("kafka");
        assertThat(kafka).extracting(d -> d.alert().id()).containsExactly(first.id(), first.id());
        assertThat(kafka).extracting(AlertOutbox.Delivery::notable).containsExactly(true, true);
        assertThat(kafka.get(0).key()).startsWith(first.id() + ":");
        outbox.delivered("kafka", kafka.get(0).id());

        assertThat(outbox.pending("kafka")).hasSize(1);
        assertThat(outbox.pending("slack")).as("each output has its own cursor").hasSize(2);
        outbox.delivered("kafka", kafka.get(1).id());
        outbox.delivered("slack", kafka.get(1).id());
        assertThat(outbox.pending("kafka")).isEmpty();
        assertThat(outbox.pending("slack")).isEmpty();
    }

    @Test
    void aRepeatInsideTheWindowUpdatesTheOpenAlert() {
        Alert first = recorder.record(alert("brute", "203.0.113.7", "warning", 0, 60, "e1", "e2")).alert();
        Alert repeat = recorder.record(alert("brute", "203.0.113.7", "critical", 120, 300, "e2", "e3", "e4")).alert();
        assertThat(repeat.id()).isEqualTo(first.id());
        assertThat(repeat.count()).isEqualTo(5);
        assertThat(repeat.lastSeen()).isEqualTo(T0.plusSeconds(300));
        assertThat(repeat.severity()).as("a repeat can raise the severity").isEqualTo("critical");
        assertThat(repeat.eventIds()).containsExactly("e1", "e2", "e3", "e4");
        assertThat(store.search(new AlertStore.Query(null, null, null, null, null, 0, 10)).total()).isEqualTo(1);
        AlertRecorder.Recorded again = recorder.record(alert("brute", "203.0.113.7", "warning", 310, 320, "e5"));
        assertThat(again.notable()).as("a repeat at a lower severity is not news").isFalse();
        assertThat(store.history(first.id())).extracting(AlertStore.Change::action)
                .containsExactly("opened", "escalated", "repeated");
    }

    @Test
    void anotherGroupALaterRepeatOrAClosedAlertOpenANewOne() {
        Alert first = recorder.record(alert("brute", "203.0.113.7", "warning", 0, 60, "e1")).alert();
        assertThat(recorder.record(alert("brute", "198.51.100.9", "warning", 0, 60, "e2")).alert().id()).isNotEqualTo(first.id());
        assertThat(recorder.record(alert("brute", "203.0.113.7", "warning", 7200, 7260, "e3")).alert().id())
                .as("past the suppression window").isNotEqualTo(first.id());
        store.update(first.id(), Alert.CLOSED, null, "false positive", "alice");
        assertThat(recorder.record(alert("brute", "203.0.113.7", "warning", 90, 100, "e4")).alert().id())
                .isNotEqualTo(first.id());
    }

    @Test
    void anAlertOfTheSameAttackChainFoldsIntoTheOpenOneAndTheBetterAccountNamesIt() {
        Alert brute = recorder.record(alert("brute", "203.0.113.7", "warning", 0, 60, "e1", "e2")).alert();
        Alert chained = new Alert(null, "brute-then-scan", "Brute force then scan", "critical", 0.99,
                List.of("posterior 0.990 (critical)"), brute.group(), List.of("attack.t1046"), T0.plusSeconds(30),
                T0.plusSeconds(120), 3, List.of("e2", "e3"), null, null, null, List.of("brute", "brute-then-scan"));
        AlertRecorder.Recorded folded = recorder.record(chained);
        assertThat(folded.alert().id()).isEqualTo(brute.id());
        assertThat(folded.change()).isEqualTo(AlertFolding.Change.ESCALATED);
        assertThat(folded.alert().title()).isEqualTo("Brute force then scan");
        assertThat(folded.alert().severity()).isEqualTo("critical");
        assertThat(folded.alert().eventIds()).containsExactly("e1", "e2", "e3");
        assertThat(store.history(brute.id())).extracting(AlertStore.Change::action)
                .containsExactly("opened", "correlated");
        Alert unrelated = new Alert(null, "web-injection", "Injection", "critical", 0.95, List.of(), brute.group(),
                List.of(), T0, T0.plusSeconds(10), 1, List.of("e9"), null, null, null, List.of("web-injection"));
        assertThat(recorder.record(unrelated).alert().id()).as("another attack from the same source")
                .isNotEqualTo(brute.id());
    }

    @Test
    void searchFiltersByStatusSeveritySourceAndTimeAndPages() {
        for (int i = 0; i < 25; i++) {
            recorder.record(alert("rule" + i, "203.0.113." + (i % 5), i % 3 == 0 ? "critical" : "warning", i * 100,
                    i * 100 + 50, "e" + i)).alert();
        }
        AlertStore.Page critical = store.search(new AlertStore.Query(Alert.OPEN, "critical", null, null, null, 0, 4));
        assertThat(critical.total()).isEqualTo(9);
        assertThat(critical.alerts()).hasSize(4).allSatisfy(a -> assertThat(a.severity()).isEqualTo("critical"));
        assertThat(critical.alerts().getFirst().lastSeen()).as("newest first").isEqualTo(T0.plusSeconds(2450));
        assertThat(store.search(new AlertStore.Query(null, null, "203.0.113.1", null, null, 0, 100)).total())
                .isEqualTo(5);
        assertThat(store.search(new AlertStore.Query(null, null, null, T0.plusSeconds(2000), null, 0, 100)).total())
                .isEqualTo(5);
        assertThat(store.search(new AlertStore.Query(null, null, null, null, null, 20, 100)).alerts()).hasSize(5);
    }

    @Test
    void analystsChangeStatusAndAssigneeAndCommentAndItIsAllInTheHistory() {
        Alert alert = recorder.record(alert("brute", "203.0.113.7", "critical", 0, 60, "e1")).alert();
        Alert changed = store.update(alert.id(), Alert.ACKNOWLEDGED, "alice", "looking", "alice").orElseThrow();
        assertThat(changed.status()).isEqualTo(Alert.ACKNOWLEDGED);
        assertThat(changed.assignee()).isEqualTo("alice");
        store.update(alert.id(), Alert.ESCALATED, null, null, "alice");
        assertThat(store.history(alert.id())).extracting(c -> c.action() + ":" + c.detail()).containsExactly(
                "opened:1 events, critical", "status:open -> acknowledged", "assignee:alice", "comment:looking",
                "status:acknowledged -> escalated");
        assertThatThrownBy(() -> store.update(alert.id(), "solved", null, null, "alice"))
                .hasMessageContaining("status must be one of");
        assertThat(store.update("no-such-alert", Alert.CLOSED, null, null, "alice")).isEmpty();
    }

    @Test
    void evidenceIsBoundedForStorms() {
        List<String> many = new ArrayList<>();
        for (int i = 0; i < JdbcAlertStore.MAX_EVIDENCE + 200; i++) {
            many.add("e" + i);
        }
        Alert stored = recorder.record(alert("brute", "203.0.113.7", "critical", 0, 60, many.toArray(String[]::new))).alert();
        assertThat(stored.eventIds()).hasSize(JdbcAlertStore.MAX_EVIDENCE);
        assertThat(stored.count()).isEqualTo(JdbcAlertStore.MAX_EVIDENCE + 200);
    }
}
