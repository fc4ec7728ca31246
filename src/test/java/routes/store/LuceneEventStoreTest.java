package routes.store;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The embedded Lucene index: the contract, and what a local index adds (durability, near-real-time search). */
class LuceneEventStoreTest extends EventStoreContract {

    @TempDir
    Path dir;

    @Override
    protected EventStore open() {
        return new LuceneEventStore(dir, Duration.ofMillis(100), Duration.ofSeconds(60), 16);
    }

    @Override
    protected void close(EventStore store) throws Exception {
        ((LuceneEventStore) store).close();
    }

    private LuceneEventStore lucene() {
        return (LuceneEventStore) store;
    }

    @Test
    void retentionDeletesOnlyOlderEvents() {
        indexSample();
        long deleted = store.deleteOlderThan(T0.plusSeconds(120));
        assertThat(deleted).isEqualTo(2);
        assertThat(ips("*")).hasSize(3);
    }

    @Test
    void committedEventsSurviveAReopen() throws Exception {
        indexSample();
        lucene().close();
        store = new LuceneEventStore(dir, Duration.ofMillis(100), Duration.ofSeconds(60), 16);
        assertThat(lucene().count()).isEqualTo(5);
        assertThat(ips("user.name:dave")).containsExactly("203.0.113.9");
    }

    @Test
    void aNewEventIsSearchableWithoutAnExplicitRefresh() throws Exception {
        store.index(List.of(event(0, "10.9.9.9", 200, "nrt", "near real time")));
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(20))
                .until(() -> lucene().count() > 0);
        assertThat(ips("user.name:nrt")).containsExactly("10.9.9.9");
    }

}
