-- The correlation window classes moved from routes.detect to routes.correlate (and Event to
-- routes.model). Windows stored under the old names cannot be read under the new deserialization
-- filter: they are cleared, so a restart after the upgrade starts those windows afresh instead of
-- failing on every finding of their groups.
DELETE FROM correlation_windows;
DELETE FROM correlation_windows_completed;
