package routes.normalize;

import routes.model.Event;
import java.util.Locale;
import java.util.Map;

/**
 * Linux kernel firewall lines (iptables/nftables LOG target, UFW): the log prefix names the rule and its action,
 * then {@code IN= OUT= MAC= SRC= DST= ... PROTO= SPT= DPT=}.
 */
public final class FirewallParser implements Parser {

    @Override
    public String dataset() {
        return "firewall.iptables";
    }

    @Override
    public java.util.Set<String> programs() {
        return java.util.Set.of("kernel");
    }

    @Override
    public boolean mayRead(String message) {
        return message.contains("IN=");
    }

    @Override
    public int order() {
        return 40;
    }

    @Override
    public boolean parse(String message, Event.Builder event) {
        int in = message.indexOf("IN=");
        if (in < 0 || (in > 0 && Character.isLetterOrDigit(message.charAt(in - 1)))
                || message.indexOf(" SRC=", in) < 0 || message.indexOf(" DST=", in) < 0) {
            return false;
        }
        Map<String, String> f = KeyValues.parse(message, in);
        String prefix = prefix(message, in);
        String action = action(prefix);
        event.add("event.category", "network");
        event.add("event.type", "connection");
        event.put("event.kind", "event");
        event.put("event.action", action);
        if (action.equals("denied") || action.equals("allowed")) {
            event.add("event.type", action);
        }
        event.put("event.module", prefix.contains("UFW") ? "ufw" : "iptables");
        event.put("rule.name", prefix);
        event.put("observer.ingress.interface.name", f.get("IN"));
        event.put("observer.egress.interface.name", f.get("OUT"));
        event.put("source.mac", macOf(f.get("MAC"), 6));
        Parser.putAddress(event, "source", f.get("SRC"));
        Parser.putAddress(event, "destination", f.get("DST"));
        Parser.putPort(event, "source", f.get("SPT"));
        Parser.putPort(event, "destination", f.get("DPT"));
        String proto = f.get("PROTO");
        if (proto != null) {
            event.put("network.transport", proto.toLowerCase(Locale.ROOT));
        }
        event.put("network.bytes", f.get("LEN"));
        event.put("labels.ttl", f.get("TTL"));
        if (f.containsKey("TYPE")) {
            event.put("labels.icmp_type", f.get("TYPE"));
            event.put("labels.icmp_code", f.get("CODE"));
        }
        if (message.contains(" SYN ") || message.endsWith(" SYN")) {
            event.add("tags", "tcp_syn");
        }
        event.put("network.direction", f.getOrDefault("OUT", "").isEmpty() ? "inbound"
                : f.getOrDefault("IN", "").isEmpty() ? "outbound" : "forwarded");
        return true;
    }

    /** The log prefix before {@code IN=}, without the kernel's uptime stamp: {@code [UFW BLOCK]}, {@code DROP: }. */
    private static String prefix(String message, int in) {
        String prefix = message.substring(0, in).strip();
        if (prefix.startsWith("[") && prefix.indexOf(']') > 0 && Character.isDigit(prefix.charAt(1))) {
            prefix = prefix.substring(prefix.indexOf(']') + 1).strip();
        }
        if (prefix.startsWith("[") && prefix.endsWith("]")) {
            prefix = prefix.substring(1, prefix.length() - 1);
        }
        if (prefix.endsWith(":")) {
            prefix = prefix.substring(0, prefix.length() - 1).strip();
        }
        return prefix;
    }

    private static String action(String prefix) {
        String upper = prefix.toUpperCase(Locale.ROOT);
        if (upper.contains("BLOCK") || upper.contains("DROP") || upper.contains("DENY") || upper.contains("REJECT")) {
            return "denied";
        }
        if (upper.contains("ALLOW") || upper.contains("ACCEPT") || upper.contains("PASS")) {
            return "allowed";
        }
        return upper.contains("AUDIT") ? "audit" : "logged";
    }

    /** The kernel writes destination MAC, source MAC and ethertype joined by colons; this takes one of them. */
    private static String macOf(String mac, int offset) {
        if (mac == null || mac.length() < 3 * (offset + 6) - 1) {
            return null;
        }
        return mac.substring(3 * offset, 3 * offset + 17).toUpperCase(Locale.ROOT).replace(':', '-');
    }
}
