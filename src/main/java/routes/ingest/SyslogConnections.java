package routes.ingest;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.util.concurrent.GlobalEventExecutor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The open syslog TCP connections, so that a stop can drain them: first in the listener's Netty pipeline
 * ({@code decoders=#syslogConnections,#syslogTcpFraming}), it knows each connection and when it last sent. On
 * {@link #drain}, new connections are closed as they come, and the open ones are read on until their senders close
 * them or go quiet; only then is the listener stopped. Bytes a sender wrote before the stop are read and handed on,
 * not left in the socket to be thrown away when it closes.
 */
@ChannelHandler.Sharable
public final class SyslogConnections extends ChannelInboundHandlerAdapter {

    private static final Logger LOG = LoggerFactory.getLogger(SyslogConnections.class);

    private final ChannelGroup open = new DefaultChannelGroup("syslog-tcp", GlobalEventExecutor.INSTANCE);
    private final AtomicLong lastRead = new AtomicLong(System.nanoTime());
    /**
     * Reads being handed on now: a connection whose records wait for room in a full queue is not quiet, though it
     * reads nothing meanwhile (the bytes its sender goes on writing wait in the socket).
     */
    private final AtomicInteger handing = new AtomicInteger();
    private volatile boolean draining;

    @Override
    public void channelActive(ChannelHandlerContext ctx) throws Exception {
        if (draining) {
            // stopping: a new sender is turned away before it sends, and will send to the next appliance start
            ctx.close();
            return;
        }
        open.add(ctx.channel());
        lastRead.set(System.nanoTime());
        super.channelActive(ctx);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
        handing.incrementAndGet();
        try {
            super.channelRead(ctx, msg);
        } finally {
            lastRead.set(System.nanoTime());
            handing.decrementAndGet();
        }
    }

    /** The frame decoder hands its batch on here; while the pipeline's queue is full this waits, and is not quiet. */
    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) throws Exception {
        handing.incrementAndGet();
        try {
            super.channelReadComplete(ctx);
        } finally {
            lastRead.set(System.nanoTime());
            handing.decrementAndGet();
        }
    }

    /** Connections open now. */
    public int size() {
        return open.size();
    }

    /**
     * Takes no more connections, and waits until every open one is closed by its sender or none has sent for
     * {@code quiet}, for {@code timeout} at most; returns the connections still open.
     */
    public int drain(Duration quiet, Duration timeout) throws InterruptedException {
        draining = true;
        long began = System.nanoTime();
        long deadline = began + timeout.toNanos();
        if (!open.isEmpty()) {
            LOG.info("Stopping: reading {} open syslog TCP connection(s) until their senders close them or go quiet",
                    open.size());
        }
        while (!open.isEmpty()) {
            long now = System.nanoTime();
            // quiet counts from the stop at the earliest: a sender whose bytes wait unread in the socket (a
            // connection opened just before, not read yet) has its turn too
            if (handing.get() == 0 && now - Math.max(lastRead.get(), began) >= quiet.toNanos()) {
                break;
            }
            if (now >= deadline) {
                LOG.warn("Stopping: {} syslog TCP connection(s) still sending after {}; closing them", open.size(),
                        timeout);
                break;
            }
            Thread.sleep(20);
        }
        return open.size();
    }
}
