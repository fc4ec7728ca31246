package routes.tools;

import routes.model.Alert;
import routes.model.Severity;

import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Grades alerts the way an analyst feels them, for {@code evaluate}: an attack episode is one source's lines of one
 * attack class with gaps under {@link #EPISODE_GAP}; it is caught when an alert at warning or above names the source
 * while the episode lasts, and the time to alert runs from the episode's first line to the line that raised (or
 * updated) that alert. An alert that reaches warning on a source none of whose lines is an attack is a false alert,
 * counted per 100,000 benign lines. Times are event times, so a replay grades as live traffic would.
 */
final class AlertGrading {

    /** Lines of one source and class further apart than this are two episodes. */
    static final Duration EPISODE_GAP = Duration.ofMinutes(30);

    private record Line(String source, String attack, Instant time) {
    }

    /** An alert at warning or above, as it stood after a line: who it names and when. */
    private record Raised(String id, String source, String title, Instant time) {
    }

    /** One source's lines of one class, close together in time. */
    record Episode(String source, String attack, Instant start, Instant end, int lines) {
    }

    private final List<Line> lines = new ArrayList<>();
    private final List<Raised> raised = new ArrayList<>();
    private final Map<String, Raised> alerts = new LinkedHashMap<>();
    private final Set<String> attackers = new HashSet<>();
    private long benign;
    private double recall;
    private double falsePer100k;

    /**
     * A labelled line, in order: the source that made it (as labelled, else the one it names; null for none), the
     * source the line names itself, its attack class (null: benign), its time. An alert on either source of an attack
     * line is no false alert.
     */
    void line(String source, String named, String attack, Instant time) {
        if (attack == null) {
            benign++;
        } else if (named != null) {
            attackers.add(named);
        }
        if (source != null && time != null) {
            lines.add(new Line(source, attack, time));
        }
    }

    /** An alert as the alert store holds it after the line at {@code time}. */
    void alert(Alert stored, Instant time) {
        Severity severity = Severity.named(stored.severity());
        if (severity == null || severity == Severity.INFORMATIONAL || time == null) {
            return;
        }
        String source = stored.source() != null ? stored.source() : stored.groupKey();
        Raised now = new Raised(stored.id(), source, stored.title(), time);
        raised.add(now);
        alerts.putIfAbsent(stored.id(), now);
    }

    /** Episodes of every source and class, in order of their start. */
    List<Episode> episodes() {
        Map<String, List<Line>> bySourceAndClass = new LinkedHashMap<>();
        for (Line line : lines) {
            if (line.attack != null) {
                bySourceAndClass.computeIfAbsent(line.source + '\u0000' + line.attack, k -> new ArrayList<>())
                        .add(line);
            }
        }
        List<Episode> episodes = new ArrayList<>();
        for (List<Line> group : bySourceAndClass.values()) {
            group.sort(Comparator.comparing(Line::time));
            Line first = group.getFirst();
            Instant start = first.time;
            Instant end = first.time;
            int count = 0;
            for (Line line : group) {
                if (Duration.between(end, line.time).compareTo(EPISODE_GAP) >= 0) {
                    episodes.add(new Episode(first.source, first.attack, start, end, count));
                    start = line.time;
                    count = 0;
                }
                end = line.time;
                count++;
            }
            episodes.add(new Episode(first.source, first.attack, start, end, count));
        }
        episodes.sort(Comparator.comparing(Episode::start));
        return episodes;
    }

    /** The first time an alert named the episode's source while it lasted, or null when none did. */
    private Instant caught(Episode episode, Map<String, List<Raised>> bySource) {
        for (Raised alert : bySource.getOrDefault(episode.source, List.of())) {
            if (!alert.time.isBefore(episode.start) && !alert.time.isAfter(episode.end)) {
                return alert.time;
            }
        }
        return null;
    }

    /** Prints episode recall and time to alert per class, false alerts per 100,000 benign lines, and the worst. */
    void print(PrintStream out) {
        Map<String, List<Raised>> bySource = new HashMap<>();
        for (Raised alert : raised) {
            bySource.computeIfAbsent(alert.source, s -> new ArrayList<>()).add(alert);
        }
        Set<String> malicious = new HashSet<>(attackers);
        for (Line line : lines) {
            if (line.attack != null) {
                malicious.add(line.source);
            }
        }
        List<Episode> episodes = episodes();
        Map<String, List<Episode>> byClass = new TreeMap<>();
        Map<Episode, Instant> caughtAt = new HashMap<>();
        for (Episode episode : episodes) {
            byClass.computeIfAbsent(episode.attack, k -> new ArrayList<>()).add(episode);
            Instant at = caught(episode, bySource);
            if (at != null) {
                caughtAt.put(episode, at);
            }
        }
        out.println();
        out.println("alerts by attack episode (a source's lines of one class, gaps under 30 minutes; caught: an alert"
                + " at warning or above names the source while it lasts)");
        out.println("class          episodes  caught  recall   time to alert: median     p90     max");
        int allEpisodes = 0;
        int allCaught = 0;
        for (Map.Entry<String, List<Episode>> entry : byClass.entrySet()) {
            List<Long> seconds = new ArrayList<>();
            for (Episode episode : entry.getValue()) {
                Instant at = caughtAt.get(episode);
                if (at != null) {
                    seconds.add(Duration.between(episode.start, at).toSeconds());
                }
            }
            seconds.sort(Long::compare);
            int n = entry.getValue().size();
            allEpisodes += n;
            allCaught += seconds.size();
            out.printf(Locale.ROOT, "%-14s %8d %7d %7.3f %22s %7s %7s%n", entry.getKey(), n, seconds.size(),
                    (double) seconds.size() / n, duration(quantile(seconds, 0.5)), duration(quantile(seconds, 0.9)),
                    duration(seconds.isEmpty() ? null : seconds.getLast()));
        }
        List<Raised> falseAlerts = alerts.values().stream().filter(a -> !malicious.contains(a.source)).toList();
        long onAttackers = alerts.size() - falseAlerts.size();
        recall = allEpisodes == 0 ? 0 : (double) allCaught / allEpisodes;
        falsePer100k = benign == 0 ? 0 : falseAlerts.size() * 100_000.0 / benign;
        out.printf(Locale.ROOT, "all            %8d %7d %7.3f%n", allEpisodes, allCaught, recall);
        out.printf(Locale.ROOT, "alerts at warning or above: %d, on attacking sources %d (%.2f per episode),"
                + " false %d: %.2f per 100k benign lines (%d benign lines)%n", alerts.size(), onAttackers,
                allEpisodes == 0 ? 0 : (double) onAttackers / allEpisodes, falseAlerts.size(), falsePer100k, benign);
        if (!falseAlerts.isEmpty()) {
            out.println("false alerts (first ten)");
            falseAlerts.stream().limit(10).forEach(a -> out.printf(Locale.ROOT, "  %s  %s  %s%n", a.time, a.source,
                    a.title));
        }
        List<Episode> missed = episodes.stream().filter(e -> !caughtAt.containsKey(e)).limit(10).toList();
        if (!missed.isEmpty()) {
            out.println("missed episodes (first ten)");
            missed.forEach(e -> out.printf(Locale.ROOT, "  %s  %s  %s, %d lines over %s%n", e.start, e.source,
                    e.attack, e.lines, duration(Duration.between(e.start, e.end).toSeconds())));
        }
    }

    /** The share of episodes caught, once printed. */
    double recall() {
        return recall;
    }

    /** False alerts per 100,000 benign lines, once printed. */
    double falseAlertsPer100k() {
        return falsePer100k;
    }

    private static Long quantile(List<Long> sorted, double q) {
        if (sorted.isEmpty()) {
            return null;
        }
        return sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(q * sorted.size()) - 1));
    }

    private static String duration(Long seconds) {
        if (seconds == null) {
            return "-";
        }
        return seconds < 120 ? seconds + "s" : seconds < 7200 ? (seconds / 60) + "m" : (seconds / 3600) + "h";
    }
}
