package routes.normalize;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.springframework.beans.factory.ObjectProvider;
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

    /** Offline runs (replay, evaluate) have no metrics registry; their counts stay in the run. */
    @Bean
    UnparsedLines unparsedLines(ObjectProvider<MeterRegistry> meters) {
        return new UnparsedLines(meters.getIfAvailable(SimpleMeterRegistry::new));
    }
}
