package routes.ingest;

import routes.model.RawLog;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Frames syslog over TCP (RFC 6587). Each frame is read either as octet-counted ({@code 123 <34>1 ...}: digits, a
 * space, then a message starting with {@code <}) or as newline-terminated, decided frame by frame, so one port
 * takes both kinds of sender. Frames longer than the limit are cut and flagged. An octet count the data
 * contradicts (inside the counted bytes a line starts with a syslog priority, {@code \n<13>}) ends its frame at
 * that newline, flagged, and reading goes on with the frame there. Frames read from one socket read
 * are handed on together as one {@code List<RawLog>}, so a busy connection costs one exchange per read, not per
 * line. One instance per connection.
 */
public final class SyslogFrameDecoder extends ChannelInboundHandlerAdapter {

    private static final int MAX_LENGTH_DIGITS = 9;

    private final int maxFrame;
    private final int maxBatch;
    private byte[] buffer = new byte[8192];
    private int start;
    private int end;
    /** Bytes of the octet-counted frame being read already checked for a contradicting frame start. */
    private int scanned;
    /** Bytes still to skip of a frame that was cut at the limit; -1 means skip to the next newline. */
    private long skipping;
    private List<RawLog> batch = new ArrayList<>();
    private String origin;

    public SyslogFrameDecoder(int maxFrame, int maxBatch) {
        this.maxFrame = maxFrame;
        this.maxBatch = maxBatch;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) throws Exception {
        origin = address(ctx.channel().remoteAddress());
        super.channelActive(ctx);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof ByteBuf in)) {
            ctx.fireChannelRead(msg);
            return;
        }
        try {
            append(in);
        } finally {
            in.release();
        }
        Instant received = Instant.now();
        while (decodeOne(received)) {
            if (batch.size() >= maxBatch) {
                flush(ctx);
            }
        }
        compact();
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        flush(ctx);
        ctx.fireChannelReadComplete();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        // A last message without its final newline is still a message.
        if (end > start && skipping == 0) {
            boolean truncated = end - start > maxFrame;
            add(start, Math.min(end - start, maxFrame), truncated, Instant.now());
            start = end;
        }
        flush(ctx);
        super.channelInactive(ctx);
    }

    private void flush(ChannelHandlerContext ctx) {
        if (!batch.isEmpty()) {
            List<RawLog> out = batch;
            batch = new ArrayList<>(Math.min(out.size() * 2, maxBatch));
            ctx.fireChannelRead(out);
        }
    }

    /** Reads one frame from the buffer if a whole one is there; false when more bytes are needed. */
    private boolean decodeOne(Instant received) {
        if (skipping != 0) {
            return skip();
        }
        while (start < end && (buffer[start] == '\n' || buffer[start] == '\r' || buffer[start] == 0)) {
            start++;
        }
        if (start >= end) {
            return false;
        }
        if (isDigit(buffer[start])) {
            int i = start;
            while (i < end && i - start <= MAX_LENGTH_DIGITS && isDigit(buffer[i])) {
                i++;
            }
            if (i == end && i - start <= MAX_LENGTH_DIGITS) {
                return false;
            }
            if (i + 1 < end && buffer[i] == ' ' && buffer[i + 1] == '<' && i - start <= MAX_LENGTH_DIGITS) {
                return octetCounted(i, received);
            }
            if (i + 1 == end && buffer[i] == ' ') {
                return false;
            }
        }
        return newlineTerminated(received);
    }

    private boolean octetCounted(int space, Instant received) {
        long length = 0;
        for (int i = start; i < space; i++) {
            length = length * 10 + (buffer[i] - '0');
        }
        int body = space + 1;
        int counted = (int) Math.min(length, maxFrame);
        // what has arrived of the counted bytes is checked as it comes (from where the last read left off, less the
        // few bytes a priority spans), so a count the data contradicts is found without waiting for bytes that a
        // liar never sends
        int available = Math.min(end - body, counted);
        int lie = newFrameInside(body + Math.max(0, scanned - 6), body + available);
        if (lie >= 0) {
            // the count runs over the next frame: the frame ends at the newline before it, flagged
            scanned = 0;
            add(body, lie - body, true, received);
            start = lie + 1;
            return true;
        }
        scanned = available;
        if (available < counted) {
            return false;
        }
        scanned = 0;
        if (length <= maxFrame) {
            add(body, (int) length, false, received);
            start = body + (int) length;
            return true;
        }
        add(body, maxFrame, true, received);
        start = body + maxFrame;
        skipping = length - maxFrame;
        return true;
    }

    /**
     * Where, inside an octet-counted frame, a newline is followed by a syslog priority ({@code \n<13>}): the count
     * is contradicted by the data, since a message's own lines do not start with one. -1 when none is.
     */
    private int newFrameInside(int from, int to) {
        for (int i = from; i < to - 3; i++) {
            if (buffer[i] != '\n' || buffer[i + 1] != '<') {
                continue;
            }
            int digits = 0;
            int j = i + 2;
            while (j < to && digits < 4 && isDigit(buffer[j])) {
                j++;
                digits++;
            }
            if (digits >= 1 && digits <= 3 && j < to && buffer[j] == '>') {
                return i;
            }
        }
        return -1;
    }

    private boolean newlineTerminated(Instant received) {
        for (int i = start; i < end; i++) {
            if (buffer[i] == '\n') {
                int length = i - start;
                if (length > maxFrame) {
                    add(start, maxFrame, true, received);
                } else {
                    add(start, length, false, received);
                }
                start = i + 1;
                return true;
            }
        }
        if (end - start > maxFrame) {
            add(start, maxFrame, true, received);
            start += maxFrame;
            skipping = -1;
            return true;
        }
        return false;
    }

    private boolean skip() {
        if (skipping > 0) {
            int limit = start + (int) Math.min(end - start, skipping);
            for (int i = start; i < limit; i++) {
                if (buffer[i] != '\n') {
                    continue;
                }
                if (i + 1 >= end) {
                    // what follows this newline decides; wait for it
                    skipping -= i - start;
                    start = i;
                    return false;
                }
                if (buffer[i + 1] == '<' || isDigit(buffer[i + 1])) {
                    // the data contradicts the count (a lying 999999999 would fold every later line into the cut
                    // frame): a new line starting like a frame starts one, and reading resyncs there
                    skipping = 0;
                    start = i + 1;
                    return true;
                }
            }
            skipping -= limit - start;
            start = limit;
            return skipping == 0 && start < end;
        }
        for (int i = start; i < end; i++) {
            if (buffer[i] == '\n') {
                start = i + 1;
                skipping = 0;
                return start < end;
            }
        }
        start = end;
        return false;
    }

    private void add(int offset, int length, boolean truncated, Instant received) {
        int len = length;
        while (len > 0 && (buffer[offset + len - 1] == '\r' || buffer[offset + len - 1] == 0)) {
            len--;
        }
        String text = Utf8Text.decode(buffer, offset, len);
        batch.add(new RawLog(text, null, received, "tcp", origin, truncated));
    }

    private void append(ByteBuf in) {
        int readable = in.readableBytes();
        if (end + readable > buffer.length) {
            compact();
            if (end + readable > buffer.length) {
                int size = buffer.length;
                while (size < end + readable) {
                    size *= 2;
                }
                byte[] bigger = new byte[size];
                System.arraycopy(buffer, 0, bigger, 0, end);
                buffer = bigger;
            }
        }
        in.readBytes(buffer, end, readable);
        end += readable;
    }

    private void compact() {
        if (start == end) {
            start = 0;
            end = 0;
        } else if (start > 0) {
            System.arraycopy(buffer, start, buffer, 0, end - start);
            end -= start;
            start = 0;
        }
        // Give back a buffer grown for one huge frame once it is no longer needed.
        if (end == 0 && buffer.length > 4 * Math.max(8192, maxFrame)) {
            buffer = new byte[8192];
        }
    }

    private static boolean isDigit(byte b) {
        return b >= '0' && b <= '9';
    }

    static String address(SocketAddress address) {
        if (address instanceof InetSocketAddress inet && inet.getAddress() != null) {
            String host = inet.getAddress().getHostAddress();
            return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + inet.getPort();
        }
        return String.valueOf(address);
    }
}
