package routes.ingest;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

import java.time.Duration;

/**
 * A graceful stop (SIGTERM): HTTP requests in progress are answered, syslog TCP connections are read until their
 * senders close them or go quiet, then every queue drains into the store, which commits and closes.
 *
 * @param timeout how long each step may take at most: the listeners going quiet, then the queues draining
 *                (what is still queued after it is lost, and logged)
 * @param quiet   a syslog TCP connection that sent nothing for this long is taken to be done
 */
@ConfigurationProperties("siem.shutdown")
public record ShutdownProperties(@DefaultValue("30s") Duration timeout, @DefaultValue("1s") Duration quiet) {
}
