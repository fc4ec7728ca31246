package routes.ingest;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * HTTP, file and tail ingestion.
 *
 * @param apiKeys      keys accepted in {@code X-API-Key} by {@code POST /api/ingest_log}; when empty, one is
 *                     generated at first start, kept in the data directory and printed once
 * @param maxBodySize  larger request bodies are refused with 413
 * @param inboxDir     drop directory: each file put here is read line by line, then moved to {@code .done}
 * @param tailFiles    growing files to follow (such as {@code /var/log/auth.log}), across rotation and restarts
 * @param tailInterval how often the followed files are checked for new lines
 */
@ConfigurationProperties("siem.ingest")
public record IngestProperties(@DefaultValue("") List<String> apiKeys,
                               @DefaultValue("10MB") DataSize maxBodySize,
                               Path inboxDir,
                               @DefaultValue("") List<Path> tailFiles,
                               @DefaultValue("500ms") Duration tailInterval) {
}
