package routes.store;

import routes.model.RawLog;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.camel.Exchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import routes.model.Event;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Keeps what the pipeline could not take, with the reason: one JSON line per record in
 * {@code <data-dir>/dead-letter/<date>.ndjson}, counted in the {@code caravan.dead.letters} metric by stage.
 * Nothing bad is silently dropped.
 */
public final class DeadLetters {

    private static final Logger LOG = LoggerFactory.getLogger(DeadLetters.class);

    private final Path directory;
    private final MeterRegistry meters;
    private final ObjectMapper json = new ObjectMapper();
    /** The day's file stays open; each record is flushed, so nothing is lost with the process. */
    private Writer out;
    private LocalDate outDay;

    public DeadLetters(Path directory, MeterRegistry meters) {
        this.directory = directory;
        this.meters = meters;
    }

    /** Writes one record: what stage refused it, why, and the record as it came. */
    public synchronized void write(String stage, String reason, String input, String origin, Object record) {
        Map<String, Object> line = new LinkedHashMap<>();
        line.put("time", Instant.now().toString());
        line.put("stage", stage);
        line.put("reason", reason);
        line.put("input", input);
        line.put("origin", origin);
        line.put("record", record);
        LocalDate today = LocalDate.now(ZoneOffset.UTC);
        Path file = directory.resolve(today + ".ndjson");
        try {
            if (out == null || !today.equals(outDay)) {
                closeQuietly();
                Files.createDirectories(directory);
                out = Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                        StandardOpenOption.APPEND);
                outDay = today;
            }
            out.write(json.writeValueAsString(line));
            out.write('\n');
            out.flush();
        } catch (IOException e) {
            closeQuietly();
            throw new UncheckedIOException("cannot write dead letter to " + file, e);
        }
        meters.counter("caravan.dead.letters", "stage", stage).increment();
    }

    /** Closes the day's file (at shutdown). */
    public synchronized void close() {
        closeQuietly();
    }

    private void closeQuietly() {
        if (out != null) {
            try {
                out.close();
            } catch (IOException e) {
                LOG.warn("Closing the dead-letter file failed: {}", e.getMessage());
            }
            out = null;
        }
    }

    /**
     * Passes a normalized batch on unchanged, keeping a copy of each event whose line was malformed (those are
     * stored and searchable too, tagged {@code malformed}).
     */
    public List<Event> keepMalformed(List<Event> events) {
        for (Event event : events) {
            Object tags = event.get("tags");
            if (tags instanceof List<?> list && list.contains(Event.MALFORMED)) {
                write("normalize", event.getString("error.message"), event.getString("input.type"),
                        origin(event), event.getString("event.original"));
            }
        }
        return events;
    }

    /** Keeps one event that a stage could not finish with, and why (the event itself goes on). */
    public void event(String stage, String reason, Event event) {
        write(stage, reason, event.getString("input.type"), origin(event), event.toNested());
    }

    /** The pipeline's one error handler: whatever a stage failed on is kept here with the exception as reason. */
    public void failed(Exchange exchange) {
        Exception cause = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class);
        String stage = exchange.getFromRouteId();
        String reason = cause == null ? "unknown failure" : cause.getClass().getSimpleName() + ": " + cause.getMessage();
        LOG.warn("Route {} failed, keeping its input as dead letters: {}", stage, reason);
        if (cause instanceof EventsRejectedException rejected) {
            for (EventsRejectedException.Rejected r : rejected.rejected()) {
                write(stage, r.reason(), r.event().getString("input.type"), origin(r.event()), r.event().toNested());
            }
            return;
        }
        Object body = exchange.getMessage().getBody();
        List<?> records = body instanceof List<?> list ? list : List.of(body == null ? "" : body);
        for (Object record : records) {
            switch (record) {
                case RawLog raw -> write(stage, reason, raw.input(), raw.origin(),
                        raw.text() != null ? raw.text() : raw.structured());
                case Event event -> write(stage, reason, event.getString("input.type"), origin(event),
                        event.toNested());
                default -> write(stage, reason, null, null, record instanceof byte[] bytes
                        ? new String(bytes, StandardCharsets.UTF_8) : String.valueOf(record));
            }
        }
    }

    private static String origin(Event event) {
        String address = event.getString("log.source.address");
        return address != null ? address : event.getString("log.file.path");
    }
}
