package routes.ingest;

import routes.model.RawLog;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.DatagramPacket;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Reads syslog over UDP (RFC 5426): one message per datagram, trailing newline or NUL removed, cut at the size
 * limit. Datagrams are handed on together as one {@code List<RawLog>} once the batch is full or at most
 * {@link #LINGER_MILLIS} after its first datagram: a read loop yields only a few datagrams, and batches that small
 * would fill the bounded queue behind this decoder long before its memory, and the kernel would drop the rest.
 */
public final class SyslogDatagramDecoder extends ChannelInboundHandlerAdapter {

    static final long LINGER_MILLIS = 10;

    private final int maxFrame;
    private final int maxBatch;
    private boolean flushScheduled;
    private List<RawLog> batch = new ArrayList<>();
    private byte[] scratch = new byte[2048];

    public SyslogDatagramDecoder(int maxFrame, int maxBatch) {
        this.maxFrame = maxFrame;
        this.maxBatch = maxBatch;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof DatagramPacket packet)) {
            ctx.fireChannelRead(msg);
            return;
        }
        try {
            ByteBuf content = packet.content();
            int length = content.readableBytes();
            if (scratch.length < length) {
                scratch = new byte[Math.max(length, scratch.length * 2)];
            }
            content.readBytes(scratch, 0, length);
            int len = length;
            while (len > 0 && (scratch[len - 1] == '\n' || scratch[len - 1] == '\r' || scratch[len - 1] == 0)) {
                len--;
            }
            if (len > 0) {
                boolean truncated = len > maxFrame;
                String text = Utf8Text.decode(scratch, 0, Math.min(len, maxFrame));
                batch.add(new RawLog(text, null, Instant.now(), "udp",
                        SyslogFrameDecoder.address(packet.sender()), truncated));
            }
        } finally {
            packet.release();
        }
        if (batch.size() >= maxBatch) {
            flush(ctx);
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        if (!batch.isEmpty() && !flushScheduled) {
            flushScheduled = true;
            ctx.executor().schedule(() -> {
                flushScheduled = false;
                flush(ctx);
            }, LINGER_MILLIS, TimeUnit.MILLISECONDS);
        }
        ctx.fireChannelReadComplete();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        flush(ctx);
        super.channelInactive(ctx);
    }

    private void flush(ChannelHandlerContext ctx) {
        if (!batch.isEmpty()) {
            List<RawLog> out = batch;
            batch = new ArrayList<>(Math.min(maxBatch, Math.max(16, out.size() * 2)));
            ctx.fireChannelRead(out);
        }
    }
}
