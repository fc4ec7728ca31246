package routes.enrich;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

import java.time.Duration;

/**
 * AbuseIPDB reputation ({@code siem.abuseipdb.*}). Empty {@code apiKey} means it is off.
 *
 * @param url          the check endpoint ({@code GET /api/v2/check})
 * @param apiKey       sent in the {@code Key} header; a secret: give it by environment ({@code SIEM_ABUSEIPDB_API_KEY})
 * @param cacheFor     how long an answer is reused
 * @param dailyQuota   lookups a day at most (the free plan allows 1,000)
 * @param maxAgeDays   how old the reports counted may be
 * @param timeout      connect and answer timeout of one lookup
 * @param failuresToOpen consecutive failures after which lookups stop for {@code openFor} (circuit breaker)
 * @param openFor      how long lookups stop after repeated failures
 */
@ConfigurationProperties("siem.abuseipdb")
public record AbuseIpDbProperties(@DefaultValue("https://api.abuseipdb.com/api/v2/check") String url,
                                  @DefaultValue("") String apiKey, @DefaultValue("1d") Duration cacheFor,
                                  @DefaultValue("1000") int dailyQuota, @DefaultValue("90") int maxAgeDays,
                                  @DefaultValue("3s") Duration timeout, @DefaultValue("3") int failuresToOpen,
                                  @DefaultValue("5m") Duration openFor) {

    /** Lookups off: what offline runs use, so a replay spends no quota and waits on no network. */
    public static AbuseIpDbProperties off() {
        return new AbuseIpDbProperties("", "", Duration.ofDays(1), 0, 90, Duration.ofSeconds(3), 3,
                Duration.ofMinutes(5));
    }

    public boolean enabled() {
        return apiKey != null && !apiKey.isBlank();
    }

    @Override
    public String toString() {
        return "AbuseIpDbProperties[url=" + url + ", apiKey=" + (enabled() ? "(set)" : "(none)") + ", cacheFor="
                + cacheFor + ", dailyQuota=" + dailyQuota + "]";
    }
}
