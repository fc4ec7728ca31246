package routes.normalize;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * A syslog line split into its envelope and message.
 *
 * @param format         {@code rfc5424}, {@code rfc3164}, or {@code none} when the line has no syslog envelope
 * @param version        the RFC 5424 VERSION, or null for other formats
 * @param priority       PRI value, or null when the line had none
 * @param timestamp      the envelope's time, or null when it had none
 * @param structuredData RFC 5424 SD elements: id, then parameters in order (a name may repeat)
 * @param message        the free-text message, the whole line when {@code format} is {@code none}
 */
public record SyslogMessage(String format, Integer version, Integer priority, Instant timestamp, String hostname, String appName,
                            String procId, String msgId, String structuredDataText,
                            List<SdElement> structuredData, String message) {

    /** One RFC 5424 structured-data element. */
    public record SdElement(String id, List<Map.Entry<String, String>> params) {
    }

    static final String[] FACILITIES = {"kern", "user", "mail", "daemon", "auth", "syslog", "lpr", "news", "uucp",
            "cron", "authpriv", "ftp", "ntp", "security", "console", "solaris-cron", "local0", "local1", "local2",
            "local3", "local4", "local5", "local6", "local7"};
    static final String[] SEVERITIES = {"emergency", "alert", "critical", "error", "warning", "notice",
            "informational", "debug"};

    public Integer facility() {
        return priority == null ? null : priority >> 3;
    }

    public Integer severity() {
        return priority == null ? null : priority & 7;
    }

    public String facilityName() {
        return priority == null ? null : FACILITIES[priority >> 3];
    }

    public String severityName() {
        return priority == null ? null : SEVERITIES[priority & 7];
    }
}
