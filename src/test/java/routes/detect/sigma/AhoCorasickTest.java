package routes.detect.sigma;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

class AhoCorasickTest {

    @Test
    void findsAnyOfManyLiteralsIncludingOverlappingOnes() {
        AhoCorasick ac = new AhoCorasick(List.of("he", "she", "his", "hers", "union select"));
        assertThat(ac.firstIn("ushers")).isIn("she", "he");
        assertThat(ac.firstIn("xxhixx")).isNull();
        assertThat(ac.firstIn("id=1 union select password")).isEqualTo("union select");
        assertThat(ac.firstIn("")).isNull();
    }

    @Test
    void agreesWithStringContainsOnRandomTexts() {
        Random random = new Random(42);
        List<String> words = List.of("abab", "bab", "aab", "bbb", "ba");
        AhoCorasick ac = new AhoCorasick(words);
        for (int n = 0; n < 5000; n++) {
            StringBuilder text = new StringBuilder();
            for (int i = random.nextInt(12); i > 0; i--) {
                text.append(random.nextBoolean() ? 'a' : 'b');
            }
            boolean expected = words.stream().anyMatch(w -> text.toString().contains(w));
            String found = ac.firstIn(text.toString());
            assertThat(found != null).as(text.toString()).isEqualTo(expected);
            if (found != null) {
                assertThat(text.toString()).contains(found);
            }
            java.util.BitSet all = new java.util.BitSet();
            ac.allIn(text.toString(), all);
            for (int w = 0; w < words.size(); w++) {
                assertThat(all.get(w)).as(words.get(w) + " in " + text).isEqualTo(text.toString()
                        .contains(words.get(w)));
            }
        }
    }
}
