package routes.detect.web;

import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The request canonicalizer and the SQL and markup tokenizers on their fixtures ({@code src/test/resources/web}):
 * every {@code [injection]} value is found and every {@code [benign]} one is not, whether it arrives as it is,
 * percent-encoded or form-encoded in a query string.
 */
class WebInjectionTest {

    @TestFactory
    List<DynamicTest> sqlInjectionFixtures() throws IOException {
        return fixtures("sqli.txt", SqlInjection::fingerprint, RequestInspection.SQLI);
    }

    @TestFactory
    List<DynamicTest> scriptInjectionFixtures() throws IOException {
        return fixtures("xss.txt", HtmlInjection::reason, RequestInspection.XSS);
    }

    @TestFactory
    List<DynamicTest> canonicalForms() throws IOException {
        List<DynamicTest> tests = new ArrayList<>();
        for (String line : lines("canonical.txt")) {
            int arrow = line.indexOf(" => ");
            String raw = unescape(line.substring(0, arrow));
            String expected = unescape(line.substring(arrow + 4));
            tests.add(DynamicTest.dynamicTest(raw, () -> assertThat(RequestCanonicalizer.canonical(raw))
                    .isEqualTo(expected)));
        }
        return tests;
    }

    @Test
    void anUrlWithNothingToTransformIsAnsweredAsItself() {
        String url = "/shop/items/42?size=10&colour=red";
        assertThat(RequestCanonicalizer.canonical(url)).isSameAs(url);
    }

    @Test
    void theVerdictSaysWhatWasFoundAndInWhichParameter() {
        assertThat(RequestInspection.inspect("/item.php?page=2&id=1%27+or+%271%27%3D%271").sqli())
                .isEqualTo("'s&sos in id=1' or '1'='1");
        assertThat(RequestInspection.inspect("/search?q=%22%3E%3Csvg%2Fonload%3Dalert(1)%3E").xss())
                .isEqualTo("tag <svg> in q=\"><svg/onload=alert(1)>");
        assertThat(RequestInspection.inspect("/items/1'%20or%20'1'='1/view").sqli()).startsWith("'s&sos in 1'");
        StringBuilder padded = new StringBuilder("/app?");
        for (int i = 0; i < 100; i++) {
            padded.append("p").append(i).append("=1&");
        }
        assertThat(RequestInspection.inspect(padded + "q=%3Csvg%2Fonload%3Dalert(1)%3E").xss())
                .as("plain parameters before it hide nothing").startsWith("tag <svg>");
    }

    /**
     * Each fixture value tested alone, and inside a request's query string as a browser (percent-encoded) and a form
     * (with {@code +}) would send it.
     */
    private static List<DynamicTest> fixtures(String file, Function<String, String> detector, String field)
            throws IOException {
        List<DynamicTest> tests = new ArrayList<>();
        boolean injection = true;
        for (String line : lines(file)) {
            if (line.equals("[injection]") || line.equals("[benign]")) {
                injection = line.equals("[injection]");
                continue;
            }
            boolean expected = injection;
            String value = unescape(line);
            String percent = "/app?x=1&v=" + java.net.URLEncoder.encode(value, StandardCharsets.UTF_8)
                    .replace("+", "%20");
            String form = "/app?x=1&v=" + java.net.URLEncoder.encode(value, StandardCharsets.UTF_8);
            tests.add(DynamicTest.dynamicTest((expected ? "finds " : "passes ") + value, () -> {
                assertThat(detector.apply(value)).as("the value alone").matches(v -> (v != null) == expected);
                for (String url : List.of(percent, form)) {
                    assertThat(RequestInspection.inspect(url).of(field)).as(url).matches(v -> (v != null) == expected);
                }
            }));
        }
        return tests;
    }

    private static List<String> lines(String file) throws IOException {
        try (InputStream in = WebInjectionTest.class.getResourceAsStream("/web/" + file)) {
            List<String> lines = new ArrayList<>();
            for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                if (!line.isBlank() && !line.startsWith("#")) {
                    lines.add(line);
                }
            }
            return lines;
        }
    }

    private static String unescape(String text) {
        return text.replace("\\t", "\t").replace("\\n", "\n").replace("\\r", "\r").replace("\\0", "\u0000");
    }
}
