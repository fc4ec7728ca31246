package routes.ingest;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * Syslog listeners.
 *
 * @param host           address to listen on
 * @param udpPort        UDP port (RFC 5426)
 * @param tcpPort        TCP port, newline or octet-counted framing (RFC 6587)
 * @param maxMessageSize longer messages are cut to this size and tagged {@code truncated}
 * @param maxBatch       most messages handed on in one batch
 */
@ConfigurationProperties("siem.syslog")
public record SyslogProperties(@DefaultValue("0.0.0.0") String host,
                               @DefaultValue("5514") int udpPort,
                               @DefaultValue("5514") int tcpPort,
                               @DefaultValue("64KB") DataSize maxMessageSize,
                               @DefaultValue("1000") int maxBatch) {
}
