package routes.normalize;

import routes.model.EcsSchema;
import routes.model.Event;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * PAM module messages, whichever program logs them: {@code pam_unix(sshd:auth): authentication failure; ...
 * rhost=... user=...}, session opened/closed, {@code PAM n more authentication failures}, faillock.
 */
public final class PamParser implements Parser {

    private static final Pattern MODULE = Pattern.compile("^(pam_[\\w-]+)\\(([^:()]+):(\\w+)\\): (.*)$");
    private static final Pattern SESSION = Pattern.compile(
            "^session (opened|closed) for user (.+?)(?:\\(uid=\\d+\\))?(?: by (.*?)(?:\\(uid=\\d+\\))?)?$");
    private static final Pattern MORE_FAILURES = Pattern.compile("^(?:PAM )?(\\d+) more authentication failures?;(.*)$");
    private static final Pattern LOCKED = Pattern.compile(".*?(?:for user|user) (\\S+).*");

    @Override
    public String dataset() {
        return "linux.pam";
    }

    /** PAM lines of any program, and the legacy {@code sshd(pam_unix)} tags that name the module. */
    @Override
    public boolean claims(String program) {
        return program.indexOf("(pam_") > 0;
    }

    @Override
    public boolean parse(String program, String message, Event.Builder event) {
        return parseLegacy(program, message, event);
    }

    @Override
    public boolean mayRead(String message) {
        return !message.isEmpty() && (message.charAt(0) == 'p' || message.charAt(0) == 'P');
    }

    @Override
    public int order() {
        return 10;
    }

    @Override
    public boolean parse(String message, Event.Builder event) {
        if (message.startsWith("PAM ")) {
            Matcher more = MORE_FAILURES.matcher(message);
            if (!more.matches()) {
                return false;
            }
            authFailure(KeyValues.parse(more.group(2), 0), event);
            event.put("event.action", "authentication_failures_repeated");
            event.put("labels.pam_more_failures", more.group(1));
            return true;
        }
        if (!message.startsWith("pam_")) {
            return false;
        }
        Matcher m = MODULE.matcher(message);
        if (!m.matches()) {
            return false;
        }
        body(m.group(1), m.group(2), m.group(3), m.group(4), event);
        return true;
    }

    /**
     * The older form, where the module is part of the program name: {@code su(pam_unix)[23164]: authentication
     * failure; ...}, {@code sshd(pam_unix)[1]: 2 more authentication failures; ...}.
     */
    public boolean parseLegacy(String program, String message, Event.Builder event) {
        int open = program.indexOf("(pam_");
        if (open <= 0 || !program.endsWith(")")) {
            return false;
        }
        String module = program.substring(open + 1, program.length() - 1);
        String service = program.substring(0, open);
        event.put("labels.pam_module", module);
        event.put("labels.pam_service", service);
        Matcher more = MORE_FAILURES.matcher(message);
        if (more.matches()) {
            authFailure(KeyValues.parse(more.group(2), 0), event);
            event.put("event.action", "authentication_failures_repeated");
            event.put("labels.pam_more_failures", more.group(1));
        } else {
            body(module, service, null, message, event);
        }
        return true;
    }

    private static void body(String module, String service, String type, String text, Event.Builder event) {
        event.put("labels.pam_module", module);
        event.put("labels.pam_service", service);
        event.put("labels.pam_type", type);
        if (text.startsWith("authentication failure;")) {
            authFailure(KeyValues.parse(text, "authentication failure;".length()), event);
            return;
        }
        Matcher session = SESSION.matcher(text);
        if (session.matches()) {
            boolean opened = session.group(1).equals("opened");
            event.add("event.category", "session");
            event.add("event.type", opened ? "start" : "end");
            event.put("event.action", opened ? "session_opened" : "session_closed");
            event.put("event.outcome", "success");
            event.put("user.name", session.group(2));
            if (session.group(3) != null && !session.group(3).isEmpty()) {
                event.put("user.effective.name", session.group(2));
                event.put("user.name", session.group(3));
            }
            return;
        }
        event.add("event.category", "authentication");
        if (text.startsWith("check pass; user unknown")) {
            event.put("event.action", "user_unknown");
            event.put("event.outcome", "failure");
            event.add("event.type", "info");
            event.add("tags", EcsSchema.ATTEMPT_PART);
        } else if (text.contains("Consecutive login failures") || text.contains("temporarily locked")
                || text.contains("account locked")) {
            event.put("event.action", "account_locked");
            event.put("event.outcome", "failure");
            event.add("event.type", "info");
            event.add("tags", EcsSchema.ATTEMPT_PART);
            Matcher locked = LOCKED.matcher(text);
            if (locked.matches()) {
                event.put("user.name", locked.group(1));
            }
        } else {
            event.put("event.action", type == null ? module : "pam_" + type);
            event.add("event.type", "info");
        }
    }

    /** Services that write a failure line of their own beside PAM's; for others (vsftpd...) PAM's is the attempt. */
    private static final java.util.Set<String> OWN_FAILURE_LINES = java.util.Set.of("sshd", "sshd-session", "sshd-auth",
            "su", "sudo", "login");

    private static boolean logsItsOwnFailures(Event.Builder event) {
        Object service = event.get("labels.pam_service");
        if (service == null) {
            service = event.get("process.name");
        }
        return service != null && OWN_FAILURE_LINES.contains(service.toString());
    }

    private static void authFailure(Map<String, String> fields, Event.Builder event) {
        event.add("event.category", "authentication");
        event.add("event.type", "info");
        event.put("event.action", "authentication_failure");
        event.put("event.outcome", "failure");
        if (logsItsOwnFailures(event)) {
            // the service that asked PAM logs the attempt's outcome too (sshd's Failed password, su's FAILED SU)
            event.add("tags", EcsSchema.ATTEMPT_PART);
        }
        event.put("user.name", fields.get("user"));
        Parser.putAddress(event, "source", fields.get("rhost"));
        if (fields.containsKey("ruser") && !fields.get("ruser").isEmpty()) {
            event.put("source.user.name", fields.get("ruser"));
        }
        if (fields.containsKey("logname") && !fields.get("logname").isEmpty()) {
            event.put("labels.logname", fields.get("logname"));
        }
        event.put("user.id", fields.get("uid"));
        event.put("labels.tty", fields.get("tty"));
    }
}
