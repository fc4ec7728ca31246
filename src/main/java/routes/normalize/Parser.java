package routes.normalize;

import routes.model.Event;

/** Reads one log format into ECS fields. Implementations are stateless and thread-safe. */
public interface Parser {

    /** The {@code event.dataset} this parser produces, e.g. {@code linux.sshd}. */
    String dataset();

    /**
     * Adds the ECS fields of the message to the event.
     *
     * @return false when the message is not in this parser's format (the event is then left as it was)
     */
    boolean parse(String message, Event.Builder event);

    /**
     * Records where a connection came from or went to: {@code <side>.address} always, and {@code <side>.ip} when
     * it is an IP literal or {@code <side>.domain} when it is a host name.
     */
    static void putAddress(Event.Builder event, String side, String address) {
        if (address == null || address.isEmpty() || address.equals("-")) {
            return;
        }
        event.put(side + ".address", address);
        if (!event.put(side + ".ip", address)) {
            event.put(side + ".domain", address);
        }
    }

    /** Records a port when the text is a number from 0 to 65535. */
    static void putPort(Event.Builder event, String side, String port) {
        if (port != null && !port.isEmpty() && port.length() <= 5) {
            try {
                int value = Integer.parseInt(port);
                if (value <= 65535) {
                    event.put(side + ".port", (long) value);
                }
            } catch (NumberFormatException ignored) {
                // not a port: leave it out
            }
        }
    }
}
