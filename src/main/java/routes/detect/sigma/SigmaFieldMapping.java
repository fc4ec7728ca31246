package routes.detect.sigma;

import routes.normalize.FieldAliases;

import java.util.Map;

import static java.util.Map.entry;

/**
 * The table from Sigma taxonomy field names to ECS: process creation, web server (W3C) and proxy, DNS and Zeek
 * names; vendor names (firewalls and the like) come from the parsers' table, so a rule and a parser never
 * disagree. A name listed in neither is used as written, so rules written with ECS names work as they are.
 * {@code cs-uri-query} maps to the whole requested URI: SigmaHQ's web server rules use it for attack strings that
 * in Apache and nginx logs sit in the path as often as in the query.
 */
public final class SigmaFieldMapping {

    private static final Map<String, String> FIELDS = Map.ofEntries(
            // process creation and file events
            entry("CommandLine", "process.command_line"), entry("Image", "process.executable"),
            entry("OriginalFileName", "process.pe.original_file_name"), entry("ProcessId", "process.pid"),
            entry("ParentImage", "process.parent.executable"),
            entry("ParentCommandLine", "process.parent.command_line"), entry("ParentProcessId", "process.parent.pid"),
            entry("CurrentDirectory", "process.working_directory"), entry("User", "user.name"),
            entry("TargetFilename", "file.path"), entry("exe", "process.executable"), entry("comm", "process.name"),
            // network connections
            entry("DestinationIp", "destination.ip"), entry("DestinationPort", "destination.port"),
            entry("DestinationHostname", "destination.domain"), entry("SourceIp", "source.ip"),
            entry("SourcePort", "source.port"), entry("SourceHostname", "source.domain"),
            entry("Protocol", "network.transport"),
            // web server access logs (W3C extended names) and proxies
            entry("c-ip", "source.ip"), entry("s-ip", "destination.ip"), entry("cs-method", "http.request.method"),
            entry("cs-uri-stem", "url.path"), entry("cs-uri-query", "url.original"), entry("cs-uri", "url.original"),
            entry("c-uri", "url.original"), entry("c-uri-stem", "url.path"), entry("c-uri-query", "url.query"),
            entry("c-uri-extension", "url.extension"), entry("sc-status", "http.response.status_code"),
            entry("cs-user-agent", "user_agent.original"), entry("c-useragent", "user_agent.original"),
            entry("cs-referer", "http.request.referrer"), entry("cs-host", "url.domain"),
            entry("cs-username", "user.name"), entry("cs-bytes", "http.request.bytes"),
            entry("sc-bytes", "http.response.body.bytes"), entry("cs-cookie", "http.request.cookie"),
            entry("r-dns", "destination.domain"),
            // DNS
            entry("query", "dns.question.name"), entry("answer", "dns.answers.data"),
            entry("record_type", "dns.question.type"),
            // Zeek connection ids
            entry("id.orig_h", "source.ip"), entry("id.orig_p", "source.port"), entry("id.resp_h", "destination.ip"),
            entry("id.resp_p", "destination.port"));

    private SigmaFieldMapping() {
    }

    /**
     * The ECS field a Sigma field name refers to: the Sigma taxonomy's names from this table, vendor names
     * ({@code src_ip}, {@code dst_port}, {@code username}, ...) from the parsers' own table ({@link FieldAliases}),
     * anything else as written.
     */
    public static String ecs(String sigmaField) {
        String mapped = FIELDS.get(sigmaField);
        if (mapped != null) {
            return mapped;
        }
        String vendor = sigmaField.contains(".") ? null : FieldAliases.ecsName(sigmaField);
        return vendor != null ? vendor : sigmaField;
    }
}
