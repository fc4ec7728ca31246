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
    void anIndexWrittenWithoutTopValuesForALongFirstValueTakesLaterEventsOfThatField() throws Exception {
        // as earlier versions wrote it: a keyword field whose first value was long got no doc values at all
        lucene().close();
        try (org.apache.lucene.index.IndexWriter old = new org.apache.lucene.index.IndexWriter(
                org.apache.lucene.store.FSDirectory.open(dir), new org.apache.lucene.index.IndexWriterConfig())) {
            org.apache.lucene.document.Document doc = lucene().document(event(0, "10.1.1.1", 200, "old", "old"));
            org.apache.lucene.document.Document without = new org.apache.lucene.document.Document();
            for (org.apache.lucene.index.IndexableField field : doc.getFields()) {
                if (!field.name().equals("user.name")) {
                    without.add(field);
                }
            }
            without.add(new org.apache.lucene.document.StringField("user.name", "y".repeat(600),
                    org.apache.lucene.document.Field.Store.NO));
            old.addDocument(without);
        }
        store = open();
        store.index(List.of(event(1, "10.1.1.2", 200, "alice", "new"), event(2, "10.1.1.3", 200, "bob", "new")));
        store.refresh();
        assertThat(lucene().count()).isEqualTo(3);
        assertThat(ips("user.name:bob")).containsExactly("10.1.1.3");
    }

    @Test
    void aNewEventIsSearchableWithoutAnExplicitRefresh() throws Exception {
        store.index(List.of(event(0, "10.9.9.9", 200, "nrt", "near real time")));
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(20))
                .until(() -> lucene().count() > 0);
        assertThat(ips("user.name:nrt")).containsExactly("10.9.9.9");
    }

}
