package routes.store;

import org.elasticsearch.client.Request;
import org.elasticsearch.client.RestClient;
import org.junit.jupiter.api.Test;
import routes.ElasticsearchNode;
import routes.UsesElasticsearch;
import routes.model.Event;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Elasticsearch as the event store, against a real 8.19 node: the same contract as the embedded index, plus what
 * is its own (index templates mapping ECS types, retention by whole days).
 */
@UsesElasticsearch
class ElasticsearchEventStoreTest extends EventStoreContract {

    private static final AtomicInteger STORES = new AtomicInteger();
    private RestClient rest;
    private String prefix;

    @Override
    protected EventStore open() {
        // each test its own indices and templates on the shared node
        prefix = "test" + STORES.incrementAndGet() + "-" + ProcessHandle.current().pid();
        ElasticsearchProperties properties = new ElasticsearchProperties(ElasticsearchNode.url(), "", "", "",
                prefix + "-events", prefix + "-alerts");
        ElasticsearchConfiguration configuration = new ElasticsearchConfiguration();
        rest = configuration.elasticsearchRestClient(properties);
        return new ElasticsearchEventStore(configuration.elasticsearchIndices(
                configuration.elasticsearchClient(rest), properties));
    }

    @Override
    protected void close(EventStore store) throws Exception {
        rest.performRequest(new Request("DELETE", "/" + prefix + "-*"));
        rest.performRequest(new Request("DELETE", "/_index_template/" + prefix + "-*"));
        rest.close();
    }

    @Test
    void eventsGoToDailyIndicesMappedByTheTemplate() throws Exception {
        indexSample();
        String mapping = new String(rest.performRequest(new Request("GET", "/" + prefix + "-events-2026.11.23/_mapping"))
                .getEntity().getContent().readAllBytes());
        assertThat(mapping).contains("\"ip\":{\"type\":\"ip\"", "\"status_code\":{\"type\":\"long\"",
                "\"message\":{\"type\":\"text\"}");
    }

    @Test
    void retentionDropsWholeDaysOlderThanTheCutoff() {
        Instant yesterday = T0.minus(Duration.ofDays(1));
        Event.Builder old = Event.builder();
        old.put("@timestamp", yesterday);
        old.put("user.name", "old");
        store.index(List.of(old.build()));
        indexSample();
        // the cutoff falls inside today: yesterday's index goes, today's stays whole
        long deleted = store.deleteOlderThan(T0.plusSeconds(120));
        assertThat(deleted).isEqualTo(1);
        store.refresh();
        assertThat(ips("*")).hasSize(5);
    }
}
