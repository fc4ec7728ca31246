-- Open correlation windows of the correlate Aggregator, when siem.correlation.repository is sql
-- (camel-sql's JdbcAggregationRepository: the group's key, its serialized state, an optimistic-lock
-- version; the _completed table holds completed groups until their alert is through the pipeline).
-- BYTEA is binary in PostgreSQL and an alias of VARBINARY in H2.
CREATE TABLE correlation_windows (
    id       VARCHAR(1024) NOT NULL PRIMARY KEY,
    exchange BYTEA         NOT NULL,
    version  BIGINT        NOT NULL
);

CREATE TABLE correlation_windows_completed (
    id       VARCHAR(1024) NOT NULL PRIMARY KEY,
    exchange BYTEA         NOT NULL,
    version  BIGINT        NOT NULL
);
