package routes.normalize;

import routes.model.Event;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** su's log lines from util-linux and shadow, successful and failed, and its PAM lines. */
public final class SuParser implements Parser {

    private static final Pattern TO = Pattern.compile("^(FAILED SU )?\\(to (\\S+)\\) (\\S+) on (\\S+)$");
    private static final Pattern FOR_BY = Pattern.compile("^(FAILED|Successful) su for (\\S+) by (\\S+)$");
    private static final Pattern SHORT = Pattern.compile("^([+-]) (\\S+) (\\S+?):(\\S+)$");
    /** BSD su: {@code BAD SU ger to fwmaster on /dev/ttyp0}, {@code dcid to root on /dev/ttyp1}. */
    private static final Pattern BSD = Pattern.compile("^(BAD SU )?(\\S+) to (\\S+)(?: on (\\S+))?$");
    private static final Pattern CHANGING = Pattern.compile("^failed: (\\S+) changing from (\\S+) to (\\S+)$");

    private final PamParser pam = new PamParser();

    @Override
    public String dataset() {
        return "linux.su";
    }

    @Override
    public java.util.Set<String> programs() {
        return java.util.Set.of("su");
    }

    @Override
    public boolean parse(String message, Event.Builder event) {
        if (message.startsWith("pam_") || message.startsWith("PAM ")) {
            return pam.parse(message, event);
        }
        Matcher m;
        if ((m = TO.matcher(message)).matches()) {
            su(event, m.group(1) == null, m.group(3), m.group(2), m.group(4));
        } else if ((m = FOR_BY.matcher(message)).matches()) {
            su(event, m.group(1).equals("Successful"), m.group(3), m.group(2), null);
        } else if ((m = SHORT.matcher(message)).matches()) {
            su(event, m.group(1).equals("+"), m.group(3), m.group(4), m.group(2));
        } else if ((m = CHANGING.matcher(message)).matches()) {
            su(event, false, m.group(2), m.group(3), m.group(1));
        } else if ((m = BSD.matcher(message)).matches()) {
            su(event, m.group(1) == null, m.group(2), m.group(3), m.group(4));
        } else {
            return false;
        }
        return true;
    }

    private static void su(Event.Builder event, boolean success, String user, String target, String tty) {
        event.add("event.category", "authentication");
        event.add("event.type", success ? "start" : "info");
        event.put("event.action", "su");
        event.put("event.outcome", success ? "success" : "failure");
        event.put("user.name", user);
        event.put("user.target.name", target);
        event.put("labels.tty", tty);
    }
}
