package routes.detect;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.springframework.core.io.Resource;
import org.springframework.core.io.support.PathMatchingResourcePatternResolver;
import routes.ingest.LineReader;
import routes.ingest.RawLog;
import routes.normalize.Event;
import routes.normalize.Normalizer;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.zip.GZIPInputStream;

/**
 * {@code java -jar caravan.jar replay [--rules DIR]... FILE...}: runs log files (one raw line per event, plain or
 * gzip) through normalize, detect and correlate with event-time windows, without starting the appliance. Prints one
 * JSON object per line: {@code {"kind":"finding",...}} for each rule hit, {@code {"kind":"alert",...}} for each
 * correlation hit, and a last {@code {"kind":"summary",...}}. Uses the rules shipped in the jar plus any
 * {@code --rules} directories. Exits 1 when a rule was rejected, 2 on bad arguments.
 */
public final class ReplayCommand {

    private static final int MAX_LINE = 64 * 1024;
    private static final ObjectMapper JSON = new ObjectMapper();

    private ReplayCommand() {
    }

    public static int run(List<String> arguments, PrintStream out, PrintStream err) {
        List<Path> ruleDirs = new ArrayList<>();
        List<Path> files = new ArrayList<>();
        for (int i = 0; i < arguments.size(); i++) {
            String argument = arguments.get(i);
            if (argument.equals("--rules") && i + 1 < arguments.size()) {
                ruleDirs.add(Path.of(arguments.get(++i)));
            } else {
                files.add(Path.of(argument));
            }
        }
        if (files.isEmpty()) {
            err.println("usage: caravan replay [--rules DIR]... FILE...   (plain or .gz log files)");
            return 2;
        }
        for (Path path : files) {
            if (!Files.isRegularFile(path)) {
                err.println("not a file: " + path);
                return 2;
            }
        }
        try {
            return replay(ruleDirs, files, out, err);
        } catch (IOException e) {
            err.println("replay failed: " + e.getMessage());
            return 2;
        }
    }

    /** The shipped rules plus those under the given directories, compiled into engines; rejects are reported. */
    record Engines(SigmaEngine sigma, CorrelationEngine correlation, List<SigmaRule> rules,
                   List<CorrelationRule> correlations, int rejected) {
    }

    static Engines engines(List<Path> ruleDirs, PrintStream err) throws IOException {
        SigmaRuleLoader loader = new SigmaRuleLoader(Map.of());
        List<SigmaRule> rules = new ArrayList<>();
        List<CorrelationRule> correlations = new ArrayList<>();
        List<SigmaFilter> filters = new ArrayList<>();
        int rejected = 0;
        for (Resource resource : new PathMatchingResourcePatternResolver().getResources("classpath*:rules/**/*.y*ml")) {
            SigmaRuleLoader.Result result = loader.load(resource.getContentAsString(StandardCharsets.UTF_8),
                    "classpath:rules/" + resource.getFilename());
            rules.addAll(result.rules());
            correlations.addAll(result.correlations());
            filters.addAll(result.filters());
            rejected += report(result.rejected(), err);
        }
        if (!ruleDirs.isEmpty()) {
            SigmaRuleLoader.Result result = loader.loadDirectories(ruleDirs);
            rules.addAll(result.rules());
            correlations.addAll(result.correlations());
            filters.addAll(result.filters());
            rejected += report(result.rejected(), err);
        }
        SigmaFilter.Applied applied = SigmaFilter.apply(rules, filters);
        rules = new ArrayList<>(applied.rules());
        rejected += report(applied.rejected(), err);
        SigmaEngine sigma = new SigmaEngine();
        sigma.load(rules);
        CorrelationEngine correlation = new CorrelationEngine(1_000_000, 100_000);
        for (CorrelationEngine.Unresolved u : correlation.load(correlations, rules)) {
            err.println("rejected " + u.rule().id() + ": " + u.reason());
            rejected++;
        }
        return new Engines(sigma, correlation, rules, correlations, rejected);
    }

    private static int replay(List<Path> ruleDirs, List<Path> files, PrintStream out, PrintStream err)
            throws IOException {
        Engines engines = engines(ruleDirs, err);
        SigmaEngine sigma = engines.sigma();
        CorrelationEngine correlation = engines.correlation();
        List<SigmaRule> rules = engines.rules();
        List<CorrelationRule> correlations = engines.correlations();
        int rejected = engines.rejected();
        Normalizer normalizer = new Normalizer(ZoneId.systemDefault());
        long lines = 0;
        long events = 0;
        long findings = 0;
        long alerts = 0;
        Map<String, Long> byRule = new TreeMap<>();
        for (Path file : files) {
            Instant written = Files.getLastModifiedTime(file).toInstant();
            try (InputStream raw = new BufferedInputStream(Files.newInputStream(file), 65536)) {
                raw.mark(2);
                boolean gzip = raw.read() == 0x1f && raw.read() == 0x8b;
                raw.reset();
                LineReader reader = new LineReader(gzip ? new GZIPInputStream(raw, 65536) : raw, MAX_LINE);
                LineReader.Line line;
                while ((line = reader.next()) != null) {
                    lines++;
                    Event event = normalizer.normalizeRecord(new RawLog(line.text(), null, written, "file",
                            file.toString(), line.truncated()));
                    if (event == null) {
                        continue;
                    }
                    events++;
                    for (Finding finding : sigma.evaluate(event)) {
                        findings++;
                        byRule.merge(finding.ruleId(), 1L, Long::sum);
                        out.println(finding(finding));
                        for (CorrelationEngine.Hit hit : correlation.accept(finding)) {
                            alerts++;
                            byRule.merge(hit.rule().id(), 1L, Long::sum);
                            out.println(alert(hit));
                        }
                    }
                }
            }
        }
        Map<String, Object> summary = new LinkedHashMap<>();
        summary.put("kind", "summary");
        summary.put("files", files.size());
        summary.put("lines", lines);
        summary.put("events", events);
        summary.put("findings", findings);
        summary.put("alerts", alerts);
        summary.put("rules_loaded", rules.size() + correlations.size());
        summary.put("hits_by_rule", byRule);
        out.println(json(summary));
        return rejected == 0 ? 0 : 1;
    }

    private static int report(List<SigmaRuleLoader.Rejected> rejected, PrintStream err) {
        rejected.forEach(r -> err.println("rejected " + r.source() + ": " + r.reason()));
        return rejected.size();
    }

    static String finding(Finding finding) {
        Map<String, Object> line = new LinkedHashMap<>();
        line.put("kind", "finding");
        line.put("rule", Map.of("id", finding.ruleId(), "name", finding.ruleTitle(), "level", finding.level()));
        line.put("matches", finding.matches().stream().map(m -> Map.of("field", m.field(), "value", m.value()))
                .toList());
        line.put("event", finding.event().toNested());
        return json(line);
    }

    static String alert(CorrelationEngine.Hit hit) {
        Map<String, Object> line = new LinkedHashMap<>();
        line.put("kind", "alert");
        line.put("rule", Map.of("id", hit.rule().id(), "name", hit.rule().title(), "level", hit.rule().level(),
                "type", hit.rule().type()));
        line.put("group", hit.group());
        line.put("count", hit.count());
        line.put("value", hit.value());
        line.put("first", hit.first().toString());
        line.put("last", hit.last().toString());
        line.put("events", hit.eventIds());
        return json(line);
    }

    private static String json(Object value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
