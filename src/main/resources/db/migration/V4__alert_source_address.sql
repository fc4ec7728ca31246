-- An alert's source may be a host name (a PAM rhost= or sshd "from" that was resolved), not only an address:
-- the column takes a DNS name's length. Portable between H2 and PostgreSQL.
ALTER TABLE alerts ALTER COLUMN source_ip SET DATA TYPE VARCHAR(255);
