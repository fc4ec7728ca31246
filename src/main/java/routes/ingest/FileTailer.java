package routes.ingest;

import routes.model.RawLog;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;

/**
 * Follows growing log files ({@code tail -F}): reads the lines added since the last poll, follows a file through
 * rotation (renamed away and recreated: the old file is read to its end first) and truncation, and keeps each
 * file's identity and position in {@code <data-dir>/tail-positions.properties} so a restart resumes where it
 * stopped, even when the file was rotated while the appliance was down.
 */
public final class FileTailer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(FileTailer.class);
    private static final int MAX_READ_PER_POLL = 8 * 1024 * 1024;
    private static final int FINGERPRINT = 64;

    private final Map<Path, Tail> tails = new LinkedHashMap<>();
    private final Path stateFile;
    private final int maxLine;

    public FileTailer(List<Path> files, Path stateFile, int maxLine) {
        this.stateFile = stateFile;
        this.maxLine = maxLine;
        Properties saved = load(stateFile);
        for (Path file : files) {
            Path path = file.toAbsolutePath();
            Tail tail = new Tail(path);
            String state = saved.getProperty(path.toString());
            if (state != null) {
                String[] parts = state.split("\\|", -1);
                tail.savedKey = parts[0];
                tail.savedPosition = Long.parseLong(parts[1]);
                tail.fingerprint = parts.length > 2 ? HexFormat.of().parseHex(parts[2]) : new byte[0];
            }
            tails.put(path, tail);
        }
    }

    /** The lines added to the followed files since the last poll (at most a few MiB per file per poll). */
    public synchronized List<RawLog> poll() {
        List<RawLog> lines = new ArrayList<>();
        for (Tail tail : tails.values()) {
            try {
                tail.poll(lines);
            } catch (IOException e) {
                LOG.warn("Cannot read {}: {}", tail.path, e.getMessage());
                tail.close();
            }
        }
        return lines;
    }

    /** Saves every file's position; called once the polled lines have been handed on. */
    public synchronized void commit() {
        Properties state = new Properties();
        for (Tail tail : tails.values()) {
            String key = tail.channel != null ? tail.key : tail.savedKey;
            long position = tail.channel != null ? tail.position : tail.savedPosition;
            if (key != null) {
                state.setProperty(tail.path.toString(), key + "|" + position + "|"
                        + HexFormat.of().formatHex(tail.fingerprint));
            }
        }
        try {
            Files.createDirectories(stateFile.getParent());
            Path temp = stateFile.resolveSibling(stateFile.getFileName() + ".tmp");
            try (var out = Files.newOutputStream(temp)) {
                state.store(out, "followed files: identity|byte position|last bytes before it (hex)");
            }
            Files.move(temp, stateFile, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot save tail positions to " + stateFile, e);
        }
    }

    @Override
    public synchronized void close() {
        tails.values().forEach(Tail::close);
    }

    private static Properties load(Path file) {
        Properties properties = new Properties();
        if (Files.exists(file)) {
            try (InputStream in = Files.newInputStream(file)) {
                properties.load(in);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + file, e);
            }
        }
        return properties;
    }

    private static String identity(Path path) throws IOException {
        BasicFileAttributes attributes = Files.readAttributes(path, BasicFileAttributes.class);
        Object key = attributes.fileKey();
        return key != null ? key.toString() : "created=" + attributes.creationTime().toMillis();
    }

    /** One followed file. */
    private final class Tail {
        final Path path;
        FileChannel channel;
        String key;
        long position;
        String savedKey;
        long savedPosition;
        /** The bytes just before the position: if they change, the file was truncated and written again. */
        byte[] fingerprint = new byte[0];

        Tail(Path path) {
            this.path = path;
        }

        void poll(List<RawLog> out) throws IOException {
            if (channel == null && !open(out)) {
                return;
            }
            if (rewritten()) {
                LOG.info("{} was truncated and rewritten; reading it from the start", path);
                position = 0;
            }
            read(out, false);
            String current;
            try {
                current = identity(path);
            } catch (NoSuchFileException e) {
                return;
            }
            if (!current.equals(key)) {
                // Rotated: the old file has been read to its end above; its last line may lack a newline.
                read(out, true);
                LOG.info("{} was rotated; following the new file", path);
                close();
                if (open(out)) {
                    read(out, false);
                }
            } else if (rewritten()) {
                LOG.info("{} was truncated; reading it from the start", path);
                position = 0;
                read(out, false);
            }
        }

        private boolean open(List<RawLog> out) throws IOException {
            if (!Files.exists(path)) {
                return false;
            }
            String current = identity(path);
            long start = 0;
            if (savedKey != null) {
                if (savedKey.equals(current)) {
                    start = savedPosition;
                } else {
                    drainRotatedWhileDown(out);
                }
                savedKey = null;
            }
            channel = FileChannel.open(path, StandardOpenOption.READ);
            key = current;
            position = start <= channel.size() ? start : 0;
            if (rewritten()) {
                position = 0;
            }
            return true;
        }

        /** True when the bytes before the position are no longer the ones read there (copytruncate). */
        private boolean rewritten() throws IOException {
            if (position == 0 || fingerprint.length == 0) {
                return false;
            }
            if (channel.size() < position) {
                return true;
            }
            ByteBuffer now = ByteBuffer.allocate(fingerprint.length);
            channel.read(now, position - fingerprint.length);
            return !Arrays.equals(now.array(), fingerprint);
        }

        private void remember() throws IOException {
            int length = (int) Math.min(FINGERPRINT, position);
            ByteBuffer last = ByteBuffer.allocate(length);
            channel.read(last, position - length);
            fingerprint = last.array();
        }

        /** The file we were following was rotated while we were stopped: finish it from its rotated name. */
        private void drainRotatedWhileDown(List<RawLog> out) throws IOException {
            Path dir = path.getParent();
            String base = path.getFileName().toString();
            try (DirectoryStream<Path> siblings = Files.newDirectoryStream(dir, base + "*")) {
                for (Path sibling : siblings) {
                    if (!sibling.equals(path) && Files.isRegularFile(sibling)
                            && Objects.equals(identity(sibling), savedKey)) {
                        LOG.info("{} was rotated to {} while stopped; reading the rest of it first", path, sibling);
                        try (FileChannel old = FileChannel.open(sibling, StandardOpenOption.READ)) {
                            long at = savedPosition;
                            while (at < old.size()) {
                                at = readLines(old, at, out, true, sibling.toString());
                            }
                        }
                        return;
                    }
                }
            }
        }

        private void read(List<RawLog> out, boolean toEnd) throws IOException {
            long start = position;
            long limit = position + MAX_READ_PER_POLL;
            while (position < channel.size() && position < limit) {
                long next = readLines(channel, position, out, toEnd, path.toString());
                if (next == position) {
                    break;
                }
                position = next;
            }
            if (position != start) {
                remember();
            }
        }

        void close() {
            if (channel != null) {
                try {
                    channel.close();
                } catch (IOException ignored) {
                    // closing a read-only channel: nothing to lose
                }
                channel = null;
            }
        }
    }

    /**
     * Reads whole lines from the position; returns the position after the last complete line (a partial last line
     * waits for its newline, unless {@code takePartial}, when the file is finished).
     */
    private long readLines(FileChannel channel, long from, List<RawLog> out, boolean takePartial, String origin)
            throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate((int) Math.min(1 << 20, Math.max(1, channel.size() - from)));
        int read = channel.read(buffer, from);
        if (read <= 0) {
            return from;
        }
        byte[] bytes = buffer.array();
        Instant received = Instant.now();
        int lineStart = 0;
        for (int i = 0; i < read; i++) {
            if (bytes[i] == '\n') {
                emit(bytes, lineStart, i - lineStart, received, origin, out);
                lineStart = i + 1;
            }
        }
        if (lineStart == 0 && read > maxLine) {
            emit(bytes, 0, read, received, origin, out);
            return from + read;
        }
        if (takePartial && lineStart < read && from + read >= channel.size()) {
            emit(bytes, lineStart, read - lineStart, received, origin, out);
            return from + read;
        }
        return from + lineStart;
    }

    private void emit(byte[] bytes, int offset, int length, Instant received, String origin, List<RawLog> out) {
        int len = length;
        while (len > 0 && bytes[offset + len - 1] == '\r') {
            len--;
        }
        boolean truncated = len > maxLine;
        if (len > 0) {
            out.add(new RawLog(Utf8Text.decode(bytes, offset, Math.min(len, maxLine)), null, received, "file", origin,
                    truncated));
        }
    }
}
