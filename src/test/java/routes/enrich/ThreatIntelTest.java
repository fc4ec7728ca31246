package routes.enrich;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

class ThreatIntelTest {

    @Test
    void addressesBlocksAndDomainsFromEveryListWithComments(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("abuse-ips.txt"), """
                # known brute-forcers
                203.0.113.7
                198.51.100.0/24   # a hosting range
                2001:db8:bad::/48
                not an indicator!
                """);
        Files.writeString(dir.resolve("domains.txt"), "evil.example\nc2.bad.test.\n");
        ThreatIntel intel = new ThreatIntel(dir);
        assertThat(intel.reloadIfChanged()).isEqualTo(5);

        assertThat(intel.address("203.0.113.7")).get().extracting(ThreatIntel.Hit::list).isEqualTo("abuse-ips.txt");
        assertThat(intel.address("198.51.100.200")).get().extracting(ThreatIntel.Hit::indicator).asString()
                .contains("/24");
        assertThat(intel.address("2001:db8:bad:1::5")).isPresent();
        assertThat(intel.address("2001:db8:bae::5")).isEmpty();
        assertThat(intel.address("203.0.113.8")).isEmpty();
        assertThat(intel.address("not-an-ip")).isEmpty();
        assertThat(intel.domain("www.EVIL.example")).get().extracting(ThreatIntel.Hit::indicator)
                .isEqualTo("evil.example");
        assertThat(intel.domain("c2.bad.test")).isPresent();
        assertThat(intel.domain("notevil.example")).isEmpty();
    }

    @Test
    void aChangedAddedOrRemovedListIsReloaded(@TempDir Path dir) throws Exception {
        ThreatIntel intel = new ThreatIntel(dir);
        assertThat(intel.reloadIfChanged()).isZero();
        Path list = dir.resolve("ips.txt");
        Files.writeString(list, "192.0.2.1\n");
        assertThat(intel.reloadIfChanged()).isEqualTo(1);
        Files.writeString(list, "192.0.2.1\n192.0.2.2\n");
        Files.setLastModifiedTime(list, FileTime.from(Instant.now().plusSeconds(5)));
        assertThat(intel.reloadIfChanged()).isEqualTo(2);
        assertThat(intel.address("192.0.2.2")).isPresent();
        Files.delete(list);
        assertThat(intel.reloadIfChanged()).isZero();
        assertThat(intel.address("192.0.2.1")).isEmpty();
    }
}
