package routes.detect.sigma;

import org.springframework.core.io.Resource;
import org.springframework.core.io.support.PathMatchingResourcePatternResolver;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The rule pack's fixtures ({@code src/test/resources/rules/<rule file>.txt}): sections of sample lines
 * ({@code [match]}, {@code [nomatch]}, {@code [fires]}, {@code [quiet]}); {@code xN line} repeats a line N times with
 * {@code {n}} replaced by 0..N-1 and {@code {n2}} by the same as two digits.
 */
public final class RuleFixtures {

    private RuleFixtures() {
    }

    /** The fixture of one rule file, section by section, its lines expanded. */
    public static Map<String, List<String>> sections(String name) throws IOException {
        Map<String, List<String>> sections = new LinkedHashMap<>();
        try (InputStream in = RuleFixtures.class.getResourceAsStream("/rules/" + name + ".txt")) {
            assertThat(in).as("fixture src/test/resources/rules/" + name + ".txt").isNotNull();
            List<String> current = null;
            for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().toList()) {
                if (line.isBlank() || line.startsWith("#")) {
                    continue;
                }
                if (line.startsWith("[") && line.endsWith("]")) {
                    current = sections.computeIfAbsent(line.substring(1, line.length() - 1), k -> new ArrayList<>());
                } else if (line.matches("x\\d+ .*")) {
                    int times = Integer.parseInt(line.substring(1, line.indexOf(' ')));
                    String template = line.substring(line.indexOf(' ') + 1);
                    for (int n = 0; n < times; n++) {
                        current.add(template.replace("{n2}", String.format("%02d", n)).replace("{n}",
                                Integer.toString(n)));
                    }
                } else {
                    current.add(line);
                }
            }
        }
        return sections;
    }

    /** Every fixture's log lines (anomaly stand-ins left out), one list per fixture file, in file-name order. */
    public static List<List<String>> logLines() throws IOException {
        List<List<String>> all = new ArrayList<>();
        Resource[] files = new PathMatchingResourcePatternResolver().getResources("classpath:rules/*.txt");
        java.util.Arrays.sort(files, java.util.Comparator.comparing(Resource::getFilename));
        for (Resource file : files) {
            List<String> lines = new ArrayList<>();
            sections(file.getFilename().replace(".txt", "")).values()
                    .forEach(section -> section.stream().filter(l -> !l.startsWith("anomaly ")).forEach(lines::add));
            all.add(lines);
        }
        return all;
    }
}
