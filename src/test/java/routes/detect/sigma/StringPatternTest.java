package routes.detect.sigma;

import org.junit.jupiter.api.Test;

import java.util.Random;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

class StringPatternTest {

    @Test
    void starOnlyGlobsAgreeWithTheEquivalentRegexOnRandomValues() {
        Random random = new Random(7);
        String[] globs = {"a*b", "*a*b*", "ab*ba", "*ab*b", "a*b*", "a**b", "*", "b*a*b*a"};
        for (String glob : globs) {
            StringPattern pattern = StringPattern.compile(glob, true);
            Pattern regex = Pattern.compile(glob.replace("*", ".*"));
            for (int n = 0; n < 3000; n++) {
                StringBuilder value = new StringBuilder();
                for (int i = random.nextInt(9); i > 0; i--) {
                    value.append(random.nextBoolean() ? 'a' : 'b');
                }
                assertThat(pattern.matches(value.toString())).as(glob + " on '" + value + "'")
                        .isEqualTo(regex.matcher(value).matches());
            }
        }
    }

    @Test
    void questionMarkAndEscapesStillWork() {
        assertThat(StringPattern.compile("a?c", false).matches("abc")).isTrue();
        assertThat(StringPattern.compile("a?c", false).matches("ac")).isFalse();
        assertThat(StringPattern.compile("a\\*c*", false).matches("a*cd")).isTrue();
        assertThat(StringPattern.compile("a\\*c*", false).matches("abcd")).isFalse();
    }
}
