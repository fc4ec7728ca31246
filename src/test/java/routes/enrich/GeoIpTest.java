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
 * GeoIP on the database the build ships (DB-IP IP to City Lite, pinned in the pom): public addresses are located,
 * IPv4 and IPv6; private, shared and documentation ranges are never looked up.
 */
class GeoIpTest {

    private static GeoIp geo;

    @BeforeAll
    static void open(@TempDir Path data) {
        geo = GeoIp.fromSettings(new GeoIpProperties(true, null, 1000), new SiemProperties(data, ""));
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
        GeoIp off = GeoIp.fromSettings(new GeoIpProperties(false, null, 10), new SiemProperties(data, ""));
        assertThat(off.enabled()).isFalse();
        assertThat(off.locate("8.8.8.8")).isEmpty();
        assertThat(off.description()).contains("siem.geoip.enabled");
    }
}
