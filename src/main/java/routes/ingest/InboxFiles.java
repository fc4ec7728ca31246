package routes.ingest;

import routes.model.RawLog;
import org.apache.camel.Exchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Properties;
import java.util.zip.GZIPInputStream;

/**
 * Reads a file dropped into the inbox as batches of lines (plain or gzip, any size, streamed). How many lines of
 * each file were journaled is kept with the lines in the journal (each batch carries the file's position after it),
 * and in {@code <data-dir>/inbox-progress.properties} once the next batch is asked for, so a file interrupted by a
 * restart, or a kill, continues where it stopped and no line is read twice.
 */
public final class InboxFiles {

    private static final Logger LOG = LoggerFactory.getLogger(InboxFiles.class);

    private final Path progressFile;
    private final int maxLine;
    private final int batchSize;
    private final Properties progress = new Properties();
    private final SourcePositions journaled;

    /** @param journaled the positions the journal holds (the journal itself) */
    public InboxFiles(Path progressFile, int maxLine, int batchSize, SourcePositions journaled) {
        this.progressFile = progressFile;
        this.journaled = journaled;
        this.maxLine = maxLine;
        this.batchSize = batchSize;
        if (Files.exists(progressFile)) {
            try (InputStream in = Files.newInputStream(progressFile)) {
                progress.load(in);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + progressFile, e);
            }
        }
    }

    /**
     * The file's lines in batches for a streaming split, each with the file's position after it (for
     * {@link Journal#appendFrom}); each batch is taken as handed on when the next is asked.
     */
    public Iterator<Journal.Sourced> batches(Exchange exchange) throws IOException {
        Path path = Path.of(exchange.getMessage().getHeader(Exchange.FILE_PATH, String.class));
        String key = key(path);
        String source = source(key);
        long done = Math.max(Long.parseLong(progress.getProperty(key, "0")), journaled.position(source));
        InputStream raw = new BufferedInputStream(Files.newInputStream(path), 65536);
        LineReader reader = new LineReader(gzipped(raw) ? new GZIPInputStream(raw, 65536) : raw, maxLine);
        String origin = path.toAbsolutePath().toString();
        for (long skipped = 0; skipped < done && reader.next() != null; skipped++) {
            // already handed on before a restart
        }
        if (done > 0) {
            LOG.info("Resuming {} after line {}", path, done);
        }
        return new Iterator<>() {
            private List<RawLog> next = read();
            private long lines = done;
            private long inNext;
            private long inCurrent;

            private List<RawLog> read() {
                try {
                    List<RawLog> batch = new ArrayList<>(batchSize);
                    Instant received = Instant.now();
                    long count = 0;
                    LineReader.Line line;
                    while (batch.size() < batchSize && (line = reader.next()) != null) {
                        count++;
                        if (!line.text().isBlank()) {
                            batch.add(new RawLog(line.text(), null, received, "file", origin, line.truncated()));
                        }
                    }
                    inNext = count;
                    if (count == 0) {
                        raw.close();
                        return null;
                    }
                    return batch;
                } catch (IOException e) {
                    closeQuietly(raw);
                    throw new UncheckedIOException("reading " + path + " failed", e);
                }
            }

            @Override
            public boolean hasNext() {
                return next != null;
            }

            /** Asked for the next batch, the split has handed the previous one on: record it. */
            @Override
            public Journal.Sourced next() {
                if (next == null) {
                    throw new NoSuchElementException();
                }
                if (inCurrent > 0) {
                    lines += inCurrent;
                    record(key, lines);
                }
                List<RawLog> current = next;
                inCurrent = inNext;
                next = read();
                return new Journal.Sourced(current, source, lines + inCurrent);
            }
        };
    }

    /**
     * Records a file as wholly handed on, before it is moved to {@code .done}: if the move is interrupted, a
     * restart finds every line already read.
     */
    public void completed(Exchange exchange) throws IOException {
        Path path = Path.of(exchange.getMessage().getHeader(Exchange.FILE_PATH, String.class));
        String key = key(path);
        record(key, Long.MAX_VALUE);
        // the progress file says it all now; the journal need not carry the file's position any longer
        journaled.forget(source(key));
    }

    /** Forgets files that are no longer in the inbox. */
    public synchronized void forgetMissing(Path inbox) throws IOException {
        boolean changed = progress.keySet().removeIf(key -> {
            String name = key.toString().substring(0, key.toString().indexOf('|'));
            return !Files.exists(inbox.resolve(name));
        });
        if (changed) {
            save();
        }
    }

    /**
     * Writes why a file failed beside it in {@code .failed}, as {@code <name>.reason}, then fails the exchange again
     * so that the file consumer moves the file there.
     */
    public void failed(Exchange exchange) throws Exception {
        Path path = Path.of(exchange.getMessage().getHeader(Exchange.FILE_PATH, String.class));
        Exception cause = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class);
        Path failedDir = path.getParent().resolve(".failed");
        Files.createDirectories(failedDir);
        String reason = cause == null ? "unknown failure" : cause.getClass().getSimpleName() + ": " + cause.getMessage();
        Files.writeString(failedDir.resolve(path.getFileName() + ".reason"), reason + "\n", StandardCharsets.UTF_8);
        LOG.warn("Inbox file {} failed and moves to .failed: {}", path.getFileName(), reason);
        throw cause != null ? cause : new IOException(reason);
    }

    private synchronized void record(String key, long lines) {
        progress.setProperty(key, Long.toString(lines));
        try {
            save();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot record progress in " + progressFile, e);
        }
    }

    private void save() throws IOException {
        Files.createDirectories(progressFile.getParent());
        Path temp = progressFile.resolveSibling(progressFile.getFileName() + ".tmp");
        try (var out = Files.newOutputStream(temp)) {
            progress.store(out, "lines of each inbox file already handed on");
        }
        Files.move(temp, progressFile, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /** The source a file's position is journaled under. */
    static String source(String key) {
        return "inbox:" + key;
    }

    /** A file is known by name, size and modification time: a new file under an old name starts over. */
    private static String key(Path path) throws IOException {
        BasicFileAttributes attributes = Files.readAttributes(path, BasicFileAttributes.class);
        return path.getFileName() + "|" + attributes.size() + "|" + attributes.lastModifiedTime().toMillis();
    }

    private static boolean gzipped(InputStream in) throws IOException {
        in.mark(2);
        int b1 = in.read();
        int b2 = in.read();
        in.reset();
        return b1 == 0x1f && b2 == 0x8b;
    }

    private static void closeQuietly(InputStream in) {
        try {
            in.close();
        } catch (IOException ignored) {
            // already failing: the first error is the one reported
        }
    }
}
