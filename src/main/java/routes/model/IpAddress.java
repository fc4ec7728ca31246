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

    /**
     * Whether an address is routed on the public internet: not loopback, private (RFC 1918, unique local), link
     * local, shared (CGNAT), multicast, unspecified or documentation (RFC 5737, 2001:db8::/32).
     */
    public static boolean isPublic(InetAddress address) {
        byte[] b = address.getAddress();
        boolean documentation = b.length == 4 ? (b[0] == (byte) 192 && b[1] == 0 && b[2] == 2)
                || (b[0] == (byte) 198 && b[1] == 51 && b[2] == 100) || (b[0] == (byte) 203 && b[1] == 0 && b[2] == 113)
                : b[0] == 0x20 && b[1] == 0x01 && b[2] == 0x0d && b[3] == (byte) 0xb8;
        boolean sharedSpace = b.length == 4 && b[0] == 100 && (b[1] & 0xC0) == 64;
        boolean uniqueLocal = b.length == 16 && (b[0] & 0xFE) == 0xFC;
        boolean reserved = b.length == 4 && (b[0] == 0 || (b[0] & 0xF0) == 0xF0);
        return !(address.isLoopbackAddress() || address.isSiteLocalAddress() || address.isLinkLocalAddress()
                || address.isAnyLocalAddress() || address.isMulticastAddress() || sharedSpace || uniqueLocal
                || reserved || documentation);
    }

    /** A {@code "lat,lon"} point as stored (rounded to 4 decimals, about 10 m), or null when it is not one. */
    public static String geoPoint(String text) {
        int comma = text.indexOf(',');
        if (comma < 0) {
            return null;
        }
        try {
            double lat = Double.parseDouble(text.substring(0, comma).trim());
            double lon = Double.parseDouble(text.substring(comma + 1).trim());
            if (Math.abs(lat) > 90 || Math.abs(lon) > 180) {
                return null;
            }
            return String.format(java.util.Locale.ROOT, "%.4f,%.4f", lat, lon);
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
