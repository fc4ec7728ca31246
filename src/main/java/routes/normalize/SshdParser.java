package routes.normalize;

import routes.model.EcsSchema;
import routes.model.Event;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * OpenSSH server messages: logins accepted and failed (password, publickey, keyboard-interactive), invalid users,
 * disconnects and preauth closes, reverse-mapping "POSSIBLE BREAK-IN ATTEMPT", too many authentication failures,
 * and the PAM lines sshd writes (handed to {@link PamParser}).
 */
public final class SshdParser implements Parser {

    private static final String ADDR = "(\\S+)";
    private static final String PORT = "(?: port (\\d+))?";
    private static final String PREAUTH = "(?: \\[preauth\\])?";

    private static final Pattern LOGIN = Pattern.compile(
            "^(Accepted|Failed|Postponed) (\\S+) for (invalid user )?(.*?) from " + ADDR + PORT
                    + "(?: ssh[12])?(?:: (.*?))?" + PREAUTH + "$");
    private static final Pattern INVALID_USER = Pattern.compile(
            "^(?:Invalid|Illegal) user (.*?) from " + ADDR + PORT + PREAUTH + "$");
    private static final Pattern USERAUTH_INVALID = Pattern.compile(
            "^input_userauth_request: (?:invalid|illegal) user (.*?)" + PREAUTH + "$");
    private static final Pattern CLOSED = Pattern.compile(
            "^(Connection closed|Connection reset) by"
                    + "(?: (authenticating|invalid) user (.*?))? " + ADDR + PORT + PREAUTH + "$");
    private static final Pattern DISCONNECTED = Pattern.compile(
            "^Disconnected from (?:(authenticating|invalid) user (.*?) |user (.*?) )?" + ADDR + PORT + PREAUTH + "$");
    private static final Pattern RECEIVED_DISCONNECT = Pattern.compile(
            "^Received disconnect from " + ADDR + "?" + PORT + ":\\s?(\\d+): (.*?)" + PREAUTH + "$");
    private static final Pattern REVERSE_MAPPING = Pattern.compile(
            "^reverse mapping checking getaddrinfo for (\\S+) \\[(\\S+)\\] failed.*$");
    private static final Pattern ADDRESS_MAPS = Pattern.compile(
            "^Address (\\S+) maps to (\\S+), but this does not map back to the address.*$");
    private static final Pattern MAX_ATTEMPTS = Pattern.compile(
            "^maximum authentication attempts exceeded for (invalid user )?(.*?) from " + ADDR + PORT
                    + "(?: ssh[12])?" + PREAUTH + "$");
    private static final Pattern TOO_MANY = Pattern.compile(
            "^Disconnecting(?: (?:authenticating|invalid) user (.*?) " + ADDR + PORT + ")?: "
                    + "Too many authentication failures(?: for (?:invalid user )?(.*?))?" + PREAUTH + "$");
    private static final Pattern NO_IDENTIFICATION = Pattern.compile(
            "^Did not receive identification string from " + ADDR + PORT + "$");
    private static final Pattern BAD_PROTOCOL = Pattern.compile(
            "^Bad protocol version identification '(.*)' from " + ADDR + PORT + "$");
    private static final Pattern NOT_ALLOWED = Pattern.compile(
            "^User (.*?) from " + ADDR + " not allowed because (.*)$");
    private static final Pattern TIMEOUT = Pattern.compile(
            "^Timeout before authentication for " + ADDR + PORT + "$");
    private static final Pattern NEGOTIATE = Pattern.compile(
            "^Unable to negotiate with " + ADDR + PORT + ": (.*?)" + PREAUTH + "$");
    private static final Pattern LISTENING = Pattern.compile("^Server listening on " + ADDR + PORT + "\\.?$");
    private static final Pattern BANNER = Pattern.compile(
            "^(?:kex_exchange_identification|banner exchange): (?:Connection from " + ADDR + PORT + ": )?(.*)$");

    private static final Pattern PAM_ERROR = Pattern.compile(
            "^PAM: (authentication error|unknown user|user account has expired) for (illegal user |invalid user )?(.*?)"
                    + " from " + ADDR + "$");
    private static final Pattern DISCONNECTING = Pattern.compile(
            "^Disconnecting (?:(authenticating|invalid) user (.*?) )?" + ADDR + PORT + "(?:: (.*?))?" + PREAUTH + "$");
    private static final Pattern REFUSED = Pattern.compile("^Authentication refused: (.*)$");
    /** Solaris puts a message id before the text: {@code [ID 800047 auth.notice] Failed none for root ...}. */
    private static final Pattern SOLARIS_ID = Pattern.compile("^\\[ID \\d+ [\\w.]+\\] ");
    private static final Pattern READ_ERROR = Pattern.compile(
            "^Read error from remote host " + ADDR + PORT + ": (.*?)" + PREAUTH + "$");

    private final PamParser pam = new PamParser();

    @Override
    public String dataset() {
        return "linux.sshd";
    }

    @Override
    public java.util.Set<String> programs() {
        return java.util.Set.of("sshd", "sshd-session", "sshd-auth");
    }

    @Override
    public boolean parse(String message, Event.Builder event) {
        String text = message;
        Matcher solaris = SOLARIS_ID.matcher(text);
        if (solaris.lookingAt()) {
            text = text.substring(solaris.end());
        }
        String level = null;
        if (text.startsWith("error: ") || text.startsWith("fatal: ")) {
            level = text.substring(0, 5);
            text = text.substring(7);
        }
        boolean parsed = text.startsWith("pam_") || text.startsWith("PAM ") ? pam.parse(text, event)
                : text.startsWith("PAM: ") ? pamError(text, event) : parseText(text, event);
        if (parsed && level != null) {
            event.put("log.level", level);
        }
        return parsed;
    }

    private boolean parseText(String text, Event.Builder event) {
        Matcher m;
        switch (text.isEmpty() ? ' ' : text.charAt(0)) {
            case 'A' -> {
                if ((m = LOGIN.matcher(text)).matches()) {
                    return login(m, event);
                }
                if ((m = REFUSED.matcher(text)).matches()) {
                    authentication(event, "ssh_auth_refused", "failure", null);
                    attemptPart(event);
                    event.add("event.type", "info");
                    event.put("event.reason", m.group(1));
                    return true;
                }
                if ((m = ADDRESS_MAPS.matcher(text)).matches()) {
                    breakIn(event, m.group(1), m.group(2));
                    return true;
                }
            }
            case 'F', 'P' -> {
                if ((m = LOGIN.matcher(text)).matches()) {
                    return login(m, event);
                }
            }
            case 'I' -> {
                if ((m = INVALID_USER.matcher(text)).matches()) {
                    invalidUser(event, m.group(1));
                    Parser.putAddress(event, "source", m.group(2));
                    Parser.putPort(event, "source", m.group(3));
                    return true;
                }
            }
            case 'i' -> {
                if ((m = USERAUTH_INVALID.matcher(text)).matches()) {
                    invalidUser(event, m.group(1));
                    return true;
                }
            }
            case 'C' -> {
                if ((m = CLOSED.matcher(text)).matches()) {
                    connectionEnd(event, m.group(1).equals("Connection reset") ? "ssh_connection_reset"
                            : "ssh_connection_closed", m.group(2), m.group(3), m.group(4), m.group(5), text);
                    return true;
                }
            }
            case 'D' -> {
                if ((m = DISCONNECTED.matcher(text)).matches()) {
                    String user = m.group(2) != null ? m.group(2) : m.group(3);
                    connectionEnd(event, "ssh_disconnected", m.group(1), user, m.group(4), m.group(5), text);
                    return true;
                }
                if ((m = TOO_MANY.matcher(text)).matches()) {
                    tooManyFailures(event, m.group(1) != null ? m.group(1) : m.group(4), m.group(2), m.group(3));
                    return true;
                }
                if ((m = DISCONNECTING.matcher(text)).matches()) {
                    connectionEnd(event, "ssh_disconnected", m.group(1), m.group(2), m.group(3), m.group(4), text);
                    event.put("event.reason", m.group(5));
                    return true;
                }
                if ((m = NO_IDENTIFICATION.matcher(text)).matches()) {
                    network(event, "ssh_no_identification", m.group(1), m.group(2));
                    event.put("event.outcome", "failure");
                    return true;
                }
            }
            case 'R' -> {
                if ((m = READ_ERROR.matcher(text)).matches()) {
                    network(event, "ssh_read_error", m.group(1), m.group(2));
                    event.put("event.reason", m.group(3));
                    preauth(event, text);
                    return true;
                }
                if ((m = RECEIVED_DISCONNECT.matcher(text)).matches()) {
                    network(event, "ssh_disconnect_received", m.group(1), m.group(2));
                    event.put("event.reason", m.group(4));
                    event.put("labels.ssh_disconnect_code", m.group(3));
                    event.add("event.type", "end");
                    preauth(event, text);
                    return true;
                }
            }
            case 'r' -> {
                if ((m = REVERSE_MAPPING.matcher(text)).matches()) {
                    breakIn(event, m.group(2), m.group(1));
                    return true;
                }
            }
            case 'm' -> {
                if ((m = MAX_ATTEMPTS.matcher(text)).matches()) {
                    tooManyFailures(event, m.group(2), m.group(3), m.group(4));
                    if (m.group(1) != null) {
                        event.add("tags", "invalid_user");
                    }
                    return true;
                }
            }
            case 'B' -> {
                if ((m = BAD_PROTOCOL.matcher(text)).matches()) {
                    network(event, "ssh_bad_protocol", m.group(2), m.group(3));
                    event.put("event.outcome", "failure");
                    event.put("labels.ssh_identification", m.group(1));
                    return true;
                }
            }
            case 'U' -> {
                if ((m = NOT_ALLOWED.matcher(text)).matches()) {
                    authentication(event, "ssh_user_not_allowed", "failure", m.group(1));
                    attemptPart(event);
                    Parser.putAddress(event, "source", m.group(2));
                    event.put("event.reason", m.group(3));
                    return true;
                }
                if ((m = NEGOTIATE.matcher(text)).matches()) {
                    network(event, "ssh_negotiation_failed", m.group(1), m.group(2));
                    event.put("event.outcome", "failure");
                    event.put("event.reason", m.group(3));
                    return true;
                }
            }
            case 'T' -> {
                if ((m = TIMEOUT.matcher(text)).matches()) {
                    network(event, "ssh_auth_timeout", m.group(1), m.group(2));
                    event.put("event.outcome", "failure");
                    return true;
                }
            }
            case 'S' -> {
                if ((m = LISTENING.matcher(text)).matches()) {
                    event.add("event.category", "process");
                    event.add("event.type", "start");
                    event.put("event.action", "ssh_server_listening");
                    Parser.putAddress(event, "destination", m.group(1));
                    Parser.putPort(event, "destination", m.group(2));
                    return true;
                }
            }
            case 'k', 'b' -> {
                if ((m = BANNER.matcher(text)).matches()) {
                    network(event, "ssh_banner_exchange_failed", m.group(1), m.group(2));
                    event.put("event.outcome", "failure");
                    event.put("event.reason", m.group(3));
                    return true;
                }
            }
            default -> {
                return false;
            }
        }
        return false;
    }

    private static boolean pamError(String text, Event.Builder event) {
        Matcher m = PAM_ERROR.matcher(text);
        if (!m.matches()) {
            return false;
        }
        authentication(event, "ssh_login", "failure", m.group(3));
        attemptPart(event);
        event.add("event.type", "info");
        event.put("event.reason", m.group(1));
        Parser.putAddress(event, "source", m.group(4));
        if (m.group(2) != null) {
            event.add("tags", "invalid_user");
        }
        return true;
    }

    private static boolean login(Matcher m, Event.Builder event) {
        String verb = m.group(1);
        // "Postponed" is a step of keyboard-interactive authentication: its Accepted or Failed line follows
        String outcome = switch (verb) {
            case "Accepted" -> "success";
            case "Failed" -> "failure";
            default -> "unknown";
        };
        authentication(event, "ssh_login", outcome, m.group(4));
        event.add("event.type", outcome.equals("success") ? "start" : "info");
        event.put("system.auth.ssh.event", verb);
        event.put("system.auth.ssh.method", m.group(2));
        Parser.putAddress(event, "source", m.group(5));
        Parser.putPort(event, "source", m.group(6));
        if (m.group(7) != null) {
            event.put("system.auth.ssh.signature", m.group(7));
        }
        if (m.group(3) != null) {
            event.add("tags", "invalid_user");
        }
        return true;
    }

    private static void authentication(Event.Builder event, String action, String outcome, String user) {
        event.add("event.category", "authentication");
        event.put("event.action", action);
        event.put("event.outcome", outcome);
        event.put("user.name", user);
    }

    /**
     * Failure lines other than {@code Failed <method> for ...} tell of an attempt that line records too (when the
     * attempt got that far: on a server that takes only keys, {@code Invalid user} is all there is).
     */
    private static void attemptPart(Event.Builder event) {
        event.add("tags", EcsSchema.ATTEMPT_PART);
    }

    private static void invalidUser(Event.Builder event, String user) {
        authentication(event, "ssh_invalid_user", "failure", user);
        attemptPart(event);
        event.add("event.type", "info");
        event.add("tags", "invalid_user");
    }

    private static void tooManyFailures(Event.Builder event, String user, String address, String port) {
        authentication(event, "ssh_max_auth_attempts", "failure", user);
        attemptPart(event);
        event.add("event.type", "info");
        Parser.putAddress(event, "source", address);
        Parser.putPort(event, "source", port);
    }

    private static void breakIn(Event.Builder event, String address, String domain) {
        network(event, "ssh_reverse_mapping_failed", address, null);
        event.put("source.domain", domain);
        event.put("event.outcome", "failure");
        event.add("tags", "possible_break_in");
    }

    private static void connectionEnd(Event.Builder event, String action, String userKind, String user,
                                      String address, String port, String text) {
        network(event, action, address, port);
        event.add("event.type", "end");
        event.put("user.name", user);
        if ("invalid".equals(userKind)) {
            event.add("tags", "invalid_user");
        }
        preauth(event, text);
    }

    private static void network(Event.Builder event, String action, String address, String port) {
        event.add("event.category", "network");
        event.put("event.action", action);
        Parser.putAddress(event, "source", address);
        Parser.putPort(event, "source", port);
    }

    private static void preauth(Event.Builder event, String text) {
        if (text.endsWith("[preauth]")) {
            event.add("tags", "preauth");
        }
    }
}
