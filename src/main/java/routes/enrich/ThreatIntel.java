package routes.enrich;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import routes.model.IpAddress;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * Threat-intelligence lists ({@code bean:threatIntel}): the files in {@code siem.intel.dir}, one indicator per line
 * (an IP address, a CIDR block or a domain; {@code #} starts a comment), reloaded when a file changes. A match is
 * evidence in an alert's Bayesian breakdown. A domain also matches its subdomains.
 */
public final class ThreatIntel {

    private static final Logger LOG = LoggerFactory.getLogger(ThreatIntel.class);

    /** A listed indicator that matched, and the list (file) it is on. */
    public record Hit(String indicator, String list) {
    }

    /** The lists as loaded: addresses by prefix length (masked, hex), domains, and where each came from. */
    private record Lists(Map<Integer, Map<String, String>> networks, Map<String, String> domains, int size) {
    }

    private final Path directory;
    private volatile Lists lists = new Lists(Map.of(), Map.of(), 0);
    private volatile Map<Path, Long> seen = Map.of();

    /** The lists in {@code siem.intel.dir} ({@code <data-dir>/intel} when it is empty), read now. */
    public static ThreatIntel fromSettings(IntelProperties intel, routes.SiemProperties siem) {
        boolean named = intel.dir() != null && !intel.dir().toString().isBlank();
        ThreatIntel lists = new ThreatIntel(named ? intel.dir() : siem.dataDir().resolve("intel"));
        lists.reloadIfChanged();
        return lists;
    }

    public ThreatIntel(Path directory) {
        this.directory = directory;
    }

    /** Indicators loaded. */
    public int size() {
        return lists.size();
    }

    /** Reloads the lists when a file was added, changed or removed; returns the indicators loaded. */
    public synchronized int reloadIfChanged() {
        Map<Path, Long> now = new TreeMap<>();
        if (directory != null && Files.isDirectory(directory)) {
            try (Stream<Path> files = Files.list(directory)) {
                for (Path file : files.filter(Files::isRegularFile).sorted().toList()) {
                    now.put(file, Files.getLastModifiedTime(file).toMillis() ^ Files.size(file));
                }
            } catch (IOException e) {
                LOG.warn("Threat-intel directory {} could not be read: {}", directory, e.getMessage());
                return lists.size();
            }
        }
        if (now.equals(seen)) {
            return lists.size();
        }
        Map<Integer, Map<String, String>> networks = new HashMap<>();
        Map<String, String> domains = new HashMap<>();
        int size = 0;
        List<String> rejected = new ArrayList<>();
        for (Path file : now.keySet()) {
            String list = file.getFileName().toString();
            try {
                for (String raw : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                    String line = raw.strip();
                    int comment = line.indexOf('#');
                    line = comment >= 0 ? line.substring(0, comment).strip() : line;
                    if (line.isEmpty()) {
                        continue;
                    }
                    if (addNetwork(line, list, networks) || addDomain(line, list, domains)) {
                        size++;
                    } else if (rejected.size() < 10) {
                        rejected.add(list + ": '" + line + "'");
                    }
                }
            } catch (IOException e) {
                LOG.warn("Threat-intel list {} could not be read: {}", file, e.getMessage());
            }
        }
        lists = new Lists(networks, domains, size);
        seen = Map.copyOf(now);
        LOG.info("Threat intel: {} indicators from {} list(s) in {}{}", size, now.size(), directory,
                rejected.isEmpty() ? "" : "; not indicators: " + rejected);
        return size;
    }

    private static boolean addNetwork(String text, String list, Map<Integer, Map<String, String>> networks) {
        int slash = text.indexOf('/');
        InetAddress address = IpAddress.parse(slash > 0 ? text.substring(0, slash) : text);
        if (address == null) {
            return false;
        }
        int bits = address.getAddress().length * 8;
        int prefix;
        try {
            prefix = slash > 0 ? Integer.parseInt(text.substring(slash + 1)) : bits;
        } catch (NumberFormatException e) {
            return false;
        }
        if (prefix < 0 || prefix > bits) {
            return false;
        }
        networks.computeIfAbsent(prefix + (bits == 32 ? 0 : 1000), p -> new HashMap<>())
                .putIfAbsent(masked(address.getAddress(), prefix), list);
        return true;
    }

    private static boolean addDomain(String text, String list, Map<String, String> domains) {
        String domain = text.toLowerCase(Locale.ROOT);
        if (domain.endsWith(".")) {
            domain = domain.substring(0, domain.length() - 1);
        }
        if (!domain.matches("[a-z0-9]([a-z0-9-]*[a-z0-9])?(\\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)+")) {
            return false;
        }
        domains.putIfAbsent(domain, list);
        return true;
    }

    private static String masked(byte[] address, int prefix) {
        byte[] copy = address.clone();
        for (int bit = prefix; bit < copy.length * 8; bit++) {
            copy[bit / 8] &= (byte) ~(0x80 >>> (bit % 8));
        }
        return HexFormat.of().formatHex(copy);
    }

    /** The list entry an address falls in (exact address or CIDR block), if any. */
    public Optional<Hit> address(String text) {
        InetAddress address = text == null ? null : IpAddress.parse(text);
        if (address == null) {
            return Optional.empty();
        }
        byte[] bytes = address.getAddress();
        int family = bytes.length == 4 ? 0 : 1000;
        for (Map.Entry<Integer, Map<String, String>> entry : lists.networks().entrySet()) {
            int key = entry.getKey();
            if ((key >= 1000) != (family == 1000)) {
                continue;
            }
            int prefix = key - family;
            String list = entry.getValue().get(masked(bytes, prefix));
            if (list != null) {
                return Optional.of(new Hit(text + (prefix == bytes.length * 8 ? "" : " in a listed /" + prefix), list));
            }
        }
        return Optional.empty();
    }

    /** The listed domain a name is, or is a subdomain of, if any. */
    public Optional<Hit> domain(String text) {
        if (text == null) {
            return Optional.empty();
        }
        String name = text.toLowerCase(Locale.ROOT);
        Set<String> tried = new HashSet<>();
        while (name.contains(".") && tried.add(name)) {
            String list = lists.domains().get(name);
            if (list != null) {
                return Optional.of(new Hit(name, list));
            }
            name = name.substring(name.indexOf('.') + 1);
        }
        return Optional.empty();
    }
}
