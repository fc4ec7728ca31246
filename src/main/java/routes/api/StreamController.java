package routes.api;

import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ResponseStatusException;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

/** {@code GET /api/v1/stream}: the live feed of new and updated alerts, as server-sent events. */
@RestController
public class StreamController {

    private final LiveFeed feed;

    public StreamController(LiveFeed feed) {
        this.feed = feed;
    }

    @GetMapping(path = "/api/v1/stream", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
    public SseEmitter stream() {
        SseEmitter client = feed.subscribe();
        if (client == null) {
            throw new ResponseStatusException(HttpStatus.SERVICE_UNAVAILABLE,
                    "the live feed has as many clients as siem.api.stream-max-clients allows");
        }
        return client;
    }
}
