package routes.ingest;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

/** Bytes that are not UTF-8 are kept visibly, in text and in JSON alike. */
class Utf8TextTest {

    private static final byte[] LATIN1 = "caf\u00e9 \u00fc".getBytes(StandardCharsets.ISO_8859_1);

    @Test
    void textShowsEachBadByteAsItsHexValue() {
        assertThat(Utf8Text.decode(LATIN1, 0, LATIN1.length)).isEqualTo("caf\\xE9 \\xFC");
        byte[] good = "caf\u00e9 \u2713".getBytes(StandardCharsets.UTF_8);
        assertThat(Utf8Text.decode(good, 0, good.length)).isEqualTo("caf\u00e9 \u2713");
    }

    @Test
    void jsonReadsBackTheSameVisibleBytes() throws Exception {
        byte[] json = ("{\"message\":\"" + new String(LATIN1, StandardCharsets.ISO_8859_1) + "\"}")
                .getBytes(StandardCharsets.ISO_8859_1);
        String decoded = Utf8Text.decodeJson(json, 0, json.length);
        assertThat(new ObjectMapper().readTree(decoded).get("message").asText()).isEqualTo("caf\\xE9 \\xFC");
    }
}
