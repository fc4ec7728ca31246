package routes.normalize;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import routes.SiemProperties;
import routes.ingest.IngestLimits;

/** The normalize stage's beans, referred to by name from {@code normalize.yaml}. */
@Configuration(proxyBeanMethods = false)
public class NormalizeConfiguration {

    @Bean
    Normalizer normalizer(SiemProperties siem, IngestLimits limits) {
        return new Normalizer(siem.zone(), limits.fieldChars());
    }
}
