package routes.ingest;

import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import routes.model.RawLog;
import routes.store.DeadLetters;
import routes.store.LuceneEventStore;

import java.time.Duration;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The intake's own bounds: requests read at once, and the batches a request's records go on in. */
class HttpIngestTest {

    @TempDir
    Path data;

    private final CamelContext camel = new DefaultCamelContext();

    private LuceneEventStore store;

    @BeforeEach
    void open() {
        store = new LuceneEventStore(data.resolve("events"), Duration.ofMillis(100), Duration.ofSeconds(1), 16);
    }

    @AfterEach
    void close() throws Exception {
        camel.close();
        store.close();
    }

    private HttpIngest ingest(int concurrent, int maxBatch) {
        return new HttpIngest(new IngestApiKeys(List.of("key"), data), 1 << 20,
                new IngestRecords(IngestLimits.defaults()), concurrent, store,
                new DeadLetters(data.resolve("dead"), new io.micrometer.core.instrument.simple.SimpleMeterRegistry()));
    }

    private Exchange request(String body) {
        Exchange exchange = new DefaultExchange(camel);
        exchange.getMessage().setHeader("X-API-Key", "key");
        exchange.getMessage().setHeader(Exchange.CONTENT_TYPE, "text/plain");
        exchange.getMessage().setBody(new ByteArrayInputStream(body.getBytes(StandardCharsets.UTF_8)));
        return exchange;
    }

    @Test
    void aRequestBeyondTheConcurrentOnesIsAnswered503WithRetryAfterUntilASlotIsGivenBack() throws Exception {
        HttpIngest ingest = ingest(1, 1000);
        Exchange first = request("one\n");
        assertThat(ingest.receive(first)).hasSize(1);

        Exchange second = request("two\n");
        assertThatThrownBy(() -> ingest.receive(second)).isInstanceOf(HttpIngest.Refused.class)
                .satisfies(e -> assertThat(((HttpIngest.Refused) e).status()).isEqualTo(503));
        second.setProperty(Exchange.EXCEPTION_CAUGHT, catching(() -> ingest.receive(request("two\n"))));
        ingest.refused(second);
        assertThat(second.getMessage().getHeader(Exchange.HTTP_RESPONSE_CODE)).isEqualTo(503);
        assertThat(second.getMessage().getHeader("Retry-After")).isEqualTo(1);
        ingest.release(second);

        ingest.release(first);
        ingest.release(first);
        Exchange third = request("three\n");
        assertThat(ingest.receive(third)).hasSize(1);
        // a slot given back twice is given back once: still one request at a time
        assertThatThrownBy(() -> ingest.receive(request("four\n"))).isInstanceOf(HttpIngest.Refused.class);
    }

    private static Exception catching(ThrowingCall call) {
        try {
            call.run();
            return null;
        } catch (Exception e) {
            return e;
        }
    }

    private interface ThrowingCall {
        void run() throws Exception;
    }
}
