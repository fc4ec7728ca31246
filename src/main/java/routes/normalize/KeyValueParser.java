package routes.normalize;

import routes.model.Event;
import java.util.Map;

/** Appliance logs written as {@code key=value} pairs (FortiGate, many firewalls and apps): at least three pairs. */
public final class KeyValueParser implements Parser {

    private static final int MINIMUM_PAIRS = 3;

    @Override
    public String dataset() {
        return "kv";
    }

    @Override
    public boolean mayRead(String message) {
        return message.indexOf('=') > 0;
    }

    @Override
    public int order() {
        return 80;
    }

    @Override
    public boolean parse(String message, Event.Builder event) {
        if (KeyValues.count(message, MINIMUM_PAIRS) < MINIMUM_PAIRS) {
            return false;
        }
        Map<String, String> pairs = KeyValues.parse(message, 0);
        String date = pairs.remove("date");
        String time = pairs.get("time");
        if (date != null && time != null && date.length() == 10 && time.length() == 8) {
            pairs.put("time", date + "T" + time);
        } else if (date != null) {
            pairs.put("date", date);
        }
        pairs.forEach((key, value) -> FieldAliases.put(event, key, value, true));
        return true;
    }
}
