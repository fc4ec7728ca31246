package routes.detect;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import routes.SiemProperties;

/** The detect stage's beans, referred to by name from {@code detect.yaml}. */
@Configuration(proxyBeanMethods = false)
public class DetectConfiguration {

    @Bean
    SigmaEngine sigmaEngine() {
        return new SigmaEngine();
    }

    @Bean
    RuleRepository sigmaRules(SigmaEngine engine, CorrelationEngine correlationEngine, RuleProperties rules,
                              SiemProperties siem) {
        return new RuleRepository(engine, correlationEngine, new SigmaRuleLoader(rules.placeholdersOrNone()),
                rules.dir() != null ? rules.dir() : siem.dataDir().resolve("rules"));
    }

    @Bean
    FindingEvents findingEvents() {
        return new FindingEvents();
    }
}
