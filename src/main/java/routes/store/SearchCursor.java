package routes.store;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * Where a newest-first page ended: the last event's time and id, as the opaque {@code next} text of
 * {@code /api/v1/logs}. Every event store pages by this same pair.
 */
record SearchCursor(long timestamp, String id) {

    String encode() {
        return Base64.getUrlEncoder().withoutPadding()
                .encodeToString((timestamp + "|" + id).getBytes(StandardCharsets.UTF_8));
    }

    /** The cursor a client sent back, or null when it sent none. */
    static SearchCursor decode(String cursor) {
        if (cursor == null || cursor.isBlank()) {
            return null;
        }
        try {
            String text = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
            int bar = text.indexOf('|');
            return new SearchCursor(Long.parseLong(text.substring(0, bar)), text.substring(bar + 1));
        } catch (RuntimeException e) {
            throw new EventStore.InvalidQueryException("invalid cursor: use the 'next' value of the previous page", e);
        }
    }
}
