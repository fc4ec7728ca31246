package routes.enrich;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import routes.SiemProperties;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * GeoIP on the databases the build ships (DB-IP IP to City Lite and ip-location-db's AS tables, pinned in the pom):
 * public addresses are located and their autonomous system named, IPv4 and IPv6; private, shared and documentation
 * ranges are never looked up.
 */
class GeoIpTest {

    private static GeoIp geo;

    @BeforeAll
    static void open(@TempDir Path data) {
        geo = GeoIp.fromSettings(new GeoIpProperties(true, null, null, 1000), new SiemProperties(data, ""));
        assertThat(geo.enabled()).as(geo.description()).isTrue();
    }

    @AfterAll
    static void close() throws Exception {
        geo.close();
    }

    @Test
    void aPublicAddressGetsCountryRegionCityAndAPoint() {
        GeoIp.Location google = geo.locate("8.8.8.8").orElseThrow();
        assertThat(google.countryIsoCode()).isEqualTo("US");
        assertThat(google.countryName()).isEqualTo("United States");
        assertThat(google.cityName()).isNotBlank();
        assertThat(google.point()).matches("-?\\d+\\.\\d{4},-?\\d+\\.\\d{4}");
        assertThat(geo.locate("223.5.5.5").orElseThrow().countryIsoCode()).isEqualTo("CN");
        assertThat(geo.locate("81.2.69.142").orElseThrow().countryIsoCode()).isEqualTo("GB");
        assertThat(geo.locate("2001:4860:4860::8888")).as("IPv6 from its own file").isPresent();
    }

    @Test
    void aPublicAddressGetsItsAutonomousSystemFromTheShippedTables() {
        GeoIp.Location cloudflare = geo.locate("1.1.1.1").orElseThrow();
        assertThat(cloudflare.asNumber()).isEqualTo(13335L);
        assertThat(cloudflare.asOrganization()).as("a quoted name with a comma").isEqualTo("Cloudflare, Inc.");
        assertThat(geo.locate("8.8.8.8").orElseThrow().asNumber()).isEqualTo(15169L);
        assertThat(geo.locate("2606:4700:4700::1111").orElseThrow().asNumber()).as("IPv6").isEqualTo(13335L);
        assertThat(geo.locate("2001:4860:4860::8888").orElseThrow().asOrganization()).isEqualTo("Google LLC");
        assertThat(geo.description()).contains("AS numbers from ip-location-db asn");
    }

    @Test
    void anAsnMmdbFileCanStandInForTheShippedTables(@TempDir Path data) throws Exception {
        // MaxMind's GeoLite2 ASN test database (MIT, see GeoLite2-ASN-Test.LICENSE.txt beside it)
        Path asn = Path.of(GeoIpTest.class.getResource("/geoip/GeoLite2-ASN-Test.mmdb").toURI());
        try (GeoIp other = GeoIp.fromSettings(new GeoIpProperties(true, null, asn, 1000), new SiemProperties(data, ""))) {
            GeoIp.Location telstra = other.locate("1.128.0.1").orElseThrow();
            assertThat(telstra.asNumber()).isEqualTo(1221L);
            assertThat(telstra.asOrganization()).isEqualTo("Telstra Pty Ltd");
            assertThat(telstra.countryIsoCode()).as("the city database still answers").isEqualTo("AU");
            assertThat(other.locate("12.81.96.5").orElseThrow().asOrganization()).as("a record without a name").isNull();
            assertThat(other.locate("8.8.8.8").orElseThrow().asNumber()).as("not in the test database").isNull();
            assertThat(other.description()).contains("GeoLite2-ASN-Test.mmdb");
        }
    }

    @Test
    void privateSharedDocumentationAndMalformedAddressesGetNothing() {
        for (String address : List.of("10.0.0.5", "192.168.1.1", "172.16.3.4", "127.0.0.1", "100.64.1.1",
                "169.254.1.1", "203.0.113.7", "198.51.100.9", "192.0.2.1", "2001:db8::1", "fd00::1", "::1",
                "0.1.2.3", "banana", "")) {
            assertThat(geo.locate(address)).as(address).isEmpty();
        }
    }

    @Test
    void aGeoIp2CityRecordIsReadAsWellAsDbIpLitesFlatOne() {
        GeoIp.Location nested = GeoIp.location(Map.of(
                "country", Map.of("iso_code", "SE", "names", Map.of("en", "Sweden")),
                "subdivisions", List.of(Map.of("names", Map.of("en", "Stockholm County"))),
                "city", Map.of("names", Map.of("en", "Stockholm")),
                "location", Map.of("latitude", 59.3293, "longitude", 18.0686)));
        assertThat(nested).isEqualTo(new GeoIp.Location("SE", "Sweden", "Stockholm County", "Stockholm", 59.3293,
                18.0686));
        GeoIp.Location flat = GeoIp.location(Map.of("country_code", "DE", "state1", "Berlin", "city", "Berlin",
                "latitude", 52.52, "longitude", 13.405));
        assertThat(flat.countryName()).as("named from the ISO code").isEqualTo("Germany");
        assertThat(flat.point()).isEqualTo("52.5200,13.4050");
    }

    @Test
    void geoIpTurnedOffLocatesNothing(@TempDir Path data) {
        GeoIp off = GeoIp.fromSettings(new GeoIpProperties(false, null, null, 10), new SiemProperties(data, ""));
        assertThat(off.enabled()).isFalse();
        assertThat(off.locate("8.8.8.8")).isEmpty();
        assertThat(off.description()).contains("siem.geoip.enabled");
    }
}
