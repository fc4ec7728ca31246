package routes.api;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * The API ({@code siem.api.*}).
 *
 * @param streamMaxClients live feed clients ({@code GET /api/v1/stream}) connected at once; more get 503
 * @param maxResponseSize  a page of {@code GET /api/v1/logs} ends before it would grow past this; its {@code next}
 *                         cursor goes on from there
 * @param maxValueChars    in a page of events, longer values are cut here (and named in the event's
 *                         {@code _truncated}); {@code GET /api/v1/logs/{id}} gives the event whole
 */
@ConfigurationProperties("siem.api")
public record ApiProperties(@DefaultValue("256") int streamMaxClients,
                            @DefaultValue("8MB") DataSize maxResponseSize,
                            @DefaultValue("4096") int maxValueChars) {
}
