package routes.store;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import routes.model.Event;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * What every {@link EventStore} does alike, whatever holds the events: the same query syntax with the same answers
 * and refusals, newest-first paging, statistics. Each store's test runs these against the real thing.
 */
abstract class EventStoreContract {

    static final Instant T0 = Instant.parse("2026-11-23T10:00:00Z");

    protected EventStore store;

    /** A new, empty store. */
    protected abstract EventStore open() throws Exception;

    protected abstract void close(EventStore store) throws Exception;

    @BeforeEach
    void openStore() throws Exception {
        store = open();
    }

    @AfterEach
    void closeStore() throws Exception {
        close(store);
    }

    static Event event(int minute, String ip, long status, String user, String message) {
        Event.Builder b = Event.builder();
        b.put("@timestamp", T0.plusSeconds(60L * minute));
        b.put("source.ip", ip);
        b.put("http.response.status_code", status);
        b.put("user.name", user);
        b.put("message", message);
        b.put("event.original", message);
        b.add("tags", "web");
        return b.build();
    }

    void indexSample() {
        store.index(List.of(
                event(0, "10.1.2.3", 200, "alice", "GET /index.html ok"),
                event(1, "10.200.0.1", 404, "bob", "GET /missing not found"),
                event(2, "192.168.1.5", 500, "alice", "POST /api failed with error"),
                event(3, "2001:db8::7", 503, "carol", "GET /health unavailable"),
                event(4, "203.0.113.9", 302, "dave", "GET /login redirect")));
        store.refresh();
    }

    List<String> ips(String query) {
        return store.search(new EventStore.SearchRequest(query, null, null, 50, null)).events().stream()
                .map(e -> e.getString("source.ip")).toList();
    }

    @Test
    void anEventStoredAgainUnderItsIdReplacesItAndIsNotAdded() {
        Event replayed = event(1, "10.9.9.9", 200, "erin", "a line read again after a crash");
        store.index(List.of(replayed));
        store.replace(List.of(replayed, event(2, "10.9.9.8", 200, "erin", "a line read for the first time")));
        store.refresh();
        assertThat(ips("user.name:erin")).containsExactlyInAnyOrder("10.9.9.9", "10.9.9.8");
    }

    @Test
    void geoFieldsAreSearchableByCountryAndTheLocationComesBackAsStored() {
        Event.Builder located = event(0, "223.5.5.5", 200, "erin", "GET /cn").toBuilder();
        located.put("source.geo.country_iso_code", "CN");
        located.put("source.geo.country_name", "China");
        located.put("source.geo.city_name", "Hangzhou");
        located.put("source.geo.location", "30.2742,120.155");
        located.put("source.as.number", 45102L);
        located.put("source.as.organization.name", "Alibaba (US) Technology Co., Ltd.");
        store.index(List.of(located.build(), event(1, "10.1.2.3", 200, "frank", "GET /local")));
        store.refresh();
        assertThat(ips("source.geo.country_iso_code:CN")).containsExactly("223.5.5.5");
        assertThat(ips("source.as.number:45102")).as("the AS number is a number").containsExactly("223.5.5.5");
        assertThat(ips("source.as.number:[45000 TO 46000]")).containsExactly("223.5.5.5");
        assertThat(ips("source.as.organization.name:\"Alibaba (US) Technology Co., Ltd.\"")).containsExactly("223.5.5.5");
        assertThat(ips("source.geo.city_name:Hangzhou AND user.name:erin")).containsExactly("223.5.5.5");
        Event stored = store.search(new EventStore.SearchRequest("source.geo.country_iso_code:CN", null, null, 1, null))
                .events().getFirst();
        assertThat(stored.get("source.geo.location")).isEqualTo("30.2742,120.1550");
        EventStore.Stats byCountry = store.stats(new EventStore.StatsRequest(null, null, null, null,
                "source.geo.country_iso_code", 5));
        assertThat(byCountry.top()).extracting(EventStore.FieldValue::value).containsExactly("CN");
        assertThat(store.stats(new EventStore.StatsRequest(null, null, null, null, "source.geo.location", 5)).total())
                .as("a point is no term to count, but stats on it still answer").isEqualTo(2);
    }

    @Test
    void resultsComeNewestFirstWithTheEventAsStored() {
        indexSample();
        EventStore.SearchResult result = store.search(new EventStore.SearchRequest(null, null, null, 50, null));
        assertThat(result.total()).isEqualTo(5);
        assertThat(result.events()).extracting(Event::timestamp).isSortedAccordingTo((a, b) -> b.compareTo(a));
        Event newest = result.events().getFirst();
        assertThat(newest.get("http.response.status_code")).isEqualTo(302L);
        assertThat(newest.get("tags")).isEqualTo(List.of("web"));
        assertThat(newest.timestamp()).isEqualTo(T0.plusSeconds(240));
    }

    @Test
    void cidrAndExactAddressQueriesOnIpFields() {
        indexSample();
        assertThat(ips("source.ip:10.0.0.0/8")).containsExactlyInAnyOrder("10.1.2.3", "10.200.0.1");
        assertThat(ips("source.ip:192.168.1.5")).containsExactly("192.168.1.5");
        assertThat(ips("source.ip:2001:db8::/32")).containsExactly("2001:db8::7");
        assertThat(ips("source.ip:\"2001:db8::7\"")).containsExactly("2001:db8::7");
        assertThat(ips("source.ip:[10.0.0.0 TO 10.100.0.0]")).containsExactly("10.1.2.3");
    }

    @Test
    void numericRangesAndTermsOnNumberFields() {
        indexSample();
        assertThat(ips("http.response.status_code:[500 TO 599]")).containsExactlyInAnyOrder("192.168.1.5",
                "2001:db8::7");
        assertThat(ips("http.response.status_code:404")).containsExactly("10.200.0.1");
        assertThat(ips("http.response.status_code:{500 TO *]")).containsExactly("2001:db8::7");
    }

    @Test
    void keywordTextAndBooleanQueries() {
        indexSample();
        assertThat(ips("user.name:alice")).hasSize(2);
        assertThat(ips("user.name:alice AND NOT http.response.status_code:200")).containsExactly("192.168.1.5");
        assertThat(ips("message:FAILED")).containsExactly("192.168.1.5");
        assertThat(ips("redirect")).containsExactly("203.0.113.9");
        assertThat(ips("user.name:ca*")).containsExactly("2001:db8::7");
    }

    @Test
    void dateRangesOnTimestampAndFromToBounds() {
        indexSample();
        assertThat(ips("@timestamp:[2026-11-23T10:01:00Z TO 2026-11-23T10:02:00Z]")).hasSize(2);
        EventStore.SearchResult bounded = store.search(new EventStore.SearchRequest("*", T0.plusSeconds(120),
                T0.plusSeconds(180), 10, null));
        assertThat(bounded.total()).isEqualTo(2);
    }

    @Test
    void badQueriesAreRefusedWithTheParsersReason() {
        indexSample();
        assertThatThrownBy(() -> ips("source.ip:not-an-ip")).isInstanceOf(EventStore.InvalidQueryException.class)
                .hasMessageContaining("not an IP address");
        assertThatThrownBy(() -> ips("http.response.status_code:abc"))
                .hasMessageContaining("not a whole number");
        assertThatThrownBy(() -> ips("user.name:(alice")).isInstanceOf(EventStore.InvalidQueryException.class)
                .hasMessageStartingWith("invalid query:");
        assertThatThrownBy(() -> ips("source.ip:10.0.0.0/33")).hasMessageContaining("out of range");
    }

    @Test
    void theCursorPagesThroughEveryEventOnce() {
        List<Event> many = new ArrayList<>();
        for (int i = 0; i < 95; i++) {
            many.add(event(i % 7, "10.0.0." + (i % 250), 200, "u" + i, "line " + i));
        }
        store.index(many);
        store.refresh();
        Set<String> seen = new HashSet<>();
        String cursor = null;
        int pages = 0;
        do {
            EventStore.SearchResult page = store.search(new EventStore.SearchRequest(null, null, null, 20, cursor));
            page.events().forEach(e -> assertThat(seen.add(e.id())).as("seen once: " + e.id()).isTrue());
            cursor = page.next();
            pages++;
        } while (cursor != null && pages < 10);
        assertThat(seen).hasSize(95);
        assertThatThrownBy(() -> store.search(new EventStore.SearchRequest(null, null, null, 20, "%%%")))
                .isInstanceOf(EventStore.InvalidQueryException.class);
    }

    @Test
    void statsGiveAHistogramAndTopValues() {
        indexSample();
        EventStore.Stats stats = store.stats(new EventStore.StatsRequest(null, T0, T0.plusSeconds(299),
                Duration.ofMinutes(1), "user.name", 2));
        assertThat(stats.total()).isEqualTo(5);
        assertThat(stats.histogram()).hasSize(5).allSatisfy(b -> assertThat(b.count()).isEqualTo(1));
        assertThat(stats.top()).first().isEqualTo(new EventStore.FieldValue("alice", 2));
        EventStore.Stats codes = store.stats(new EventStore.StatsRequest("source.ip:10.0.0.0/8", null, null, null,
                "http.response.status_code", 5));
        assertThat(codes.total()).isEqualTo(2);
        assertThat(codes.top()).extracting(EventStore.FieldValue::value).containsExactlyInAnyOrder("200", "404");
    }

    @Test
    void aHugeKeywordValueIsStoredWholeAndStillIndexed() {
        Event.Builder b = Event.builder();
        b.put("url.original", "/" + "a".repeat(40_000));
        b.put("user.name", "huge");
        store.index(List.of(b.build()));
        store.refresh();
        Event back = store.search(new EventStore.SearchRequest("user.name:huge", null, null, 1, null)).events()
                .getFirst();
        assertThat(back.getString("url.original")).hasSize(40_001);
    }

    @Test
    void aLongFirstValueOfAFieldDoesNotStopTheEventsAfterIt() {
        // the first url.original and user.name a fresh index sees are long (a padded query string, a padded name)
        String longName = "x".repeat(600);
        Event.Builder padded = event(0, "198.51.100.7", 404, longName, "GET /.env?" + "a".repeat(523)).toBuilder();
        padded.put("url.original", "/.env?" + "a".repeat(523));
        store.index(List.of(padded.build()));
        store.refresh();
        List<Event> later = new ArrayList<>();
        for (int i = 1; i <= 50; i++) {
            Event.Builder b = event(i, "10.1.2." + i, 200, i % 2 == 0 ? "alice" : i + longName, "GET /page").toBuilder();
            b.put("url.original", i % 5 == 0 ? "/long?" + "b".repeat(600 + i) : "/page/" + i);
            later.add(b.build());
        }
        store.index(later);
        store.refresh();
        assertThat(store.search(new EventStore.SearchRequest("*", null, null, 100, null)).total()).isEqualTo(51);
        assertThat(ips("user.name:alice")).hasSize(25);
        assertThat(ips("user.name:\"" + longName + "\"")).containsExactly("198.51.100.7");
        assertThat(ips("url.original:\"/page/7\"")).containsExactly("10.1.2.7");
        assertThat(ips("url.original:\"/long?" + "b".repeat(610) + "\"")).containsExactly("10.1.2.10");
        // top values count long values by their prefix, so the field still has them
        EventStore.Stats top = store.stats(new EventStore.StatsRequest(null, null, null, null, "user.name", 1));
        assertThat(top.top()).first().isEqualTo(new EventStore.FieldValue("alice", 25));
    }

    @Test
    void eventsAreFoundByTheirIdsNewestFirst() {
        List<Event> sample = List.of(event(0, "10.1.2.3", 200, "alice", "one"),
                event(1, "10.1.2.4", 200, "bob", "two"), event(2, "10.1.2.5", 200, "carol", "three"));
        store.index(sample);
        store.refresh();
        List<Event> found = store.byIds(List.of(sample.get(0).id(), sample.get(2).id(), "no-such-id"));
        assertThat(found).extracting(Event::id).containsExactly(sample.get(2).id(), sample.get(0).id());
        assertThat(found.getFirst().getString("user.name")).isEqualTo("carol");
    }
}
