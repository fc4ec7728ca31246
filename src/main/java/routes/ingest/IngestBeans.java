package routes.ingest;

import routes.store.DeadLetters;
import routes.store.EventStore;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import routes.SiemProperties;

import java.nio.file.Path;

/** The ingest stage's beans, referred to by name from the {@code ingest-*.yaml} routes. */
@Configuration(proxyBeanMethods = false)
public class IngestBeans {

    @Bean(destroyMethod = "close")
    DeadLetters deadLetters(SiemProperties siem, MeterRegistry meters) {
        return new DeadLetters(siem.dataDir().resolve("dead-letter"), meters);
    }

    /**
     * The journal every input writes to before it acknowledges, and the pipeline reads from. Opened after the event
     * store (it asks the store what was committed) and so closed before it: the store's last commit still reaches
     * the checkpoint through the store's own commit data.
     */
    @Bean(destroyMethod = "close")
    Journal journal(SiemProperties siem, JournalProperties settings, SyslogProperties syslog, EventStore eventStore,
                    MeterRegistry meters) throws java.io.IOException {
        return new Journal(siem.dataDir().resolve("journal"), settings, syslog.maxBatch(), eventStore, meters);
    }

    @Bean
    IngestApiKeys ingestApiKeys(IngestProperties ingest, SiemProperties siem) {
        return new IngestApiKeys(ingest.apiKeys(), siem.dataDir());
    }

    @Bean
    IngestRecords ingestRecords(IngestLimits limits) {
        return new IngestRecords(limits);
    }

    @Bean
    HttpIngest httpIngest(IngestApiKeys keys, IngestProperties ingest, IngestRecords records, IngestLimits limits,
                          EventStore eventStore, DeadLetters deadLetters) {
        return new HttpIngest(keys, ingest.maxBodySize().toBytes(), records, limits.httpConcurrentRequests(),
                eventStore, deadLetters);
    }

    @Bean
    InboxFiles inboxFiles(SiemProperties siem, SyslogProperties syslog, IngestProperties ingest, IngestLimits limits,
                          Journal journal) throws Exception {
        InboxFiles files = new InboxFiles(siem.dataDir().resolve("inbox-progress.properties"),
                limits.recordChars(), syslog.maxBatch(), journal);
        files.forgetMissing(inboxDir(ingest, siem));
        return files;
    }

    @Bean(destroyMethod = "close")
    FileTailer fileTailer(SiemProperties siem, IngestProperties ingest, IngestLimits limits) {
        return new FileTailer(ingest.tailFiles(), siem.dataDir().resolve("tail-positions.properties"),
                limits.recordChars());
    }

    @Bean
    KafkaIngest kafkaIngest(IngestRecords records, DeadLetters deadLetters, Journal journal) {
        return new KafkaIngest(records, deadLetters, journal);
    }

    public static Path inboxDir(IngestProperties ingest, SiemProperties siem) {
        return ingest.inboxDir() != null ? ingest.inboxDir() : siem.dataDir().resolve("inbox");
    }
}
