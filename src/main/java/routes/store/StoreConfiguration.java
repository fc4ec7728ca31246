package routes.store;

import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;
import routes.SiemProperties;

import java.time.Clock;

/**
 * The stores: events ({@code eventStore} in the routes: the embedded Lucene index under the data directory, or
 * Elasticsearch when {@code siem.elasticsearch.uris} names a cluster) and
 * alerts ({@code alertStore}, SQL).
 */
@Configuration(proxyBeanMethods = false)
public class StoreConfiguration {

    @Bean(name = "eventStore", destroyMethod = "close")
    @ConditionalOnProperty(name = "siem.elasticsearch.enabled", havingValue = "false", matchIfMissing = true)
    LuceneEventStore luceneEventStore(SiemProperties siem, StoreProperties store) {
        return new LuceneEventStore(siem.dataDir().resolve("events"), store.refresh(), store.commitInterval(),
                store.ramBufferMb());
    }

    @Bean(name = "eventStore")
    @ConditionalOnProperty(name = "siem.elasticsearch.enabled", havingValue = "true")
    ElasticsearchEventStore elasticsearchEventStore(ElasticsearchIndices indices) {
        return new ElasticsearchEventStore(indices);
    }

    @Bean
    JdbcAlertStore alertStore(JdbcTemplate sql, PlatformTransactionManager transactions) {
        return new JdbcAlertStore(sql, new TransactionTemplate(transactions), Clock.systemUTC());
    }
}
