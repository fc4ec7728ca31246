package routes.ingest;

import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.servlet.http.HttpServletRequest;
import org.apache.camel.Exchange;
import org.apache.camel.component.platform.http.springboot.PlatformHttpMessage;
import org.apache.camel.http.common.HttpMessage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import routes.model.RawLog;
import routes.store.DeadLetters;
import routes.store.EventStore;

import java.io.IOException;
import java.io.InputStream;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * {@code POST /api/ingest_log}: checks the key and the size, reads the records, and answers 202
 * {@code {"accepted": n}}, or 400 with each rejected record's index and reason (the valid ones are still accepted),
 * 401 without a valid {@code X-API-Key}, 413 over the size limit, 415 for an unknown content type.
 */
public final class HttpIngest {

    private static final Logger LOG = LoggerFactory.getLogger(HttpIngest.class);

    /** A request refused as a whole, with the HTTP status that says why. */
    public static final class Refused extends RuntimeException {
        private final int status;

        public Refused(int status, String reason) {
            super(reason);
            this.status = status;
        }

        public int status() {
            return status;
        }
    }

    static final String REJECTED = "caravan.rejected";

    static final String HOLDS_SLOT = "caravan.ingestSlot";

    /** What a 503 asks a client to wait before it sends again. */
    static final int RETRY_AFTER_SECONDS = 1;
    /** How long a request waits for one of the slots before it is answered 503. */
    static final int SLOT_WAIT_SECONDS = 2;

    private final IngestApiKeys keys;
    private final long maxBody;
    private final IngestRecords records;
    private final DeadLetters deadLetters;
    private final ObjectMapper json = new ObjectMapper();
    /**
     * Requests read and handed on at once: each holds its body and records on the heap until the pipeline's queue
     * takes them, so their number bounds what ingest can hold. A JDK semaphore rather than Camel's throttle EIP in
     * concurrent mode, which lets more in when one request waits longer than 10 s (CAMEL-24926): a request waits
     * exactly when the queues are full.
     */
    private final Semaphore slots;
    private final EventStore store;

    public HttpIngest(IngestApiKeys keys, long maxBody, IngestRecords records, int concurrentRequests,
                      EventStore store, DeadLetters deadLetters) {
        this.store = store;
        this.slots = new Semaphore(concurrentRequests);
        this.keys = keys;
        this.maxBody = maxBody;
        this.records = records;
        this.deadLetters = deadLetters;
    }

    /** Reads the request into a batch of raw records for the journal; refuses it with a status otherwise. */
    public List<RawLog> receive(Exchange exchange) throws IOException, InterruptedException {
        var message = exchange.getMessage();
        if (!keys.accepts(message.getHeader("X-API-Key", String.class))) {
            throw new Refused(401, "missing or invalid X-API-Key");
        }
        String storeDown = store.unavailable();
        if (storeDown != null) {
            LOG.warn("Ingest request refused (503): {}", storeDown);
            throw new Refused(503, "the event store cannot take events now; retry after " + RETRY_AFTER_SECONDS
                    + " s (the appliance's health says why)");
        }
        if (!slots.tryAcquire(SLOT_WAIT_SECONDS, TimeUnit.SECONDS)) {
            // push-back: the pipeline is not taking records as fast as they come; the client keeps them and retries
            throw new Refused(503, "the appliance is busy with other ingest requests; retry after "
                    + RETRY_AFTER_SECONDS + " s");
        }
        exchange.setProperty(HOLDS_SLOT, true);
        Long length = message.getHeader(Exchange.CONTENT_LENGTH, Long.class);
        if (length != null && length > maxBody) {
            throw new Refused(413, "body of " + length + " bytes is over the limit of " + maxBody + " bytes");
        }
        IngestRecords.Layout layout = IngestRecords.layout(message.getHeader(Exchange.CONTENT_TYPE, String.class));
        if (layout == null) {
            throw new Refused(415, "Content-Type must be application/json, application/x-ndjson or text/plain");
        }
        String payload = readBody(message.getBody(InputStream.class), layout);
        String origin = clientAddress(exchange);
        IngestRecords.Result result;
        try {
            result = records.read(payload, layout, "http", origin);
        } catch (IngestRecords.TooManyRecords e) {
            throw new Refused(413, e.getMessage());
        }
        for (IngestRecords.Rejection rejection : result.rejected()) {
            deadLetters.write("ingest-http", "record " + rejection.index() + ": " + rejection.reason(), "http",
                    origin, excerpt(rejection.record()));
        }
        exchange.setProperty(REJECTED, result.rejected());
        return result.accepted();
    }

    /** Gives back the request's slot once its records are journaled or it was refused; runs for every request. */
    public void release(Exchange exchange) {
        if (exchange.getProperty(HOLDS_SLOT, false, Boolean.class)) {
            exchange.removeProperty(HOLDS_SLOT);
            slots.release();
        }
    }

    /** 202 with the count, or 400 listing the rejected records when there were any. */
    public void respond(Exchange exchange) throws IOException {
        @SuppressWarnings("unchecked")
        List<IngestRecords.Rejection> rejected = exchange.getProperty(REJECTED, List.class);
        List<?> accepted = exchange.getMessage().getBody(List.class);
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("accepted", accepted == null ? 0 : accepted.size());
        int status = 202;
        if (rejected != null && !rejected.isEmpty()) {
            status = 400;
            answer.put("error", rejected.size() + " record(s) rejected; the others were accepted");
            answer.put("rejected", rejected);
        }
        reply(exchange, status, answer);
    }

    /** The answer to a refused request: its status and reason as JSON. */
    public void refused(Exchange exchange) throws IOException {
        Exception cause = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class);
        if (cause instanceof Journal.FullException full) {
            // push-back: nothing of the request was taken; the client keeps the records and sends them again
            cause = new Refused(503, full.getMessage() + "; nothing of this request was taken, retry after "
                    + RETRY_AFTER_SECONDS + " s");
        }
        if (cause instanceof Refused refused) {
            reply(exchange, refused.status(), Map.of("error", refused.getMessage()));
            if (refused.status() == 503) {
                exchange.getMessage().setHeader("Retry-After", RETRY_AFTER_SECONDS);
            }
            return;
        }
        // the cause stays in the log: an answer never names the appliance's internals
        LOG.warn("An ingest request failed", cause);
        reply(exchange, 500, Map.of("error", "the request could not be completed; the appliance log says why"));
    }

    private void reply(Exchange exchange, int status, Map<String, Object> answer) throws IOException {
        var message = exchange.getMessage();
        // platform-http would echo every request header (the API key among them) back to the caller.
        message.removeHeaders("*");
        message.setHeader(Exchange.HTTP_RESPONSE_CODE, status);
        message.setHeader(Exchange.CONTENT_TYPE, "application/json");
        message.setBody(json.writeValueAsString(answer));
    }

    /** Reads at most the limit and one byte more, so a chunked body without Content-Length is bounded too. */
    private String readBody(InputStream body, IngestRecords.Layout layout) throws IOException {
        if (body == null) {
            return "";
        }
        byte[] bytes = body.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, maxBody + 1));
        if (bytes.length > maxBody) {
            throw new Refused(413, "body is over the limit of " + maxBody + " bytes");
        }
        // bytes that are not UTF-8 are kept visibly as \xNN, as syslog lines are
        return layout == IngestRecords.Layout.TEXT ? Utf8Text.decode(bytes, 0, bytes.length)
                : Utf8Text.decodeJson(bytes, 0, bytes.length);
    }

    private static String clientAddress(Exchange exchange) {
        HttpServletRequest request = null;
        if (exchange.getMessage() instanceof PlatformHttpMessage platform) {
            request = platform.getRequest();
        } else if (exchange.getMessage() instanceof HttpMessage http) {
            request = http.getRequest();
        }
        if (request == null) {
            return null;
        }
        String host = request.getRemoteAddr();
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + request.getRemotePort();
    }

    private static String excerpt(String record) {
        return IngestRecords.excerpt(record);
    }
}
