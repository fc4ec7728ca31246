package routes.ingest;

import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import routes.model.RawLog;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** The pipeline's queues hold a bounded number of records and bytes, whatever the size of the batches. */
class PipelineQueuesTest {

    private final CamelContext camel = new DefaultCamelContext();

    @AfterEach
    void close() throws Exception {
        camel.close();
    }

    private Exchange batch(int records, int lineLength) {
        List<RawLog> batch = new ArrayList<>();
        for (int i = 0; i < records; i++) {
            batch.add(RawLog.line("x".repeat(lineLength), "tcp", null));
        }
        Exchange exchange = new DefaultExchange(camel);
        exchange.getMessage().setBody(batch);
        return exchange;
    }

    @Test
    void aQueueIsFullAtItsRecordBoundThoughFewBatchesAreQueued() throws Exception {
        BlockingQueue<Exchange> queue = new PipelineQueues(2500, Long.MAX_VALUE).create(32);
        assertThat(queue.offer(batch(1000, 10))).isTrue();
        assertThat(queue.offer(batch(1000, 10))).isTrue();
        assertThat(queue.offer(batch(1000, 10))).as("3000 records are over 2500").isFalse();
        assertThat(queue.remainingCapacity()).isPositive();
        assertThat(queue.offer(batch(500, 10))).isTrue();
        assertThat(queue.remainingCapacity()).isZero();
        assertThat(queue).hasSize(3);
        queue.poll();
        assertThat(queue.offer(batch(1000, 10))).isTrue();
    }

    @Test
    void aQueueIsFullAtItsByteBoundAndASenderWaitsUntilRoomIsMade() throws Exception {
        PipelineQueues.Bounded queue = (PipelineQueues.Bounded) new PipelineQueues(1_000_000, 1_000_000).create(32);
        // about 2 x 64 KB a line: four lines are half a megabyte
        queue.put(batch(4, 65536));
        assertThat(queue.queuedBytes()).isBetween(500_000L, 600_000L);
        assertThat(queue.offer(batch(4, 65536), 50, TimeUnit.MILLISECONDS)).isFalse();
        CompletableFuture<Void> sender = CompletableFuture.runAsync(() -> {
            try {
                queue.put(batch(4, 65536));
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        assertThat(sender).isNotDone();
        assertThat(queue.poll(1, TimeUnit.SECONDS)).isNotNull();
        sender.get(10, TimeUnit.SECONDS);
        assertThat(queue).hasSize(1);
        assertThat(queue.queuedRecords()).isEqualTo(4);
    }

    @Test
    void anEmptyQueueTakesABatchLargerThanItsBoundsSoNothingWaitsForever() throws Exception {
        BlockingQueue<Exchange> queue = new PipelineQueues(10, 1000).create(32);
        assertThat(queue.offer(batch(100, 100))).isTrue();
        assertThat(queue.offer(batch(1, 1))).isFalse();
        assertThat(queue.take()).isNotNull();
        assertThat(queue.offer(batch(1, 1))).isTrue();
    }

    /**
     * Seda's multipleConsumers hands every batch to a thread pool with a queue of a thousand and goes on reading, so
     * the queue's bounds stop holding (650,000 events and 720,000 findings were once held at once): stages that
     * share a queue's batches are fanned out by one reading route's multicast instead.
     */
    @Test
    void noRouteFansOutThroughSedaMultipleConsumers() throws Exception {
        var routes = new org.springframework.core.io.support.PathMatchingResourcePatternResolver()
                .getResources("classpath*:routes/*.yaml");
        assertThat(routes).isNotEmpty();
        for (var route : routes) {
            String yaml = new String(route.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            assertThat(yaml.lines().filter(line -> !line.strip().startsWith("#")))
                    .as(route.getFilename()).noneMatch(line -> line.contains("multipleConsumers"));
        }
    }

    @Test
    void removingAndClearingGiveTheRoomBack() {
        BlockingQueue<Exchange> queue = new PipelineQueues(1000, Long.MAX_VALUE).create(32);
        Exchange first = batch(600, 1);
        assertThat(queue.offer(first)).isTrue();
        assertThat(queue.offer(batch(600, 1))).isFalse();
        assertThat(queue.remove(first)).isTrue();
        assertThat(queue.offer(batch(600, 1))).isTrue();
        queue.clear();
        assertThat(queue).isEmpty();
        assertThat(queue.offer(batch(600, 1))).isTrue();
        List<Exchange> drained = new ArrayList<>();
        assertThat(queue.drainTo(drained)).isEqualTo(1);
        assertThat(queue.offer(batch(1000, 1))).isTrue();
    }
}
