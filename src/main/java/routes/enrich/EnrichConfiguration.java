package routes.enrich;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import routes.SiemProperties;

/** The enrich stage's beans, referred to by name from {@code enrich.yaml} and the alert builder. */
@Configuration(proxyBeanMethods = false)
public class EnrichConfiguration {

    @Bean
    ThreatIntel threatIntel(IntelProperties intel, SiemProperties siem) {
        boolean named = intel.dir() != null && !intel.dir().toString().isBlank();
        ThreatIntel lists = new ThreatIntel(named ? intel.dir() : siem.dataDir().resolve("intel"));
        lists.reloadIfChanged();
        return lists;
    }

    @Bean
    AbuseIpDb abuseIpDb(AbuseIpDbProperties settings, org.apache.camel.CamelContext camel) {
        return new AbuseIpDb(settings, camel.createProducerTemplate(), java.time.Clock.systemUTC());
    }
}
