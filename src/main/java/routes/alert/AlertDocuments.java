package routes.alert;

import co.elastic.clients.elasticsearch._types.VersionType;
import co.elastic.clients.elasticsearch.core.IndexRequest;
import org.apache.camel.Converter;
import org.apache.camel.Exchange;
import routes.model.Alert;

import java.time.Instant;
import java.util.Map;

/**
 * An alert as an Elasticsearch index request for the camel-elasticsearch output ({@code alert-routing.yaml}), as a
 * Camel type converter so every delivery attempt gets a fresh request: its JSON document under its id in the index
 * the route names ({@code indexName} header), versioned by its last update. The producer is asynchronous, so two
 * updates of one alert can reach the cluster out of order; with external versions the older one is refused (409)
 * instead of overwriting the newer, and the route takes that refusal as done.
 */
@Converter
public final class AlertDocuments {

    @Converter
    public IndexRequest.Builder<Map<String, Object>> indexRequest(Alert alert, Exchange exchange) {
        return new IndexRequest.Builder<Map<String, Object>>()
                .index(exchange.getMessage().getHeader("indexName", String.class))
                .id(alert.id()).document(alert.document())
                .version(version(alert.updatedAt())).versionType(VersionType.External);
    }

    /** Microseconds since the epoch: every update of an alert is later than the one before. */
    static long version(Instant updatedAt) {
        Instant at = updatedAt == null ? Instant.EPOCH : updatedAt;
        return at.getEpochSecond() * 1_000_000L + at.getNano() / 1_000;
    }
}
