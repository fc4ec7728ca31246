package routes.ops;

import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.HealthIndicator;
import org.springframework.stereotype.Component;
import routes.store.EventStore;

/**
 * The event store's health is the appliance's: {@code /actuator/health} and its readiness group
 * ({@code /actuator/health/readiness}) say DOWN, with the reason, while the store cannot take events, so a load
 * balancer or Kubernetes stops sending and an operator sees why.
 */
@Component("eventStoreHealthIndicator")
public class StoreHealth implements HealthIndicator {

    private final EventStore store;

    public StoreHealth(EventStore store) {
        this.store = store;
    }

    @Override
    public Health health() {
        String why = store.unavailable();
        return why == null ? Health.up().build() : Health.down().withDetail("reason", why).build();
    }
}
