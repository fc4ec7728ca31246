package routes.enrich;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import routes.SiemProperties;

/** The enrich stage's beans, referred to by name from {@code enrich.yaml} and the alert builder. */
@Configuration(proxyBeanMethods = false)
public class EnrichConfiguration {

    @Bean
    ThreatIntel threatIntel(IntelProperties intel, SiemProperties siem) {
        return ThreatIntel.fromSettings(intel, siem);
    }

    @Bean(destroyMethod = "close")
    GeoIp geoIp(GeoIpProperties geo, SiemProperties siem) {
        return GeoIp.fromSettings(geo, siem);
    }

    @Bean
    EventEnricher eventEnricher(GeoIp geo, ThreatIntel intel) {
        return new EventEnricher(geo, intel);
    }

    @Bean
    AbuseIpDb abuseIpDb(AbuseIpDbProperties settings, org.apache.camel.CamelContext camel) {
        return new AbuseIpDb(settings, camel.createProducerTemplate(), java.time.Clock.systemUTC());
    }
}
