package routes.enrich;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

import java.nio.file.Path;

/**
 * GeoIP on every event ({@code siem.geoip.*}).
 *
 * @param enabled   whether public source and destination addresses are located (and their AS named) at all
 * @param database  an MMDB file to read instead of the DB-IP Lite database shipped in the jar (for example a
 *                  licensed GeoIP2 City database); empty: the shipped one
 * @param asnDatabase an MMDB file with AS numbers to read instead of the AS tables shipped in the jar (a GeoLite2
 *                  ASN or DB-IP ASN database); empty: the shipped ones
 * @param cacheSize addresses whose answer is kept (least recently used dropped)
 */
@ConfigurationProperties("siem.geoip")
public record GeoIpProperties(@DefaultValue("true") boolean enabled, Path database, Path asnDatabase,
                              @DefaultValue("100000") int cacheSize) {
}
