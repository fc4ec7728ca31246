package routes.model;

import java.net.InetAddress;

/** Parses IP address literals without ever resolving a host name. */
public final class IpAddress {

    private IpAddress() {
    }

    /** The address for an IPv4 or IPv6 literal (brackets and an IPv6 zone allowed), or null if it is not one. */
    public static InetAddress parse(String text) {
        if (text == null || text.isEmpty() || text.length() > 64) {
            return null;
        }
        String literal = text;
        if (literal.charAt(0) == '[' && literal.charAt(literal.length() - 1) == ']') {
            literal = literal.substring(1, literal.length() - 1);
        }
        boolean v6 = literal.indexOf(':') >= 0;
        if (!v6 && !looksLikeIpv4(literal)) {
            return null;
        }
        try {
            return InetAddress.ofLiteral(literal);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /** True when the text is an IP address literal. */
    public static boolean isValid(String text) {
        return parse(text) != null;
    }

    /** The canonical text of an address literal (lower-case, compressed IPv6), or null if it is not one. */
    public static String canonical(String text) {
        InetAddress address = parse(text);
        if (address == null) {
            return null;
        }
        String canonical = address.getHostAddress();
        int zone = canonical.indexOf('%');
        return zone < 0 ? compressIpv6(canonical) : compressIpv6(canonical.substring(0, zone));
    }

    private static boolean looksLikeIpv4(String s) {
        int dots = 0;
        int digits = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '.') {
                if (digits == 0) {
                    return false;
                }
                dots++;
                digits = 0;
            } else if (c >= '0' && c <= '9' && digits < 3) {
                digits++;
            } else {
                return false;
            }
        }
        return dots == 3 && digits > 0;
    }

    /** Java prints IPv6 uncompressed (0:0:0:0:0:0:0:1); logs and users write ::1. */
    private static String compressIpv6(String address) {
        if (address.indexOf(':') < 0) {
            return address;
        }
        String[] groups = address.split(":");
        int bestStart = -1;
        int bestLength = 1;
        for (int i = 0; i < groups.length; i++) {
            int j = i;
            while (j < groups.length && groups[j].equals("0")) {
                j++;
            }
            if (j - i > bestLength) {
                bestStart = i;
                bestLength = j - i;
            }
        }
        if (bestStart < 0) {
            return address;
        }
        String head = String.join(":", java.util.Arrays.copyOfRange(groups, 0, bestStart));
        String tail = String.join(":", java.util.Arrays.copyOfRange(groups, bestStart + bestLength, groups.length));
        return head + "::" + tail;
    }
}
