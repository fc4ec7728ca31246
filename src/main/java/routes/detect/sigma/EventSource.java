package routes.detect.sigma;

import routes.model.Event;

import java.util.Locale;
import java.util.Set;

/**
 * Which Sigma log sources an event belongs to, from the parser that read it ({@code event.dataset}): sshd lines
 * are {@code product: linux} with services {@code sshd} and {@code auth}, access logs are {@code category:
 * webserver}, kernel firewall lines {@code category: firewall}, and so on.
 */
record EventSource(String key, Set<String> products, Set<String> categories, Set<String> services) {

    /** Bounded: datasets and programs come from the logs, so their number is the senders' to choose. */
    private static final com.github.benmanes.caffeine.cache.Cache<String, EventSource> CACHE =
            com.github.benmanes.caffeine.cache.Caffeine.newBuilder().maximumSize(1000).build();

    /** The sources of an event; the few distinct answers are cached (one per dataset, and web server). */
    static EventSource of(Event event) {
        Object dataset = event.get("event.dataset");
        String d = dataset == null ? "" : dataset.toString();
        if (!d.startsWith("web.")) {
            return CACHE.get(d, key -> compute(key, null));
        }
        Object module = event.get("event.module");
        Object program = module != null ? module : event.get("process.name");
        String server = program == null ? null : program.toString();
        return CACHE.get(d + "|" + server, k -> compute(d, server));
    }

    private static EventSource compute(String d, String webServer) {
        return switch (d) {
            case "linux.sshd" -> linux(d, "sshd", "auth", "syslog");
            case "linux.pam" -> linux(d, "auth", "pam", "syslog");
            case "linux.su" -> linux(d, "auth", "su", "syslog");
            case "linux.sudo" -> linux(d, "auth", "sudo", "syslog");
            case "linux.auth" -> linux(d, "auth", "syslog");
            case "firewall.iptables" -> new EventSource(d, Set.of("linux"), Set.of("firewall"), Set.of());
            case "web.access", "web.error" -> {
                Set<String> servers = webServer == null ? Set.of("apache", "nginx")
                        : Set.of(webServer.toLowerCase(Locale.ROOT).replace("apache2", "apache")
                        .replace("httpd", "apache"));
                yield new EventSource(d + "|" + servers, servers,
                        d.equals("web.access") ? Set.of("webserver") : Set.of(), servers);
            }
            case "syslog", "log" -> linux(d, "syslog");
            default -> new EventSource(d, Set.of(), Set.of(), Set.of());
        };
    }

    private static EventSource linux(String dataset, String... services) {
        return new EventSource(dataset, Set.of("linux"), Set.of(), Set.of(services));
    }

    boolean accepts(LogSource source) {
        return (source.product() == null || products.contains(source.product()))
                && (source.category() == null || categories.contains(source.category()))
                && (source.service() == null || services.contains(source.service()));
    }
}
