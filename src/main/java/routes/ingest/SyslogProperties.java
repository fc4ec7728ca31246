package routes.ingest;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Syslog listeners. A message longer than {@code siem.limits.max-record-size} is cut there and tagged
 * {@code truncated}.
 *
 * @param host           address to listen on
 * @param udpPort        UDP port (RFC 5426)
 * @param tcpPort        TCP port, newline or octet-counted framing (RFC 6587)
 * @param maxBatch       most messages handed on in one batch
 */
@ConfigurationProperties("siem.syslog")
public record SyslogProperties(@DefaultValue("0.0.0.0") String host,
                               @DefaultValue("5514") int udpPort,
                               @DefaultValue("5514") int tcpPort,
                               @DefaultValue("1000") int maxBatch) {
}
