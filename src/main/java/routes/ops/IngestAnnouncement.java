package routes.ops;

import routes.ingest.IngestBeans;
import routes.ingest.IngestProperties;
import routes.ingest.KafkaProperties;
import routes.ingest.SyslogProperties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;
import routes.SiemProperties;
import routes.alert.SlackProperties;
import routes.enrich.AbuseIpDbProperties;

/** Says at start which ways in and out are open and which are off, so an operator need not guess. */
@Component
class IngestAnnouncement {

    private static final Logger LOG = LoggerFactory.getLogger(IngestAnnouncement.class);

    private final SyslogProperties syslog;
    private final IngestProperties ingest;
    private final KafkaProperties kafka;
    private final SiemProperties siem;
    private final SlackProperties slack;
    private final AbuseIpDbProperties abuseIpDb;
    private final routes.store.ElasticsearchProperties elasticsearch;
    private final routes.enrich.GeoIp geoIp;

    private final routes.ingest.IngestLimits limits;

    IngestAnnouncement(SyslogProperties syslog, IngestProperties ingest, KafkaProperties kafka, SiemProperties siem,
                       SlackProperties slack, AbuseIpDbProperties abuseIpDb,
                       routes.store.ElasticsearchProperties elasticsearch, routes.enrich.GeoIp geoIp,
                       routes.ingest.IngestLimits limits) {
        this.limits = limits;
        this.geoIp = geoIp;
        this.elasticsearch = elasticsearch;
        this.syslog = syslog;
        this.ingest = ingest;
        this.kafka = kafka;
        this.siem = siem;
        this.slack = slack;
        this.abuseIpDb = abuseIpDb;
    }

    @EventListener(ApplicationReadyEvent.class)
    void announce() {
        LOG.info("Syslog: UDP {}:{} and TCP {}:{} (newline or octet-counted), messages up to {}", syslog.host(),
                syslog.udpPort(), syslog.host(), syslog.tcpPort(), limits.maxRecordSize());
        LOG.info("Limits: records up to {}, other fields of JSON records up to {}, {} records a request, {} levels of "
                + "nesting; each pipeline queue holds up to {} records or {}", limits.maxRecordSize(),
                limits.maxFieldSize(), limits.maxRecordsPerRequest(), limits.maxDepth(), limits.queueRecords(),
                limits.queueBytes());
        LOG.info("HTTP: POST /api/ingest_log with X-API-Key ({} configured key(s))", ingest.apiKeys().stream()
                .filter(k -> !k.isBlank()).count());
        LOG.info("Files: inbox {}; following {}", IngestBeans.inboxDir(ingest, siem),
                ingest.tailFiles().isEmpty() ? "no files (siem.ingest.tail-files is empty)" : ingest.tailFiles());
        if (kafka.enabled()) {
            LOG.info("Kafka: consuming {} from {} as group {}; alerts out on {}<severity>", kafka.logsTopic(),
                    kafka.bootstrapServers(), kafka.groupId(), kafka.alertTopicPrefix());
        } else {
            LOG.info("Kafka: off, neither logs in nor alerts out (siem.kafka.bootstrap-servers is empty)");
        }
        LOG.info("Slack: {}", slack.enabled() ? "critical alerts to the configured webhook"
                + (slack.channels().isEmpty() ? "" : " " + slack.channels()) : "off (siem.slack.webhook-url is empty)");
        LOG.info("Elasticsearch: {}", elasticsearch.uriList().isEmpty()
                ? "off, events in the embedded index (siem.elasticsearch.uris is empty)"
                : "events and alerts in " + elasticsearch.uriList() + " (" + elasticsearch.eventsPrefix() + "-*, "
                + elasticsearch.alertsIndex() + ")");
        LOG.info("AbuseIPDB: {}", abuseIpDb.enabled() ? "reputation of alerts' public sources, at most "
                + abuseIpDb.dailyQuota() + " lookups a day" : "off (siem.abuseipdb.api-key is empty)");
        LOG.info("GeoIP: {}", geoIp.enabled() ? "public addresses located with " + geoIp.description()
                : geoIp.description());
        LOG.info("Data directory: {}", siem.dataDir().toAbsolutePath());
    }
}
