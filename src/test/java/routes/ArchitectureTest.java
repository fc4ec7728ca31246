package routes;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The package order of ARCHITECTURE.md ("Layout"): dependencies run one way, down the pipeline,
 * {@code api/tools → ops → alert → correlate → detect → enrich → normalize → ingest}, with {@code store} and
 * {@code model} below every stage and {@code store} using only {@code model}. A plain scan of the sources: any
 * reference to {@code routes.<package>.} from a package ranked below it fails, sub-packages counting as their stage.
 */
class ArchitectureTest {

    private static final Map<String, Integer> RANK = Map.ofEntries(Map.entry("api", 9), Map.entry("tools", 9),
            Map.entry("ops", 8), Map.entry("alert", 7), Map.entry("correlate", 6), Map.entry("detect", 5),
            Map.entry("enrich", 4), Map.entry("normalize", 3), Map.entry("ingest", 2), Map.entry("store", 1),
            Map.entry("model", 0));
    private static final Pattern REFERENCE = Pattern.compile("\\broutes\\.([a-z]+)\\.[A-Za-z]");

    /** The upward references in one source file of package {@code stage}: "stage -> other". */
    static List<String> upward(String stage, String source) {
        List<String> found = new ArrayList<>();
        Integer own = RANK.get(stage);
        Matcher m = REFERENCE.matcher(source);
        while (m.find()) {
            String other = m.group(1);
            Integer rank = RANK.get(other);
            if (own == null || rank == null || other.equals(stage)) {
                continue;
            }
            boolean apiAndTools = Stream.of(stage, other).allMatch(p -> p.equals("api") || p.equals("tools"));
            if (rank > own || (rank.equals(own) && !apiAndTools)) {
                found.add(stage + " -> " + other);
            }
        }
        return found;
    }

    @Test
    void noPackageUsesOneAboveIt() throws IOException {
        Path root = Path.of("src", "main", "java", "routes");
        TreeSet<String> violations = new TreeSet<>();
        int files;
        try (Stream<Path> walk = Files.walk(root)) {
            List<Path> sources = walk.filter(p -> p.toString().endsWith(".java")).toList();
            files = sources.size();
            for (Path file : sources) {
                Path relative = root.relativize(file);
                if (relative.getNameCount() < 2) {
                    continue; // the root package: the application and its settings
                }
                String stage = relative.getName(0).toString();
                for (String pair : upward(stage, Files.readString(file, StandardCharsets.UTF_8))) {
                    violations.add(pair + " (" + relative + ")");
                }
            }
        }
        assertThat(files).isGreaterThan(100);
        assertThat(violations).isEmpty();
    }

    @Test
    void theScanCatchesAnUpwardImportAndAllowsDownwardOnes() {
        assertThat(upward("store", "import routes.alert.AlertFolding;\nimport routes.model.Alert;"))
                .containsExactly("store -> alert");
        assertThat(upward("detect", "class X { routes.correlate.CorrelationEngine engine; }"))
                .containsExactly("detect -> correlate");
        assertThat(upward("ingest", "import routes.normalize.Normalizer;")).containsExactly("ingest -> normalize");
        assertThat(upward("correlate", "import routes.detect.sigma.SigmaRule;\nimport routes.store.EventStore;"))
                .isEmpty();
        assertThat(upward("api", "import routes.tools.OfflinePipeline;")).isEmpty();
    }
}
