package routes.ingest;

import io.netty.channel.ChannelHandler;
import org.apache.camel.component.netty.ChannelHandlerFactory;
import org.apache.camel.component.netty.DefaultChannelHandlerFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Beans the ingest routes refer to by name. */
@Configuration(proxyBeanMethods = false)
public class IngestConfiguration {

    /** {@code decoders=#syslogTcpFraming}: a new frame decoder for each TCP connection. */
    @Bean
    ChannelHandlerFactory syslogTcpFraming(SyslogProperties syslog) {
        int max = (int) syslog.maxMessageSize().toBytes();
        return new DefaultChannelHandlerFactory() {
            @Override
            public ChannelHandler newChannelHandler() {
                return new SyslogFrameDecoder(max, syslog.maxBatch());
            }
        };
    }

    /** {@code decoders=#syslogUdpFraming}: datagram reader for the UDP listener. */
    @Bean
    ChannelHandlerFactory syslogUdpFraming(SyslogProperties syslog) {
        int max = (int) syslog.maxMessageSize().toBytes();
        return new DefaultChannelHandlerFactory() {
            @Override
            public ChannelHandler newChannelHandler() {
                return new SyslogDatagramDecoder(max, syslog.maxBatch());
            }
        };
    }
}
