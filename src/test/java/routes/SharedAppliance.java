package routes;

import org.apache.camel.CamelContext;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * One running appliance shared by the end-to-end test classes whose settings agree (Spring caches the context for
 * all of them): its own data directory with a rules directory and a threat-intel list ({@code 203.0.113.0/24} in
 * {@code intel/blocklist.txt}), loopback syslog on its own port, rules reloaded every 200 ms, anomaly models trained
 * from 500 events and retrained every two seconds. Each test keeps to its own addresses and users: windows slide
 * over event time, so another test's events from the same source at another time would push its own out.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
public abstract class SharedAppliance {

    public static final int SYSLOG_PORT = Appliance.freePort();
    public static final Path DATA;

    static {
        try {
            DATA = Files.createTempDirectory("caravan-shared");
            Files.createDirectories(DATA.resolve("rules"));
            Files.createDirectories(DATA.resolve("intel"));
            Files.writeString(DATA.resolve("intel").resolve("blocklist.txt"), "# test list\n203.0.113.0/24\n");
        } catch (Exception e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    @DynamicPropertySource
    static void sharedProperties(DynamicPropertyRegistry registry) {
        Appliance.isolate(registry, DATA, SYSLOG_PORT, "k");
        registry.add("siem.rules.reload-interval", () -> "200ms");
        registry.add("siem.anomaly.min-samples", () -> "500");
        registry.add("siem.anomaly.retrain-cron", () -> "*/2 * * * * ?");
    }

    @LocalServerPort
    protected int httpPort;

    @Autowired
    protected CamelContext camel;
}
