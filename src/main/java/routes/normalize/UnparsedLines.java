package routes.normalize;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import routes.model.Event;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What the parsers do not understand, so an operator sees it: the events no parser read (tagged {@code unparsed})
 * counted per program in {@code caravan.normalize.unparsed{program}} and listed with an example line by
 * {@code GET /api/v1/logs/unparsed}. Program names come from senders, so both are bounded: the metric names
 * {@link #MAX_METRIC_PROGRAMS} programs and counts the rest as {@code (other)}; the listing keeps the
 * {@link #MAX_LISTED_PROGRAMS} seen most recently.
 */
public final class UnparsedLines {

    static final int MAX_METRIC_PROGRAMS = 100;
    static final int MAX_LISTED_PROGRAMS = 500;
    private static final int MAX_EXAMPLE_CHARS = 500;

    /** One program's unparsed lines: how many since start, and the latest. */
    public record Program(String program, long count, String example) {
    }

    private static final class Seen {
        final AtomicLong count = new AtomicLong();
        volatile String example;
    }

    private final MeterRegistry meters;
    private final Cache<String, Seen> programs = Caffeine.newBuilder().maximumSize(MAX_LISTED_PROGRAMS).build();
    private final Cache<String, Counter> counters = Caffeine.newBuilder().build();

    public UnparsedLines(MeterRegistry meters) {
        this.meters = meters;
    }

    /** Counts the batch's unparsed events; the batch goes on as it is. */
    public List<Event> count(List<Event> events) {
        for (Event event : events) {
            Object tags = event.get("tags");
            if (!(tags instanceof List<?> list) || !list.contains(Normalizer.UNPARSED)) {
                continue;
            }
            String program = event.getString("process.name");
            String name = program == null || program.isBlank() ? "(none)" : program;
            Seen seen = programs.get(name, k -> new Seen());
            seen.count.incrementAndGet();
            String message = event.getString("message");
            seen.example = message == null ? null
                    : message.length() <= MAX_EXAMPLE_CHARS ? message : message.substring(0, MAX_EXAMPLE_CHARS) + "…";
            counter(name).increment();
        }
        return events;
    }

    private Counter counter(String program) {
        Counter known = counters.getIfPresent(program);
        if (known != null) {
            return known;
        }
        String tag = counters.estimatedSize() < MAX_METRIC_PROGRAMS ? program : "(other)";
        return counters.get(tag, t -> Counter.builder("caravan.normalize.unparsed").tag("program", t)
                .description("Lines no parser read, per program").register(meters));
    }

    /** The programs whose lines were not understood, most lines first. */
    public List<Program> programs() {
        List<Program> list = new ArrayList<>();
        programs.asMap().forEach((name, seen) -> list.add(new Program(name, seen.count.get(), seen.example)));
        list.sort(Comparator.comparingLong(Program::count).reversed().thenComparing(Program::program));
        return list;
    }
}
