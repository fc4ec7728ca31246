package routes.ingest;

import routes.model.RawLog;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.zip.GZIPOutputStream;

import static org.assertj.core.api.Assertions.assertThat;

class InboxFilesTest {

    @TempDir
    Path dir;
    private final CamelContext camel = new DefaultCamelContext();

    private Path inboxFile(String name, int lines) throws Exception {
        Path file = dir.resolve("inbox").resolve(name);
        Files.createDirectories(file.getParent());
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < lines; i++) {
            text.append("line ").append(i).append('\n');
        }
        if (name.endsWith(".gz")) {
            try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(file))) {
                out.write(text.toString().getBytes(StandardCharsets.UTF_8));
            }
        } else {
            Files.writeString(file, text);
        }
        return file;
    }

    private Exchange exchangeFor(Path file) {
        Exchange exchange = new DefaultExchange(camel);
        exchange.getMessage().setHeader(Exchange.FILE_PATH, file.toString());
        return exchange;
    }

    private InboxFiles inbox() {
        return new InboxFiles(dir.resolve("progress.properties"), 65536, 100, SourcePositions.NONE);
    }

    private static List<String> take(Iterator<Journal.Sourced> batches, int count) {
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < count && batches.hasNext(); i++) {
            batches.next().records().forEach(raw -> lines.add(raw.text()));
        }
        return lines;
    }

    @Test
    void gzippedFilesAreReadInBatches() throws Exception {
        Path file = inboxFile("app.log.gz", 250);
        Iterator<Journal.Sourced> batches = inbox().batches(exchangeFor(file));
        List<String> lines = take(batches, 10);
        assertThat(lines).hasSize(250).startsWith("line 0").endsWith("line 249");
        assertThat(batches.hasNext()).isFalse();
    }

    @Test
    void aRestartInTheMiddleOfAFileContinuesAfterTheBatchesHandedOn() throws Exception {
        Path file = inboxFile("big.log", 450);
        // first run: three batches handed on (asking for the fourth records the third), then the appliance stops
        Iterator<Journal.Sourced> first = inbox().batches(exchangeFor(file));
        List<String> before = take(first, 4);
        assertThat(before).hasSize(400);
        // after the restart the 300 lines recorded as handed on are skipped; the fourth batch is read again
        Iterator<Journal.Sourced> second = inbox().batches(exchangeFor(file));
        List<String> after = take(second, 10);
        assertThat(after).hasSize(150).startsWith("line 300").endsWith("line 449");
    }

    @Test
    void aRestartContinuesAfterTheLastBatchTheJournalHoldsEvenWhenTheProgressFileLagsBehind() throws Exception {
        Path file = inboxFile("killed.log", 450);
        Iterator<Journal.Sourced> first = inbox().batches(exchangeFor(file));
        // two batches journaled; killed before the third was asked for, so the progress file names only the first
        first.next();
        Journal.Sourced second = first.next();
        assertThat(second.position()).isEqualTo(200);
        InboxFiles restarted = new InboxFiles(dir.resolve("progress.properties"), 65536, 100, new SourcePositions() {
            @Override
            public long position(String source) {
                return source.equals(second.source()) ? second.position() : -1;
            }

            @Override
            public void forget(String source) {
            }
        });

        assertThat(take(restarted.batches(exchangeFor(file)), 10)).hasSize(250).startsWith("line 200");
    }

    @Test
    void aFileRecordedAsCompletedIsNotReadAgain() throws Exception {
        Path file = inboxFile("done.log", 120);
        InboxFiles files = inbox();
        take(files.batches(exchangeFor(file)), 10);
        files.completed(exchangeFor(file));
        assertThat(take(inbox().batches(exchangeFor(file)), 10)).isEmpty();
    }

    @Test
    void progressOfFilesNoLongerInTheInboxIsForgotten() throws Exception {
        Path file = inboxFile("gone.log", 10);
        InboxFiles files = inbox();
        take(files.batches(exchangeFor(file)), 10);
        files.completed(exchangeFor(file));
        Files.delete(file);
        files.forgetMissing(dir.resolve("inbox"));
        assertThat(Files.readString(dir.resolve("progress.properties"))).doesNotContain("gone.log");
    }
}
