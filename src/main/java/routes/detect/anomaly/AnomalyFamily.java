package routes.detect.anomaly;

import routes.model.Event;

import java.util.List;

/**
 * The kinds of event the anomaly model scores, each with its own named feature vector and its own Isolation
 * Forest: what is unusual for a web request says nothing about a login.
 */
public enum AnomalyFamily {

    /** Web access logs. */
    WEB(List.of("status_class", "log_bytes", "log_response_ms", "url_length", "query_length", "query_entropy",
            "special_chars", "path_depth", "method_rarity", "user_agent_rarity")),
    /** Logins and privilege changes (sshd, PAM, su, sudo). */
    AUTH(List.of("failure", "hour_of_day", "new_user_source_pair", "source_failures_1m", "source_failures_5m",
            "source_distinct_users_5m", "invalid_user")),
    /** Firewall decisions and connections. */
    NETWORK(List.of("destination_port_rarity", "source_distinct_ports_1m", "source_distinct_hosts_1m", "log_bytes",
            "source_denied_ratio_5m", "denied"));

    private final List<String> features;

    AnomalyFamily(List<String> features) {
        this.features = features;
    }

    /** The names of the features, in vector order. */
    public List<String> features() {
        return features;
    }

    /** The lower-case name used in APIs, files and metrics. */
    public String key() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    /** The key of an event's family (the Bayesian scorer's prior), or null for none or no event. */
    public static String keyOf(Event event) {
        AnomalyFamily family = event == null ? null : of(event);
        return family == null ? null : family.key();
    }

    /** The family an event belongs to, or null when the model does not score events of its kind. */
    public static AnomalyFamily of(Event event) {
        String dataset = event.getString("event.dataset");
        if (dataset != null) {
            if (dataset.equals("web.access")) {
                return WEB;
            }
            if (dataset.startsWith("firewall.")) {
                return NETWORK;
            }
            if (dataset.startsWith("linux.") && event.get("event.outcome") != null) {
                return AUTH;
            }
        }
        if (event.get("http.response.status_code") != null && event.get("url.original") != null) {
            return WEB;
        }
        Object category = event.get("event.category");
        if (category != null && category.toString().contains("authentication")
                && event.get("event.outcome") != null) {
            return AUTH;
        }
        if (event.get("destination.port") != null && event.get("source.ip") != null) {
            return NETWORK;
        }
        return null;
    }
}
