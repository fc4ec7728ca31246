package routes.tools;

import org.apache.camel.CamelContext;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.context.annotation.Profile;
import routes.SiemProperties;
import routes.correlate.CorrelationProperties;
import routes.correlate.CorrelationRun;
import routes.detect.anomaly.AnomalyDetector;
import routes.detect.sigma.RuleProperties;
import routes.detect.sigma.RuleRepository;
import routes.detect.sigma.SigmaEngine;
import routes.detect.sigma.SigmaRuleLoader;
import routes.enrich.EnrichConfiguration;
import routes.normalize.NormalizeConfiguration;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * What the commands run on: the appliance's settings ({@code application.yaml}, environment variables,
 * {@code --siem.*=...} arguments) and the beans an offline run is made of, without listeners, stores or the web
 * server, so a command never touches the data of an appliance running beside it. The correlation route template is
 * loaded into a Camel context of its own.
 */
@SpringBootConfiguration
@Profile(OfflineApplication.PROFILE)
@ConfigurationPropertiesScan("routes")
@Import({NormalizeConfiguration.class, EnrichConfiguration.class, ToolsConfiguration.class})
public class OfflineApplication {

    /** Active only in the commands' context, so the appliance's component scan leaves this configuration out. */
    static final String PROFILE = "offline-tools";

    /** Starts it with these arguments (settings as {@code --name=value}); the caller closes it. */
    public static ConfigurableApplicationContext start(List<String> settings) {
        return new SpringApplicationBuilder(OfflineApplication.class)
                .web(WebApplicationType.NONE)
                .profiles(PROFILE)
                .logStartupInfo(false)
                .properties("logging.level.root=error", "spring.main.banner-mode=off")
                .run(settings.toArray(String[]::new));
    }

    /** Splits a command's arguments into settings ({@code --siem.*=...}, {@code --spring.*=...}) and the rest. */
    public static List<List<String>> split(List<String> arguments) {
        List<String> settings = new ArrayList<>();
        List<String> rest = new ArrayList<>();
        for (String argument : arguments) {
            (argument.startsWith("--siem.") || argument.startsWith("--spring.") ? settings : rest).add(argument);
        }
        return List.of(settings, rest);
    }

    /** The rules of the appliance (the jar's and {@code siem.rules.dir}) and of these directories, compiled. */
    public static RuleRepository rules(ConfigurableApplicationContext app, List<Path> more) {
        RuleProperties settings = app.getBean(RuleProperties.class);
        SiemProperties siem = app.getBean(SiemProperties.class);
        List<Path> dirs = new ArrayList<>();
        dirs.add(settings.dir() != null ? settings.dir() : siem.dataDir().resolve("rules"));
        dirs.addAll(more);
        return new RuleRepository(new SigmaEngine(), AnomalyDetector.ruleIds(),
                new SigmaRuleLoader(settings.placeholdersOrNone()), dirs);
    }

    /** A Camel context holding the correlation-windows route template, and nothing else. */
    @Bean(destroyMethod = "stop")
    CamelContext camelContext(CorrelationProperties correlation) {
        return CorrelationRun.standaloneContext(correlation.idleCheckInterval());
    }
}
