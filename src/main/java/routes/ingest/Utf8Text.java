package routes.ingest;

import java.nio.charset.StandardCharsets;

/** Decodes received bytes as UTF-8, writing each byte that is not valid UTF-8 as {@code \xNN} instead of losing it. */
public final class Utf8Text {

    private static final char[] HEX = "0123456789ABCDEF".toCharArray();

    private Utf8Text() {
    }

    public static String decode(byte[] bytes, int offset, int length) {
        return decode(bytes, offset, length, "\\x");
    }

    /**
     * Decodes JSON text: a byte that is not UTF-8 becomes {@code \\xNN}, which a JSON string reads back as the
     * visible {@code \xNN} a syslog line would show.
     */
    public static String decodeJson(byte[] bytes, int offset, int length) {
        return decode(bytes, offset, length, "\\\\x");
    }

    private static String decode(byte[] bytes, int offset, int length, String escape) {
        String text = new String(bytes, offset, length, StandardCharsets.UTF_8);
        if (text.indexOf('\uFFFD') < 0) {
            return text;
        }
        return decodeStrict(bytes, offset, length, escape);
    }

    /** The slow path, taken only when the fast decoder replaced something. */
    private static String decodeStrict(byte[] b, int offset, int length, String escape) {
        StringBuilder out = new StringBuilder(length + 16);
        int i = offset;
        int end = offset + length;
        while (i < end) {
            int first = b[i] & 0xff;
            int size = first < 0x80 ? 1 : first >= 0xC2 && first <= 0xDF ? 2 : first >= 0xE0 && first <= 0xEF ? 3
                    : first >= 0xF0 && first <= 0xF4 ? 4 : 0;
            if (size > 0 && i + size <= end && validSequence(b, i, size)) {
                out.append(new String(b, i, size, StandardCharsets.UTF_8));
                i += size;
            } else {
                out.append(escape).append(HEX[first >> 4]).append(HEX[first & 0xf]);
                i++;
            }
        }
        return out.toString();
    }

    private static boolean validSequence(byte[] b, int at, int size) {
        for (int k = 1; k < size; k++) {
            if ((b[at + k] & 0xC0) != 0x80) {
                return false;
            }
        }
        if (size == 3) {
            int first = b[at] & 0xff;
            int second = b[at + 1] & 0xff;
            return !(first == 0xE0 && second < 0xA0) && !(first == 0xED && second >= 0xA0);
        }
        if (size == 4) {
            int first = b[at] & 0xff;
            int second = b[at + 1] & 0xff;
            return !(first == 0xF0 && second < 0x90) && !(first == 0xF4 && second >= 0x90);
        }
        return true;
    }
}
