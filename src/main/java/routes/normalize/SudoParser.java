package routes.normalize;

import routes.model.Event;

/**
 * sudo's log lines: {@code alice : TTY=pts/0 ; PWD=/home/alice ; USER=root ; COMMAND=/bin/ls}, with an error
 * first when it refused ({@code 3 incorrect password attempts}, {@code user NOT in sudoers}), and its PAM lines.
 */
public final class SudoParser implements Parser {

    private final PamParser pam = new PamParser();

    @Override
    public String dataset() {
        return "linux.sudo";
    }

    @Override
    public java.util.Set<String> programs() {
        return java.util.Set.of("sudo");
    }

    @Override
    public boolean parse(String message, Event.Builder event) {
        String text = message.strip();
        if (text.startsWith("pam_") || text.startsWith("PAM ")) {
            return pam.parse(text, event);
        }
        int colon = text.indexOf(" : ");
        if (colon <= 0 || text.indexOf(' ') < colon) {
            return false;
        }
        String user = text.substring(0, colon);
        String error = null;
        boolean sawCommand = false;
        for (String part : text.substring(colon + 3).split(" ; ")) {
            int eq = part.indexOf('=');
            String key = eq > 0 ? part.substring(0, eq) : null;
            if (key == null || !key.chars().allMatch(ch -> ch >= 'A' && ch <= 'Z')) {
                if (error == null) {
                    error = part;
                }
                continue;
            }
            String value = part.substring(eq + 1);
            switch (key) {
                case "TTY" -> event.put("system.auth.sudo.tty", value);
                case "PWD" -> event.put("process.working_directory", value);
                case "USER" -> event.put("user.effective.name", value);
                case "GROUP" -> event.put("labels.sudo_group", value);
                case "COMMAND" -> {
                    event.put("process.command_line", value);
                    String executable = value.split(" ", 2)[0];
                    event.put("process.executable", executable);
                    sawCommand = true;
                }
                default -> event.put("labels.sudo_" + key.toLowerCase(java.util.Locale.ROOT), value);
            }
        }
        if (!sawCommand && error == null) {
            return false;
        }
        event.put("user.name", user);
        event.add("event.category", "process");
        event.put("event.action", "sudo");
        if (error == null) {
            event.add("event.type", "start");
            event.put("event.outcome", "success");
        } else {
            event.add("event.category", "authentication");
            event.add("event.type", "info");
            event.put("event.outcome", "failure");
            event.put("system.auth.sudo.error", error);
            event.put("event.reason", error);
        }
        return true;
    }
}
