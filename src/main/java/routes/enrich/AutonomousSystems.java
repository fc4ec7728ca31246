package routes.enrich;

import com.maxmind.db.Reader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Which autonomous system announces an address: its number and the organization behind it ({@code source.as.*}).
 * By default from the tables shipped in the jar (ip-location-db's asn, CC BY 4.0, built from RouteViews, the NRO's
 * registry statistics and DB-IP's IP to ASN Lite), loaded into memory once per JVM as sorted ranges and searched by
 * halving; or from an MMDB file ({@code siem.geoip.asn-database}: a GeoLite2 ASN or DB-IP ASN database).
 */
public final class AutonomousSystems implements AutoCloseable {

    /** An autonomous system: its number and, where the table names it, its organization. */
    public record Network(long number, String organization) {
    }

    private static final Logger LOG = LoggerFactory.getLogger(AutonomousSystems.class);
    static final String SHIPPED_V4 = "/geoip/asn-ipv4-num.csv";
    static final String SHIPPED_V6 = "/geoip/asn-ipv6-num.csv";
    private static final String SHIPPED_NAME =
            "ip-location-db asn (RouteViews, NRO and DB-IP ASN Lite, CC BY 4.0), shipped";

    private final Ranges ranges;
    private final Reader mmdb;
    private final String description;

    private AutonomousSystems(Ranges ranges, Reader mmdb, String description) {
        this.ranges = ranges;
        this.mmdb = mmdb;
        this.description = description;
    }

    /** The shipped tables, or none (empty) when they are not on the class path. */
    static Optional<AutonomousSystems> shipped() {
        Ranges shipped = Shipped.RANGES;
        return shipped == null ? Optional.empty() : Optional.of(new AutonomousSystems(shipped, null, SHIPPED_NAME));
    }

    /** An MMDB database with GeoLite2 ASN's record layout. */
    static AutonomousSystems mmdb(Path file) throws IOException {
        Reader reader = new Reader(file.toFile(), Reader.FileMode.MEMORY_MAPPED);
        return new AutonomousSystems(null, reader, file + " (" + reader.getMetadata().getDatabaseType() + ")");
    }

    /** Which tables answer. */
    public String description() {
        return description;
    }

    /** The autonomous system of an address, when the tables know it. */
    public Optional<Network> find(InetAddress address) {
        if (ranges != null) {
            return Optional.ofNullable(ranges.find(address));
        }
        try {
            @SuppressWarnings("unchecked")
            Map<String, Object> record = mmdb.get(address, Map.class);
            if (record == null || !(record.get("autonomous_system_number") instanceof Number number)) {
                return Optional.empty();
            }
            Object organization = record.get("autonomous_system_organization");
            return Optional.of(new Network(number.longValue(), organization == null ? null : organization.toString()));
        } catch (IOException e) {
            throw new UncheckedIOException("AS lookup of " + address.getHostAddress() + " failed", e);
        }
    }

    @Override
    public void close() throws IOException {
        if (mmdb != null) {
            mmdb.close();
        }
    }

    /** The shipped tables, read on first use and shared by every appliance of the JVM (they never change). */
    private static final class Shipped {
        static final Ranges RANGES = load();

        private static Ranges load() {
            long started = System.nanoTime();
            try (InputStream v4 = AutonomousSystems.class.getResourceAsStream(SHIPPED_V4);
                 InputStream v6 = AutonomousSystems.class.getResourceAsStream(SHIPPED_V6)) {
                if (v4 == null || v6 == null) {
                    return null;
                }
                Ranges ranges = Ranges.read(v4, v6);
                LOG.info("AS tables: {} address ranges read in {} ms", ranges.size(),
                        (System.nanoTime() - started) / 1_000_000);
                return ranges;
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read the shipped AS tables", e);
            }
        }
    }

    /**
     * Address ranges in ascending order, each with its AS number and organization, in flat arrays: IPv4 bounds as
     * unsigned ints, IPv6 bounds as two longs (high and low half). Organization names are kept once each.
     */
    static final class Ranges {
        private int[] v4Start = new int[1 << 16];
        private int[] v4End = new int[1 << 16];
        private int[] v4As = new int[1 << 16];
        private int[] v4Org = new int[1 << 16];
        private int v4Count;
        private long[] v6StartHigh = new long[1 << 14];
        private long[] v6StartLow = new long[1 << 14];
        private long[] v6EndHigh = new long[1 << 14];
        private long[] v6EndLow = new long[1 << 14];
        private int[] v6As = new int[1 << 14];
        private int[] v6Org = new int[1 << 14];
        private int v6Count;
        private String[] organizations = new String[1 << 14];
        private final Map<String, Integer> organizationIndex = new HashMap<>();

        /**
         * Reads the numeric tables ({@code start,end,as_number,organization} per line, bounds as decimal numbers,
         * the organization quoted when it holds a comma), each sorted by its start. A line that is not four fields
         * of that shape fails the whole table: a half-read table would answer wrongly without saying so.
         */
        static Ranges read(InputStream v4, InputStream v6) throws IOException {
            Ranges ranges = new Ranges();
            ranges.readTable(v4, false);
            ranges.readTable(v6, true);
            ranges.trim();
            return ranges;
        }

        private void readTable(InputStream in, boolean v6) throws IOException {
            BufferedReader lines = new BufferedReader(new InputStreamReader(in, StandardCharsets.US_ASCII), 1 << 16);
            String line;
            int number = 0;
            while ((line = lines.readLine()) != null) {
                number++;
                if (line.isBlank()) {
                    continue;
                }
                int first = line.indexOf(',');
                int second = first < 0 ? -1 : line.indexOf(',', first + 1);
                int third = second < 0 ? -1 : line.indexOf(',', second + 1);
                if (third < 0) {
                    throw new IOException("AS table line " + number + " is not start,end,number,organization");
                }
                try {
                    int as = Integer.parseUnsignedInt(line, second + 1, third, 10);
                    int org = organization(unquote(line.substring(third + 1)));
                    if (v6) {
                        addV6(new BigInteger(line.substring(0, first)),
                                new BigInteger(line.substring(first + 1, second)), as, org);
                    } else {
                        addV4((int) Long.parseLong(line, 0, first, 10),
                                (int) Long.parseLong(line, first + 1, second, 10), as, org);
                    }
                } catch (NumberFormatException e) {
                    throw new IOException("AS table line " + number + ": " + e.getMessage(), e);
                }
            }
        }

        /** Adds a range; one that overlaps the range before keeps only what lies beyond it (the earlier row wins). */
        private void addV4(int start, int end, int as, int org) {
            if (v4Count > 0 && Integer.compareUnsigned(start, v4End[v4Count - 1]) <= 0) {
                if (Integer.compareUnsigned(end, v4End[v4Count - 1]) <= 0) {
                    return;
                }
                start = v4End[v4Count - 1] + 1;
            }
            if (v4Count == v4Start.length) {
                int size = v4Count * 2;
                v4Start = Arrays.copyOf(v4Start, size);
                v4End = Arrays.copyOf(v4End, size);
                v4As = Arrays.copyOf(v4As, size);
                v4Org = Arrays.copyOf(v4Org, size);
            }
            v4Start[v4Count] = start;
            v4End[v4Count] = end;
            v4As[v4Count] = as;
            v4Org[v4Count] = org;
            v4Count++;
        }

        private void addV6(BigInteger start, BigInteger end, int as, int org) {
            long startHigh = start.shiftRight(64).longValue();
            long startLow = start.longValue();
            long endHigh = end.shiftRight(64).longValue();
            long endLow = end.longValue();
            if (v6Count > 0 && compare(startHigh, startLow, v6EndHigh[v6Count - 1], v6EndLow[v6Count - 1]) <= 0) {
                if (compare(endHigh, endLow, v6EndHigh[v6Count - 1], v6EndLow[v6Count - 1]) <= 0) {
                    return;
                }
                startLow = v6EndLow[v6Count - 1] + 1;
                startHigh = v6EndHigh[v6Count - 1] + (startLow == 0 ? 1 : 0);
            }
            if (v6Count == v6StartHigh.length) {
                int size = v6Count * 2;
                v6StartHigh = Arrays.copyOf(v6StartHigh, size);
                v6StartLow = Arrays.copyOf(v6StartLow, size);
                v6EndHigh = Arrays.copyOf(v6EndHigh, size);
                v6EndLow = Arrays.copyOf(v6EndLow, size);
                v6As = Arrays.copyOf(v6As, size);
                v6Org = Arrays.copyOf(v6Org, size);
            }
            v6StartHigh[v6Count] = startHigh;
            v6StartLow[v6Count] = startLow;
            v6EndHigh[v6Count] = endHigh;
            v6EndLow[v6Count] = endLow;
            v6As[v6Count] = as;
            v6Org[v6Count] = org;
            v6Count++;
        }

        private int organization(String name) {
            if (name.isEmpty()) {
                return -1;
            }
            return organizationIndex.computeIfAbsent(name, added -> {
                int index = organizationIndex.size();
                if (index == organizations.length) {
                    organizations = Arrays.copyOf(organizations, index * 2);
                }
                organizations[index] = added;
                return index;
            });
        }

        private static String unquote(String field) {
            if (field.length() >= 2 && field.charAt(0) == '"' && field.charAt(field.length() - 1) == '"') {
                return field.substring(1, field.length() - 1).replace("\"\"", "\"");
            }
            return field;
        }

        private void trim() {
            v4Start = Arrays.copyOf(v4Start, v4Count);
            v4End = Arrays.copyOf(v4End, v4Count);
            v4As = Arrays.copyOf(v4As, v4Count);
            v4Org = Arrays.copyOf(v4Org, v4Count);
            v6StartHigh = Arrays.copyOf(v6StartHigh, v6Count);
            v6StartLow = Arrays.copyOf(v6StartLow, v6Count);
            v6EndHigh = Arrays.copyOf(v6EndHigh, v6Count);
            v6EndLow = Arrays.copyOf(v6EndLow, v6Count);
            v6As = Arrays.copyOf(v6As, v6Count);
            v6Org = Arrays.copyOf(v6Org, v6Count);
            organizations = Arrays.copyOf(organizations, organizationIndex.size());
            organizationIndex.clear();
        }

        /** The range holding the address: the last one starting at or below it, if it also ends at or above it. */
        Network find(InetAddress address) {
            byte[] bytes = address.getAddress();
            if (address instanceof Inet4Address) {
                int value = (int) high(bytes, 0, 4);
                int low = 0;
                int high = v4Count - 1;
                while (low <= high) {
                    int middle = (low + high) >>> 1;
                    if (Integer.compareUnsigned(v4Start[middle], value) <= 0) {
                        low = middle + 1;
                    } else {
                        high = middle - 1;
                    }
                }
                return high >= 0 && Integer.compareUnsigned(value, v4End[high]) <= 0
                        ? network(v4As[high], v4Org[high]) : null;
            }
            long valueHigh = high(bytes, 0, 8);
            long valueLow = high(bytes, 8, 8);
            int low = 0;
            int high = v6Count - 1;
            while (low <= high) {
                int middle = (low + high) >>> 1;
                if (compare(v6StartHigh[middle], v6StartLow[middle], valueHigh, valueLow) <= 0) {
                    low = middle + 1;
                } else {
                    high = middle - 1;
                }
            }
            return high >= 0 && compare(valueHigh, valueLow, v6EndHigh[high], v6EndLow[high]) <= 0
                    ? network(v6As[high], v6Org[high]) : null;
        }

        private Network network(int as, int org) {
            return new Network(Integer.toUnsignedLong(as), org < 0 ? null : organizations[org]);
        }

        private static long high(byte[] bytes, int from, int length) {
            long value = 0;
            for (int i = from; i < from + length; i++) {
                value = value << 8 | (bytes[i] & 0xff);
            }
            return value;
        }

        private static int compare(long aHigh, long aLow, long bHigh, long bLow) {
            int byHigh = Long.compareUnsigned(aHigh, bHigh);
            return byHigh != 0 ? byHigh : Long.compareUnsigned(aLow, bLow);
        }

        int size() {
            return v4Count + v6Count;
        }
    }
}
