package routes;

import org.junit.platform.engine.support.descriptor.ClassSource;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.TestPlan;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Supplier;

/**
 * Starts the shared test services the run will need (the Elasticsearch node, the Kafka broker) as soon as the test
 * plan is known, each on a thread of its own, so they boot while the tests before their first user run instead of
 * in front of it. A run without a class marked {@link UsesElasticsearch} or {@link UsesKafka} starts neither.
 * Registered with the JUnit Platform launcher in {@code META-INF/services}.
 */
public final class TestServices implements TestExecutionListener {

    @Override
    public void testPlanExecutionStarted(TestPlan plan) {
        boolean elasticsearch = false;
        boolean kafka = false;
        Deque<TestIdentifier> pending = new ArrayDeque<>(plan.getRoots());
        while (!pending.isEmpty()) {
            TestIdentifier test = pending.pop();
            if (test.getSource().orElse(null) instanceof ClassSource source) {
                Class<?> type = source.getJavaClass();
                elasticsearch |= type.isAnnotationPresent(UsesElasticsearch.class);
                kafka |= type.isAnnotationPresent(UsesKafka.class);
            } else {
                pending.addAll(plan.getChildren(test));
            }
        }
        if (elasticsearch) {
            ElasticsearchNode.startInBackground();
        }
        if (kafka) {
            KafkaBroker.startInBackground();
        }
    }

    /** Runs a service's start on a daemon thread of its own; the future completes with the running service. */
    static <T> CompletableFuture<T> startOnItsOwnThread(String name, Supplier<T> start) {
        CompletableFuture<T> starting = new CompletableFuture<>();
        Thread.ofPlatform().daemon().name(name).start(() -> {
            try {
                starting.complete(start.get());
            } catch (RuntimeException | Error e) {
                starting.completeExceptionally(e);
            }
        });
        return starting;
    }

    /** The started service, waiting for its start; a failed start is thrown as it was. */
    static <T> T await(CompletableFuture<T> service) {
        try {
            return service.join();
        } catch (CompletionException e) {
            throw e.getCause() instanceof RuntimeException runtime ? runtime : e;
        }
    }
}
