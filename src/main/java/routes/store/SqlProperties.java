package routes.store;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The SQL store's database ({@code siem.sql.*}, handed to Spring's data source in {@code application.yaml}): an
 * embedded H2 file database in the data directory by default, PostgreSQL by giving its JDBC URL.
 *
 * @param password never logged; give it by environment ({@code SIEM_SQL_PASSWORD})
 */
@ConfigurationProperties("siem.sql")
public record SqlProperties(String url, String username, String password) {

    @Override
    public String toString() {
        return "SqlProperties[url=" + url + ", username=" + username + ", password=" + (password == null
                || password.isEmpty() ? "(none)" : "(set)") + "]";
    }
}
