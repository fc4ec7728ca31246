package routes.detect.anomaly;

import routes.detect.web.RequestCanonicalizer;
import routes.model.Event;

import java.time.ZoneOffset;

/**
 * Turns an event into its family's feature vector ({@link AnomalyFamily#features()} names each position), from
 * the event itself and from what its source did recently ({@link SourceActivity}, updated by every event, so the
 * event being scored counts too). Not thread-safe: one pipeline thread extracts.
 */
final class AnomalyFeatures {

    private static final String SPECIAL = "'\"<>;(){}[]$|`\\!*^~";

    private final SourceActivity activity;

    AnomalyFeatures(SourceActivity activity) {
        this.activity = activity;
    }

    SourceActivity activity() {
        return activity;
    }

    /** The event's features, or null when its family is not scored (or the event lacks what the family needs). */
    double[] extract(AnomalyFamily family, Event event) {
        return switch (family) {
            case WEB -> web(event);
            case AUTH -> auth(event);
            case NETWORK -> network(event);
        };
    }

    private double[] web(Event event) {
        String url = event.getString("url.original");
        Long status = event.getLong("http.response.status_code");
        if (url == null || status == null) {
            return null;
        }
        String decoded = RequestCanonicalizer.canonical(url);
        int q = decoded.indexOf('?');
        String path = q < 0 ? decoded : decoded.substring(0, q);
        String query = q < 0 ? "" : decoded.substring(q + 1);
        Long bytes = event.getLong("http.response.body.bytes");
        Long nanos = event.getLong("event.duration");
        activity.source(event.getString("source.ip")).record(second(event), status >= 400, false);
        return new double[]{
                status / 100,
                Math.log1p(bytes == null ? 0 : Math.max(0, bytes)),
                Math.log1p(nanos == null ? 0 : Math.max(0, nanos) / 1e6),
                decoded.length(),
                query.length(),
                entropy(query),
                specialCharacters(decoded),
                depth(path),
                activity.rarity("method", event.getString("http.request.method")),
                activity.rarity("user_agent", event.getString("user_agent.original")),
        };
    }

    private double[] auth(Event event) {
        String outcome = event.getString("event.outcome");
        if (outcome == null) {
            return null;
        }
        boolean failure = outcome.equals("failure");
        String source = event.getString("source.ip");
        String user = event.getString("user.name");
        long second = second(event);
        SourceActivity.Source recent = activity.source(source);
        recent.record(second, failure, false);
        if (user != null) {
            recent.users().add(user.hashCode(), second);
        }
        boolean newPair = user != null && source != null && activity.newPair(user, source);
        Object tags = event.get("tags");
        boolean invalidUser = tags != null && tags.toString().contains("invalid_user");
        return new double[]{
                failure ? 1 : 0,
                event.timestamp() == null ? 0 : event.timestamp().atZone(ZoneOffset.UTC).getHour(),
                newPair ? 1 : 0,
                recent.failures(second, 60),
                recent.failures(second, 300),
                recent.users().count(second, 300),
                invalidUser ? 1 : 0,
        };
    }

    private double[] network(Event event) {
        Long port = event.getLong("destination.port");
        long second = second(event);
        boolean denied = "denied".equals(event.getString("event.action"));
        SourceActivity.Source recent = activity.source(event.getString("source.ip"));
        recent.record(second, false, denied);
        if (port != null) {
            recent.ports().add(port.intValue(), second);
        }
        String host = event.getString("destination.ip");
        if (host != null) {
            recent.hosts().add(host.hashCode(), second);
        }
        Long bytes = event.getLong("network.bytes");
        if (bytes == null) {
            bytes = event.getLong("source.bytes");
        }
        int events = recent.events(second, 300);
        return new double[]{
                activity.rarity("destination_port", port == null ? null : port.toString()),
                recent.ports().count(second, 60),
                recent.hosts().count(second, 60),
                Math.log1p(bytes == null ? 0 : Math.max(0, bytes)),
                events == 0 ? 0 : (double) recent.denied(second, 300) / events,
                denied ? 1 : 0,
        };
    }

    private static long second(Event event) {
        return event.timestamp() == null ? 0 : event.timestamp().getEpochSecond();
    }

    /** Shannon entropy of the characters, in bits per character. */
    static double entropy(String text) {
        if (text.isEmpty()) {
            return 0;
        }
        int[] ascii = new int[128];
        java.util.Map<Character, Integer> others = null;
        for (int i = 0; i < text.length(); i++) {
            char ch = text.charAt(i);
            if (ch < 128) {
                ascii[ch]++;
            } else {
                others = others == null ? new java.util.HashMap<>() : others;
                others.merge(ch, 1, Integer::sum);
            }
        }
        double entropy = 0;
        for (int count : ascii) {
            entropy += bits(count, text.length());
        }
        if (others != null) {
            for (int count : others.values()) {
                entropy += bits(count, text.length());
            }
        }
        return entropy;
    }

    private static double bits(int count, int length) {
        if (count == 0) {
            return 0;
        }
        double p = (double) count / length;
        return -p * Math.log(p) / Math.log(2);
    }

    /** Characters that code, markup and shell syntax need and ordinary URLs rarely have, plus each "../". */
    static int specialCharacters(String text) {
        int n = 0;
        for (int i = 0; i < text.length(); i++) {
            if (SPECIAL.indexOf(text.charAt(i)) >= 0) {
                n++;
            }
        }
        for (int at = text.indexOf("../"); at >= 0; at = text.indexOf("../", at + 3)) {
            n++;
        }
        return n;
    }

    static int depth(String path) {
        int depth = 0;
        for (int i = 0; i < path.length(); i++) {
            if (path.charAt(i) == '/' && i + 1 < path.length()) {
                depth++;
            }
        }
        return depth;
    }
}
