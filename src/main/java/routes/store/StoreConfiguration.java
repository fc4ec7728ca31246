package routes.store;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import routes.SiemProperties;

/** The event store bean ({@code eventStore} in the routes): the embedded Lucene index under the data directory. */
@Configuration(proxyBeanMethods = false)
public class StoreConfiguration {

    @Bean(destroyMethod = "close")
    LuceneEventStore eventStore(SiemProperties siem, StoreProperties store) {
        return new LuceneEventStore(siem.dataDir().resolve("events"), store.refresh(), store.commitInterval(),
                store.ramBufferMb());
    }
}
