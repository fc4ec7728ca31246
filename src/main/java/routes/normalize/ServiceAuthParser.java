package routes.normalize;

import routes.model.Event;

import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Failed logins of the network daemons besides sshd that attackers try passwords on: FTP servers (vsftpd, proftpd,
 * pure-ftpd, BSD and wu-ftpd {@code ftpd}), mail (dovecot, postfix's SASL) and Kerberos rlogin (klogind). Each
 * becomes an authentication failure with its source address and user, so the brute-force and spraying
 * correlations count them as they count sshd's.
 */
public final class ServiceAuthParser implements Parser {

    /** vsftpd: {@code [admin] FAIL LOGIN: Client "::ffff:203.0.113.5"}. */
    private static final Pattern VSFTPD = Pattern.compile(
            "^(?:\\[pid \\d+\\] )?\\[([^\\]]*)\\] FAIL LOGIN: Client \"(?:::ffff:)?([^\"]+)\".*$");
    /** proftpd: {@code host (203.0.113.5[203.0.113.5]) - USER admin (Login failed): Incorrect password}. */
    private static final Pattern PROFTPD = Pattern.compile(
            "^\\S+ \\(([^\\[\\s]*)\\[([^\\]]+)\\]\\) - USER (\\S+)(?: \\(Login failed\\)|: no such user found).*$");
    /** pure-ftpd: {@code (?@203.0.113.5) [WARNING] Authentication failed for user [admin]}. */
    private static final Pattern PUREFTPD = Pattern.compile(
            "^\\(\\S*@([^)]+)\\) \\[WARNING\\] Authentication failed for user \\[([^\\]]*)\\].*$");
    /** ftpd: {@code FTP LOGIN FAILED FROM 203.0.113.5, root} and {@code failed login from host [203.0.113.5], admin}. */
    private static final Pattern FTPD = Pattern.compile(
            "^(?:FTP LOGIN FAILED FROM|[Ff]ailed login from) (?:\\S+ \\[)?([^\\],\\s]+)\\]?,? ?(\\S*)$");
    /** dovecot: {@code imap-login: Disconnected (auth failed, 1 attempts in 2 secs): user=<bob>, ..., rip=203.0.113.5}. */
    private static final Pattern DOVECOT = Pattern.compile(
            "^(\\w+)-login: (?:Disconnected|Aborted login) \\((?:auth failed|tried to use disallowed)[^)]*\\): "
                    + "user=<([^>]*)>.*?rip=([0-9a-fA-F:.]+).*$");
    /** postfix: {@code warning: unknown[203.0.113.5]: SASL LOGIN authentication failed: ...}. */
    private static final Pattern POSTFIX = Pattern.compile(
            "^warning: ([^\\[\\s]*)\\[([^\\]]+)\\]: SASL (\\S+) authentication failed.*$");
    /** klogind: {@code Authentication failed from 203.0.113.5 (203.0.113.5): Permission denied ...}. */
    private static final Pattern KLOGIND = Pattern.compile("^Authentication failed from (\\S+)(?: \\([^)]*\\))?.*$");

    @Override
    public String dataset() {
        return "linux.auth";
    }

    @Override
    public Set<String> programs() {
        return Set.of("vsftpd", "proftpd", "pure-ftpd", "ftpd", "in.ftpd", "wu-ftpd", "dovecot", "postfix/smtpd",
                "postfix/submission/smtpd", "postfix/smtps/smtpd", "klogind");
    }

    @Override
    public boolean parse(String message, Event.Builder event) {
        Matcher m;
        if ((m = VSFTPD.matcher(message)).matches()) {
            failure(event, "ftp", m.group(2), m.group(1));
        } else if ((m = PROFTPD.matcher(message)).matches()) {
            failure(event, "ftp", m.group(2), m.group(3));
        } else if ((m = PUREFTPD.matcher(message)).matches()) {
            failure(event, "ftp", m.group(1), m.group(2));
        } else if ((m = FTPD.matcher(message)).matches()) {
            failure(event, "ftp", m.group(1), m.group(2));
        } else if ((m = DOVECOT.matcher(message)).matches()) {
            failure(event, m.group(1), m.group(3), m.group(2));
        } else if ((m = POSTFIX.matcher(message)).matches()) {
            failure(event, "smtp", m.group(2), null);
            event.put("labels.sasl_method", m.group(3));
        } else if ((m = KLOGIND.matcher(message)).matches()) {
            failure(event, "klogin", m.group(1), null);
        } else {
            return false;
        }
        return true;
    }

    private static void failure(Event.Builder event, String protocol, String address, String user) {
        event.add("event.category", "authentication");
        event.add("event.type", "info");
        event.put("event.action", "authentication_failure");
        event.put("event.outcome", "failure");
        event.put("network.protocol", protocol.toLowerCase(java.util.Locale.ROOT));
        Parser.putAddress(event, "source", address);
        if (user != null && !user.isEmpty()) {
            event.put("user.name", user);
        }
    }
}
