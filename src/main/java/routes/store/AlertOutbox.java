package routes.store;

import org.apache.camel.Exchange;
import org.springframework.jdbc.core.JdbcTemplate;
import routes.model.Alert;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The alert outbox: each change of an alert is written in the transaction that changes it ({@link #enqueue}); each
 * output reads the changes after its cursor ({@link #pending}), delivers them, and moves its cursor on
 * ({@link #delivered}). What an output had not delivered when the appliance stopped, or died, it delivers after the
 * start. A delivery carries an idempotency key (the alert's id and version), so one delivered twice (a crash between
 * sending it and moving the cursor) is recognisably the same.
 */
public final class AlertOutbox {

    /** Headers of a delivery on its way to an output: the output's name and the delivery's place in the outbox. */
    public static final String OUTPUT = "CaravanOutboxOutput";
    public static final String DELIVERY = "CaravanOutboxDelivery";

    /**
     * One change of an alert to deliver: the alert as stored now (a later change of it is delivered too, after this
     * one), whether people should hear of it (opened or more severe), and its idempotency key.
     */
    public record Delivery(long id, Alert alert, boolean notable) {

        /** The same for the same state of the same alert (the one sent), however often it is delivered. */
        public String key() {
            return alert.id() + ":" + AlertOutbox.version(alert);
        }
    }

    private final JdbcTemplate sql;
    private final AlertStore alerts;
    private final int batch;
    private final long waitMillis;
    /** Changes committed so far (in this process): an output with nothing to deliver waits for it to move. */
    private long committed;

    /**
     * @param wait    how long an output with nothing to deliver waits for a change before it asks again (a change
     *                committed meanwhile ends the wait at once)
     * @param outputs the outputs switched on: each starts at the end of the outbox the first time it runs (it does not
     *                deliver what was raised before it was configured)
     */
    public AlertOutbox(JdbcTemplate sql, AlertStore alerts, int batch, java.time.Duration wait, List<String> outputs) {
        this.sql = sql;
        this.alerts = alerts;
        this.batch = batch;
        this.waitMillis = Math.max(1, wait.toMillis());
        // an output switched off no longer holds the outbox back
        List<String> known = sql.queryForList("SELECT output FROM alert_outbox_cursor", String.class);
        for (String output : known) {
            if (!outputs.contains(output)) {
                sql.update("DELETE FROM alert_outbox_cursor WHERE output = ?", output);
            }
        }
        for (String output : outputs) {
            Long end = sql.queryForObject("SELECT COALESCE(MAX(id), 0) FROM alert_outbox", Long.class);
            if (sql.queryForObject("SELECT COUNT(*) FROM alert_outbox_cursor WHERE output = ?", Long.class, output)
                    == 0) {
                sql.update("INSERT INTO alert_outbox_cursor (output, delivered) VALUES (?, ?)", output, end);
            }
        }
    }

    /**
     * Writes a change of an alert; call it inside the transaction that stores the change. The outputs waiting for
     * changes hear of it once that transaction commits.
     */
    public void enqueue(Alert alert, boolean notable, Instant at) {
        sql.update("INSERT INTO alert_outbox (alert_id, notable, created_at) VALUES (?, ?, ?)", alert.id(), notable,
                Timestamp.from(at));
        if (org.springframework.transaction.support.TransactionSynchronizationManager.isSynchronizationActive()) {
            org.springframework.transaction.support.TransactionSynchronizationManager.registerSynchronization(
                    new org.springframework.transaction.support.TransactionSynchronization() {
                        @Override
                        public void afterCommit() {
                            changed();
                        }
                    });
        } else {
            changed();
        }
    }

    private synchronized void changed() {
        committed++;
        notifyAll();
    }

    /** The version of an alert's state: its last update's time, as Elasticsearch's external version takes it. */
    public static long version(Alert alert) {
        return alert.updatedAt() == null ? 0 : alert.updatedAt().toEpochMilli();
    }

    /**
     * The changes an output has not delivered yet, oldest first (at most one batch); with none, waits for a change to
     * be committed (the configured wait at most) and looks again.
     */
    public List<Delivery> pending(String output) throws InterruptedException {
        long seen;
        synchronized (this) {
            seen = committed;
        }
        List<Delivery> out = read(output);
        if (!out.isEmpty()) {
            return out;
        }
        synchronized (this) {
            long deadline = System.currentTimeMillis() + waitMillis;
            long left;
            while (committed == seen && (left = deadline - System.currentTimeMillis()) > 0) {
                wait(left);
            }
        }
        return read(output);
    }

    private List<Delivery> read(String output) {
        Long cursor = sql.queryForObject("SELECT delivered FROM alert_outbox_cursor WHERE output = ?", Long.class,
                output);
        record Row(long id, String alertId, boolean notable) {
        }
        List<Row> rows = sql.query("SELECT id, alert_id, notable FROM alert_outbox WHERE id > ? ORDER BY id "
                        + "FETCH FIRST " + batch + " ROWS ONLY",
                (rs, n) -> new Row(rs.getLong("id"), rs.getString("alert_id"), rs.getBoolean("notable")),
                cursor == null ? 0 : cursor);
        List<Delivery> out = new ArrayList<>(rows.size());
        for (Row row : rows) {
            // an alert deleted since (retention) has nothing left to deliver
            alerts.get(row.alertId()).ifPresent(alert -> out.add(new Delivery(row.id(), alert, row.notable())));
        }
        if (out.isEmpty()) {
            purge();
        }
        return out;
    }

    /** The output is done with this change (delivered, or kept as a dead letter after its retries). */
    public void delivered(String output, long delivery) {
        sql.update("UPDATE alert_outbox_cursor SET delivered = ? WHERE output = ? AND delivered < ?", delivery, output,
                delivery);
    }

    /** As {@link #delivered(String, long)}, for the delivery an exchange carries (in the outputs' error handler). */
    public void passed(Exchange exchange) {
        String output = exchange.getMessage().getHeader(OUTPUT, String.class);
        Long delivery = exchange.getMessage().getHeader(DELIVERY, Long.class);
        if (output != null && delivery != null) {
            delivered(output, delivery);
        }
    }

    /** Whether every output has delivered every change so far. */
    public boolean idle() {
        Long behind = sql.queryForObject("SELECT COUNT(*) FROM alert_outbox_cursor WHERE delivered < "
                + "(SELECT COALESCE(MAX(id), 0) FROM alert_outbox)", Long.class);
        return behind == null || behind == 0;
    }

    /** Changes every output has delivered are deleted. */
    private void purge() {
        Long done = sql.queryForObject("SELECT MIN(delivered) FROM alert_outbox_cursor", Long.class);
        if (done == null) {
            sql.update("DELETE FROM alert_outbox");
        } else {
            sql.update("DELETE FROM alert_outbox WHERE id <= ?", done);
        }
    }
}
