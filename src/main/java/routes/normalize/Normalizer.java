package routes.normalize;

import routes.model.EcsSchema;
import routes.model.Event;
import routes.model.RawLog;
import routes.ingest.IngestLimits;
import routes.ingest.IngestRecords;
import routes.normalize.JsonLineParser.JsonRecords;

import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns raw records into ECS events: splits the syslog envelope, picks a parser by program name and then by
 * content, and records where the line came from. Never throws for bad input: a line that breaks the grammar it
 * claims is kept as an event tagged {@code malformed} with the reason in {@code error.message}.
 */
public final class Normalizer {

    private final SyslogParser syslog;
    private final Parsers parsers;

    private final int maxFieldChars;

    /** The tag of an event whose line no parser read: it keeps its envelope and message, and nothing more. */
    public static final String UNPARSED = "unparsed";

    /** rsyslog's and syslog-ng's repeat reduction: {@code message repeated 6 times: [ Failed password for ... ]}. */
    private static final Pattern REPEATED = Pattern.compile("message repeated (\\d{1,9}) times: \\[\\s*(.*?)\\s*\\]");

    /** @param zone the zone for times that carry none (RFC 3164, Apache and nginx error logs) */
    public Normalizer(ZoneId zone) {
        this(zone, IngestLimits.defaults().fieldChars());
    }

    /**
     * @param zone          the zone for times that carry none (RFC 3164, Apache and nginx error logs)
     * @param maxFieldChars a field's value is cut here whatever the input and parser (the whole line stays in
     *                      {@code message} and {@code event.original}, bounded by the record size)
     */
    public Normalizer(ZoneId zone, int maxFieldChars) {
        this.syslog = new SyslogParser(zone);
        this.parsers = Parsers.discover(zone);
        this.maxFieldChars = maxFieldChars;
    }

    /** Normalizes a batch; blank lines are skipped, every other record gives one event. */
    public List<Event> normalize(List<RawLog> batch) {
        List<Event> events = new ArrayList<>(batch.size());
        for (RawLog raw : batch) {
            Event event;
            try {
                event = normalizeRecord(raw);
            } catch (RuntimeException e) {
                // a record no parser survives is kept as it came, tagged, and copied to the dead letters; the
                // rest of its batch goes on
                event = unreadable(raw, e);
            }
            if (event != null) {
                events.add(event);
            }
        }
        return events;
    }

    /** The event of a record that failed normalizing: its text as the message, tagged malformed with the reason. */
    Event unreadable(RawLog raw, RuntimeException failure) {
        Event.Builder event = Event.builder(raw.eventId());
        String text;
        try {
            text = raw.text() != null ? raw.text() : String.valueOf(raw.structured());
        } catch (RuntimeException unprintable) {
            text = "(a structured record that cannot be written out)";
        }
        event.put("event.original", text);
        event.put("message", text);
        malformed(event, "could not be normalized: " + failure.getClass().getSimpleName()
                + (failure.getMessage() == null ? "" : ": " + failure.getMessage()));
        provenance(raw, event);
        return event.build();
    }

    /** Normalizes one record; null for a blank line. */
    public Event normalizeRecord(RawLog raw) {
        Event.Builder event = Event.builder(raw.eventId());
        if (raw.structured() != null) {
            structured(raw, event);
        } else {
            String line = trimLine(raw.text());
            if (line.isEmpty()) {
                return null;
            }
            line(line, raw, event);
        }
        provenance(raw, event);
        return capped(event.build());
    }

    /** The event with every value but the line itself cut at the field limit, tagged and named when one was. */
    private Event capped(Event event) {
        Event.Builder cut = null;
        List<String> names = null;
        for (Map.Entry<String, Object> field : event.fields().entrySet()) {
            if (field.getValue() instanceof String text && text.length() > maxFieldChars
                    && !field.getKey().equals("message") && !field.getKey().equals("event.original")) {
                if (cut == null) {
                    cut = event.toBuilder();
                    names = new ArrayList<>();
                }
                cut.put(field.getKey(), text.substring(0, maxFieldChars));
                names.add(field.getKey());
            }
        }
        if (cut == null) {
            return event;
        }
        String earlier = event.getString(IngestRecords.TRUNCATED_FIELDS);
        cut.put(IngestRecords.TRUNCATED_FIELDS, (earlier == null ? "" : earlier + ",") + String.join(",", names));
        cut.add("tags", "truncated");
        return cut.build();
    }

    private void structured(RawLog raw, Event.Builder event) {
        Map<String, Object> record = raw.structured();
        Object message = record.get("message");
        boolean onlyMessage = message instanceof String && record.keySet().stream()
                .allMatch(key -> key.equals("message") || !EcsSchema.clashes(key) && EcsSchema.declaredType(key) == null
                        && !key.contains("."));
        if (message instanceof String text && (onlyMessage || !hasEcsContent(record))) {
            String line = trimLine(text);
            if (!line.isEmpty()) {
                line(line, raw, event);
            }
            for (Map.Entry<String, Object> extra : record.entrySet()) {
                if (!extra.getKey().equals("message") && extra.getValue() != null) {
                    FieldAliases.put(event, extra.getKey(), extra.getValue());
                }
            }
            return;
        }
        JsonRecords.putAll(event, "", record);
        event.putIfAbsent("event.dataset", "ecs");
        if (!event.has("event.original")) {
            event.put("event.original", JsonRecords.toText(record));
        }
    }

    private static boolean hasEcsContent(Map<String, Object> record) {
        return record.keySet().stream().anyMatch(key -> !key.equals("message")
                && (EcsSchema.declaredType(key) != null || EcsSchema.clashes(key) || key.equals("@timestamp")));
    }

    private void line(String line, RawLog raw, Event.Builder event) {
        event.put("event.original", line);
        SyslogMessage envelope;
        try {
            envelope = syslog.parse(line, raw.received());
        } catch (SyslogParser.SyslogFormatException e) {
            event.put("message", line);
            event.put("event.dataset", "syslog");
            malformed(event, "invalid RFC 5424 syslog: " + e.getMessage());
            return;
        }
        envelope(envelope, event);
        String message = envelope.message() == null ? "" : envelope.message();
        Matcher repeated = REPEATED.matcher(message);
        if (repeated.matches()) {
            // syslog's repeat reduction: the line stands for the message it repeats, that many times
            event.put(EcsSchema.REPEAT_COUNT, repeated.group(1));
            message = repeated.group(2);
        }
        event.put("message", message);
        Parser parser = parse(envelope.appName(), message, event);
        if (parser == null && !message.isEmpty()) {
            // no parser read it: searchable as such (tags:unparsed) and counted per program (UnparsedLines)
            event.add("tags", UNPARSED);
        }
        if (parser == null) {
            // A known program's line we could not read further still says where it came from.
            parser = envelope.appName() == null ? null : forProgram(envelope.appName());
        }
        event.put("event.dataset", parser == null ? (envelope.format().equals("none") ? "log" : "syslog")
                : parser.dataset());
    }

    /**
     * Runs the parsers that claim the program, then those whose content test the message passes, in their order;
     * returns the one that read it, or null.
     */
    private Parser parse(String program, String message, Event.Builder event) {
        if (program != null) {
            for (Parser parser : parsers.forProgram(program)) {
                if (parser.parse(program, message, event)) {
                    return parser;
                }
            }
        }
        if (message.isEmpty()) {
            return null;
        }
        for (Parser parser : parsers.all()) {
            if (parser.mayRead(message) && parser.parse(message, event)) {
                return parser;
            }
        }
        if (message.length() > 2 && message.charAt(0) == '"' && message.charAt(message.length() - 1) == '"') {
            // a whole line wrapped in quotes by the shipper that wrote it out (CSV or JSON exports of access logs):
            // read what is inside, its escaped quotes unescaped
            return parse(program, message.substring(1, message.length() - 1).replace("\\\"", "\""), event);
        }
        return null;
    }

    /** The first parser that claims a program's lines, or null when the content decides. */
    private Parser forProgram(String program) {
        List<Parser> claimed = parsers.forProgram(program);
        return claimed.isEmpty() ? null : claimed.getFirst();
    }

    private static void envelope(SyslogMessage s, Event.Builder event) {
        if (s.timestamp() != null) {
            event.put(EcsSchema.TIMESTAMP, s.timestamp());
        }
        if (s.format().equals("none")) {
            return;
        }
        if (s.priority() != null) {
            event.put("log.syslog.priority", (long) s.priority());
            event.put("log.syslog.facility.code", (long) s.facility());
            event.put("log.syslog.facility.name", s.facilityName());
            event.put("log.syslog.severity.code", (long) s.severity());
            event.put("log.syslog.severity.name", s.severityName());
        }
        event.put("log.syslog.hostname", s.hostname());
        event.put("host.name", s.hostname());
        event.put("log.syslog.appname", s.appName());
        event.put("process.name", s.appName());
        event.put("log.syslog.procid", s.procId());
        event.put("process.pid", s.procId());
        event.put("log.syslog.msgid", s.msgId());
        if (s.format().equals("rfc5424")) {
            event.put("log.syslog.version", Integer.toString(s.version()));
            // ECS keeps structured data as log.syslog.structured_data.<SD-ID>.<PARAM-NAME>
            for (SyslogMessage.SdElement element : s.structuredData()) {
                for (Map.Entry<String, String> param : element.params()) {
                    String field = "log.syslog.structured_data." + element.id() + "." + param.getKey();
                    if (!event.putIfAbsent(field, param.getValue()) && event.get(field) != null) {
                        event.add(field, param.getValue());
                    }
                }
            }
        }
    }

    private static void provenance(RawLog raw, Event.Builder event) {
        event.put("event.ingested", raw.received());
        event.putIfAbsent("event.kind", "event");
        event.put("input.type", raw.input());
        if (raw.origin() != null) {
            switch (raw.input()) {
                case "udp", "tcp", "http" -> {
                    event.put("log.source.address", raw.origin());
                    int colon = raw.origin().lastIndexOf(':');
                    event.put("observer.ip", colon > 0 ? raw.origin().substring(0, colon) : raw.origin());
                }
                case "file" -> event.put("log.file.path", raw.origin());
                default -> event.put("labels.origin", raw.origin());
            }
        }
        if (raw.truncated()) {
            event.add("tags", "truncated");
        }
        if (!event.has(EcsSchema.TIMESTAMP)) {
            event.put(EcsSchema.TIMESTAMP, raw.received());
        }
    }

    private static void malformed(Event.Builder event, String reason) {
        event.add("tags", Event.MALFORMED);
        event.put("error.message", reason);
    }

    /** Removes line endings, trailing spaces and NULs; leading spaces are kept (they can be part of the data). */
    static String trimLine(String text) {
        int end = text.length();
        while (end > 0) {
            char ch = text.charAt(end - 1);
            if (ch == '\n' || ch == '\r' || ch == ' ' || ch == '\t' || ch == '\0') {
                end--;
            } else {
                break;
            }
        }
        int start = 0;
        if (end > 0 && text.charAt(0) == '\uFEFF') {
            start = 1;
        }
        return start == 0 && end == text.length() ? text : text.substring(start, end);
    }
}
