package routes.enrich;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import routes.SiemProperties;
import routes.model.Event;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The enrich stage: GeoIP and threat-intel hits land on the event itself. */
class EventEnricherTest {

    private static GeoIp geo;

    @BeforeAll
    static void open(@TempDir Path data) {
        geo = GeoIp.fromSettings(new GeoIpProperties(true, null, null, 1000), new SiemProperties(data, ""));
    }

    @AfterAll
    static void close() throws Exception {
        geo.close();
    }

    private static Event event(String source, String destination) {
        Event.Builder b = Event.builder();
        b.put("source.ip", source);
        b.put("destination.ip", destination);
        b.put("url.domain", "login.example-phish.test");
        return b.build();
    }

    @Test
    void aPublicSourceIsLocatedAndAPrivateDestinationIsLeftAlone(@TempDir Path lists) {
        EventEnricher enricher = new EventEnricher(geo, new ThreatIntel(lists));
        Event enriched = enricher.enrichEvent(event("223.5.5.5", "10.0.0.5"));
        assertThat(enriched.getString("source.geo.country_iso_code")).isEqualTo("CN");
        assertThat(enriched.getString("source.geo.country_name")).isEqualTo("China");
        assertThat(enriched.getString("source.geo.location")).contains(",");
        assertThat(enriched.get("destination.geo.country_iso_code")).isNull();
        assertThat(enriched.get("labels.intel")).as("no lists, no hits").isNull();
        Event local = event("192.168.1.1", "10.0.0.5");
        assertThat(enricher.enrichEvent(local)).as("nothing to add: the same event").isSameAs(local);
    }

    @Test
    void geoFieldsTheEventBroughtAreKept(@TempDir Path lists) {
        Event.Builder own = event("8.8.8.8", "10.0.0.5").toBuilder();
        own.put("source.geo.country_iso_code", "XX");
        Event enriched = new EventEnricher(geo, new ThreatIntel(lists)).enrichEvent(own.build());
        assertThat(enriched.getString("source.geo.country_iso_code")).isEqualTo("XX");
    }

    @Test
    void listedAddressesAndDomainsAreMarkedOnTheEvent(@TempDir Path lists) throws Exception {
        Files.writeString(lists.resolve("blocklist.txt"), "# ours\n185.220.101.0/24\n");
        Files.writeString(lists.resolve("phishing.txt"), "example-phish.test\n");
        ThreatIntel intel = new ThreatIntel(lists);
        intel.reloadIfChanged();
        List<Event> enriched = new EventEnricher(geo, intel).enrich(List.of(event("185.220.101.7", "10.0.0.5"),
                event("10.1.1.1", "10.0.0.6")));
        assertThat(enriched.getFirst().get("labels.intel")).isEqualTo(List.of("blocklist.txt", "phishing.txt"));
        assertThat(enriched.getFirst().get("labels.intel_matched").toString()).contains("source.ip=185.220.101.7 in a listed /24")
                .contains("url.domain=example-phish.test");
        assertThat(enriched.getFirst().getString("source.geo.country_iso_code")).isEqualTo("DE");
        assertThat(enriched.get(1).get("labels.intel")).as("domains are listed for every event")
                .isEqualTo(List.of("phishing.txt"));
    }
}
