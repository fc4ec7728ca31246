package routes.ingest;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.List;

/**
 * The keys that may post logs. Configured keys are used as given; with none configured, a key is generated at
 * first start, kept in {@code <data-dir>/ingest-api-key} (owner-only) and printed once to the console, never to
 * the log.
 */
public final class IngestApiKeys {

    private static final Logger LOG = LoggerFactory.getLogger(IngestApiKeys.class);

    private final List<byte[]> keys;

    public IngestApiKeys(List<String> configured, Path dataDir) {
        List<String> usable = configured.stream().map(String::trim).filter(k -> !k.isEmpty()).toList();
        if (usable.isEmpty()) {
            usable = List.of(generated(dataDir.resolve("ingest-api-key")));
        }
        this.keys = usable.stream().map(k -> k.getBytes(StandardCharsets.UTF_8)).toList();
    }

    /** True when the presented key is one of the accepted keys (compared in constant time). */
    public boolean accepts(String presented) {
        if (presented == null || presented.isEmpty()) {
            return false;
        }
        byte[] given = presented.getBytes(StandardCharsets.UTF_8);
        boolean match = false;
        for (byte[] key : keys) {
            match |= MessageDigest.isEqual(key, given);
        }
        return match;
    }

    private static String generated(Path file) {
        try {
            if (Files.exists(file)) {
                String key = Files.readString(file, StandardCharsets.UTF_8).trim();
                if (!key.isEmpty()) {
                    LOG.info("Ingest API key read from {}", file);
                    return key;
                }
            }
            byte[] random = new byte[24];
            new SecureRandom().nextBytes(random);
            String key = HexFormat.of().formatHex(random);
            Files.createDirectories(file.getParent());
            Files.writeString(file, key + "\n", StandardCharsets.UTF_8);
            try {
                Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
            } catch (UnsupportedOperationException ignored) {
                // not a POSIX file system: the file keeps the directory's permissions
            }
            LOG.warn("No siem.ingest.api-keys configured: generated one, kept in {}", file);
            System.out.println("Caravan ingest API key (shown once, kept in " + file + "): " + key);
            return key;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot keep the generated ingest API key at " + file, e);
        }
    }
}
