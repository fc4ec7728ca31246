package routes.normalize;

import routes.model.Event;

/**
 * Reads one log format into ECS fields. Implementations are stateless and thread-safe, and register themselves:
 * every implementation in this package is found by {@link Parsers} (a public constructor taking the zone for
 * times without one, or none), so a new format is one new file. A parser says which syslog programs' lines it
 * reads ({@link #claims}) and, for lines of other programs, a cheap test of whether a line may be its format
 * ({@link #mayRead}) with its place among the formats tried ({@link #order}).
 */
public interface Parser {

    /** The {@code event.dataset} this parser produces, e.g. {@code linux.sshd}. */
    String dataset();

    /**
     * Adds the ECS fields of the message to the event.
     *
     * @return false when the message is not in this parser's format (the event is then left as it was)
     */
    boolean parse(String message, Event.Builder event);

    /** The syslog programs (app names) whose lines are this format, tried before any content test. */
    default java.util.Set<String> programs() {
        return java.util.Set.of();
    }

    /** Whether this parser reads the lines of a program (by default: the program is one of {@link #programs}). */
    default boolean claims(String program) {
        return programs().contains(program);
    }

    /** Reads a line of a program it claims; the program name can carry format of its own (PAM's legacy tags). */
    default boolean parse(String program, String message, Event.Builder event) {
        return parse(message, event);
    }

    /**
     * Whether a line of any other program may be in this format: a cheap test that never says no to a line the
     * parser reads, used before {@link #parse}. False: the parser reads only its programs' lines.
     */
    default boolean mayRead(String message) {
        return false;
    }

    /** Where the content tests try this parser, lowest first: specific formats before lenient ones. */
    default int order() {
        return 100;
    }

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
                if (value >= 0 && value <= 65535) {
                    event.put(side + ".port", (long) value);
                }
            } catch (NumberFormatException ignored) {
                // not a port: leave it out
            }
        }
    }
}
