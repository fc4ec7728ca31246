package routes.api;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.event.ContextClosedEvent;
import org.springframework.context.event.EventListener;
import org.springframework.http.MediaType;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;
import routes.model.Alert;

import java.io.IOException;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The live feed ({@code bean:liveFeed} in {@code alert-routing.yaml}, {@code GET /api/v1/stream}): every new or
 * updated alert is pushed to the connected clients as a server-sent event named {@code alert} whose data is the
 * alert's JSON document. A client that is gone is dropped at the next push.
 */
public final class LiveFeed {

    private static final Logger LOG = LoggerFactory.getLogger(LiveFeed.class);

    private final List<SseEmitter> clients = new CopyOnWriteArrayList<>();
    private final int maxClients;

    public LiveFeed(int maxClients) {
        this.maxClients = maxClients;
    }

    /** A new client's stream, or null when {@code maxClients} are connected already. */
    SseEmitter subscribe() {
        if (clients.size() >= maxClients) {
            return null;
        }
        SseEmitter client = new SseEmitter(0L);
        clients.add(client);
        client.onCompletion(() -> clients.remove(client));
        client.onTimeout(() -> clients.remove(client));
        client.onError(e -> clients.remove(client));
        try {
            client.send(SseEmitter.event().comment("caravan live feed: alerts as they are raised and updated"));
        } catch (IOException e) {
            clients.remove(client);
        }
        return client;
    }

    int clients() {
        return clients.size();
    }

    /**
     * Ends every client's stream when the appliance stops: an open stream would otherwise hold the web server's
     * graceful shutdown for its whole timeout.
     */
    @EventListener(ContextClosedEvent.class)
    public void closeAll() {
        for (SseEmitter client : clients) {
            client.complete();
        }
        clients.clear();
    }

    /** Pushes an alert to every connected client; returns it unchanged for the next step of the route. */
    public Alert publish(Alert alert) {
        for (SseEmitter client : clients) {
            try {
                client.send(SseEmitter.event().name("alert").id(alert.id())
                        .data(alert.document(), MediaType.APPLICATION_JSON));
            } catch (IOException | IllegalStateException e) {
                clients.remove(client);
                LOG.debug("Live feed client gone: {}", e.getMessage());
            }
        }
        return alert;
    }
}
