package routes.ingest;

import io.netty.channel.ChannelHandler;
import org.apache.camel.component.netty.ChannelHandlerFactory;
import org.apache.camel.component.netty.DefaultChannelHandlerFactory;
import org.apache.camel.component.seda.SedaComponent;
import org.apache.camel.spi.CamelEvent;
import org.apache.camel.spi.ComponentCustomizer;
import org.apache.camel.spi.EventNotifier;
import org.apache.camel.support.EventNotifierSupport;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Beans the ingest routes refer to by name. */
@Configuration(proxyBeanMethods = false)
public class IngestConfiguration {

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(IngestConfiguration.class);

    /**
     * Every {@code seda:} queue of the pipeline bounded in records and bytes as well as in batches
     * ({@code camel.component.seda.queue-size}); a full queue blocks its senders (default-block-when-full).
     */
    @Bean
    ComponentCustomizer pipelineQueues(IngestLimits limits) {
        PipelineQueues queues = new PipelineQueues(limits.queueRecords(), limits.queueBytes().toBytes());
        return ComponentCustomizer.builder(SedaComponent.class).build(seda -> seda.setDefaultQueueFactory(queues));
    }

    /**
     * What each pipeline queue holds, in records and estimated bytes ({@code caravan.queue.records{queue}},
     * {@code caravan.queue.bytes{queue}}), registered once the routes have made their queues.
     */
    @Bean
    EventNotifier pipelineQueueMetrics(io.micrometer.core.instrument.MeterRegistry meters) {
        return new EventNotifierSupport() {
            @Override
            public void notify(CamelEvent event) {
                var camel = ((CamelEvent.CamelContextStartedEvent) event).getContext();
                for (var endpoint : camel.getEndpoints()) {
                    if (endpoint instanceof org.apache.camel.component.seda.SedaEndpoint seda
                            && seda.getQueue() instanceof PipelineQueues.Bounded queue) {
                        String name = seda.getEndpointBaseUri().replaceFirst("^seda:/*", "");
                        io.micrometer.core.instrument.Gauge.builder("caravan.queue.records", queue,
                                PipelineQueues.Bounded::queuedRecords).tag("queue", name)
                                .description("records waiting in a pipeline queue").register(meters);
                        io.micrometer.core.instrument.Gauge.builder("caravan.queue.bytes", queue,
                                PipelineQueues.Bounded::queuedBytes).tag("queue", name).baseUnit("bytes")
                                .description("estimated bytes waiting in a pipeline queue").register(meters);
                    }
                }
            }

            @Override
            public boolean isEnabled(CamelEvent event) {
                return event instanceof CamelEvent.CamelContextStartedEvent;
            }
        };
    }

    /** The open syslog TCP connections, drained on a stop ({@code decoders=#syslogConnections,...}). */
    @Bean
    SyslogConnections syslogConnections() {
        return new SyslogConnections();
    }

    /**
     * A stop drains the pipeline: when Camel starts stopping, the syslog TCP connections are read until they are
     * done, then the journal until the pipeline has read and stored everything in it (each at most
     * {@code siem.shutdown.timeout}; what is left in the journal is read at the next start); then Camel stops the
     * routes, waiting for every seda queue to drain (the routes' {@code shutdownRunningTask: CompleteAllTasks}).
     */
    @Bean
    EventNotifier syslogDrainOnStop(SyslogConnections connections, Journal journal, ShutdownProperties shutdown) {
        return new EventNotifierSupport() {
            @Override
            public void notify(CamelEvent event) throws Exception {
                if (event instanceof CamelEvent.CamelContextStoppingEvent stopping) {
                    stopping.getContext().getShutdownStrategy().setTimeout(shutdown.timeout().toSeconds());
                    connections.drain(shutdown.quiet(), shutdown.timeout());
                    if (!journal.awaitDrained(shutdown.timeout())) {
                        LOG.warn("Stopping with records in the journal the pipeline has not stored yet; the next "
                                + "start reads them");
                    }
                }
            }

            @Override
            public boolean isEnabled(CamelEvent event) {
                return event instanceof CamelEvent.CamelContextStoppingEvent;
            }
        };
    }

    /** {@code decoders=#syslogTcpFraming}: a new frame decoder for each TCP connection. */
    @Bean
    ChannelHandlerFactory syslogTcpFraming(SyslogProperties syslog, IngestLimits limits) {
        int max = limits.recordChars();
        return new DefaultChannelHandlerFactory() {
            @Override
            public ChannelHandler newChannelHandler() {
                return new SyslogFrameDecoder(max, syslog.maxBatch());
            }
        };
    }

    /** {@code decoders=#syslogUdpFraming}: datagram reader for the UDP listener. */
    @Bean
    ChannelHandlerFactory syslogUdpFraming(SyslogProperties syslog, IngestLimits limits) {
        int max = limits.recordChars();
        return new DefaultChannelHandlerFactory() {
            @Override
            public ChannelHandler newChannelHandler() {
                return new SyslogDatagramDecoder(max, syslog.maxBatch());
            }
        };
    }
}
