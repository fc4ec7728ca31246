package routes.enrich;

import routes.model.Event;

import java.util.ArrayList;
import java.util.List;

/**
 * The enrich stage on every event ({@code bean:eventEnricher} in {@code enrich.yaml}): GeoIP for public source and
 * destination addresses ({@code source.geo.*}, {@code destination.geo.*}: country code and name, region, city,
 * {@code location} as a point; {@code source.as.number} and {@code source.as.organization.name}: the autonomous system
 * announcing the address), and threat-intel list hits on the event's addresses and domains
 * ({@code labels.intel}: the lists; {@code labels.intel_matched}: {@code field=indicator}), so rules and search see
 * them. Geo fields an event already carries (a JSON record's own) are kept.
 */
public final class EventEnricher {

    /** The tag of an event whose enrichment failed; {@code labels.enrichment_error} says why. */
    public static final String ENRICHMENT_FAILED = "enrichment_failed";

    private static final List<String> SIDES = List.of("source", "destination");
    private static final List<String> ADDRESSES = List.of("source.ip", "destination.ip");
    private static final List<String> DOMAINS = List.of("source.domain", "destination.domain", "url.domain",
            "dns.question.name");

    private final GeoIp geo;
    private final ThreatIntel intel;

    public EventEnricher(GeoIp geo, ThreatIntel intel) {
        this.geo = geo;
        this.intel = intel;
    }

    /** A batch, enriched in order; events with nothing to add are handed on as they are. */
    public List<Event> enrich(List<Event> events) {
        List<Event> enriched = new ArrayList<>(events.size());
        for (Event event : events) {
            try {
                enriched.add(enrichEvent(event));
            } catch (RuntimeException e) {
                // the event goes on as it was, and says it was not enriched and why; the batch goes on
                Event.Builder failed = event.toBuilder();
                failed.add("tags", ENRICHMENT_FAILED);
                failed.put("labels.enrichment_error", e.getClass().getSimpleName() + ": " + e.getMessage());
                enriched.add(failed.build());
            }
        }
        return enriched;
    }

    public Event enrichEvent(Event event) {
        Event.Builder builder = null;
        for (String side : SIDES) {
            String address = event.getString(side + ".ip");
            if (address == null || event.get(side + ".geo.country_iso_code") != null) {
                continue;
            }
            GeoIp.Location location = geo.locate(address).orElse(null);
            if (location != null) {
                builder = builder != null ? builder : event.toBuilder();
                builder.put(side + ".geo.country_iso_code", location.countryIsoCode());
                builder.put(side + ".geo.country_name", location.countryName());
                builder.put(side + ".geo.region_name", location.regionName());
                builder.put(side + ".geo.city_name", location.cityName());
                builder.put(side + ".geo.location", location.point());
                builder.put(side + ".as.number", location.asNumber());
                builder.put(side + ".as.organization.name", location.asOrganization());
            }
        }
        if (intel.size() > 0) {
            List<String> lists = new ArrayList<>();
            List<String> matched = new ArrayList<>();
            for (String field : ADDRESSES) {
                intel.address(event.getString(field)).ifPresent(hit -> note(hit, field, lists, matched));
            }
            for (String field : DOMAINS) {
                intel.domain(event.getString(field)).ifPresent(hit -> note(hit, field, lists, matched));
            }
            if (!lists.isEmpty()) {
                builder = builder != null ? builder : event.toBuilder();
                builder.put("labels.intel", lists);
                builder.put("labels.intel_matched", matched);
            }
        }
        return builder == null ? event : builder.build();
    }

    private static void note(ThreatIntel.Hit hit, String field, List<String> lists, List<String> matched) {
        if (!lists.contains(hit.list())) {
            lists.add(hit.list());
        }
        matched.add(field + "=" + hit.indicator());
    }
}
