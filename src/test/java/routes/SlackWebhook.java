package routes;

import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.springframework.test.context.DynamicPropertyRegistry;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Slack's incoming webhook, on loopback: takes JSON posts at a webhook path, answers {@code 200 ok} as Slack does,
 * and keeps every message it received. A test class registers it as a static {@code @RegisterExtension} field, points
 * the appliance at it ({@link #configure}) and has it stopped after its last test.
 */
public final class SlackWebhook implements AutoCloseable, AfterAllCallback {

    private static final String PATH = "/services/T000/B000/XXXX";
    private final BlockingQueue<String> received = new LinkedBlockingQueue<>();
    private final HttpServer server;

    public SlackWebhook() {
        try {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.createContext(PATH, exchange -> {
            received.add(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            byte[] ok = "ok".getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, ok.length);
            exchange.getResponseBody().write(ok);
            exchange.close();
        });
        server.start();
    }

    /** The webhook URL to configure as {@code siem.slack.webhook-url}. */
    public String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + PATH;
    }

    /** Points the appliance's Slack output at this webhook. */
    public void configure(DynamicPropertyRegistry registry) {
        registry.add("siem.slack.webhook-url", this::url);
    }

    /** A message received and not taken yet, without waiting; null when there is none. */
    public String pending() {
        return received.poll();
    }

    @Override
    public void afterAll(ExtensionContext context) {
        close();
    }

    /** The next message received, waiting up to the given seconds; null when none came. */
    public String next(int seconds) throws InterruptedException {
        return received.poll(seconds, TimeUnit.SECONDS);
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
