package routes.api;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The API ({@code siem.api.*}).
 *
 * @param streamMaxClients live feed clients ({@code GET /api/v1/stream}) connected at once; more get 503
 */
@ConfigurationProperties("siem.api")
public record ApiProperties(@DefaultValue("256") int streamMaxClients) {
}
