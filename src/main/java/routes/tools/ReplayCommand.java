package routes.tools;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.springframework.context.ConfigurableApplicationContext;
import routes.alert.AlertRecorder;
import routes.correlate.CorrelationEngine;
import routes.correlate.EntityRisk;
import routes.detect.sigma.RuleRepository;
import routes.detect.sigma.SigmaRuleLoader;
import routes.ingest.LineReader;
import routes.model.Alert;
import routes.model.Finding;
import routes.model.RawLog;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.zip.GZIPInputStream;

/**
 * {@code java -jar caravan.jar replay [--rules DIR]... [--siem.NAME=VALUE]... FILE...}: runs log files (one raw line
 * per event, plain or gzip) through the appliance's pipeline offline ({@link OfflinePipeline}: normalize, detect,
 * correlate with event-time windows, alert building and folding) with the appliance's settings and rules, without
 * starting it. Prints one JSON object per line: {@code {"kind":"finding",...}} for each rule hit or anomaly,
 * {@code {"kind":"alert",...}} for each correlation hit and each alert a single rule raises, with the alert as the
 * alert store holds it after it ({@code stored}, and what recording did: {@code change}), and a last
 * {@code {"kind":"summary",...}}. Exits 1 when
 * a rule was rejected, 2 on bad arguments.
 */
public final class ReplayCommand {

    static final String USAGE = "usage: caravan replay [--rules DIR]... [--siem.NAME=VALUE]... FILE...\n"
            + "  Runs log files (plain or .gz, one line per event) through normalize, detect, correlate and alert\n"
            + "  building as the appliance would, and prints findings, alerts and a summary as JSON lines.\n"
            + "  --rules DIR         more rule directories, besides the jar's and siem.rules.dir\n"
            + "  --siem.NAME=VALUE   a setting, as for the appliance (e.g. --siem.timezone=UTC)";

    private static final int MAX_LINE = 64 * 1024;
    private static final ObjectMapper JSON = new ObjectMapper();

    private ReplayCommand() {
    }

    public static int run(List<String> arguments, PrintStream out, PrintStream err) {
        List<List<String>> split = OfflineApplication.split(arguments);
        List<Path> ruleDirs = new ArrayList<>();
        List<Path> files = new ArrayList<>();
        List<String> rest = split.get(1);
        for (int i = 0; i < rest.size(); i++) {
            String argument = rest.get(i);
            if (argument.equals("--help") || argument.equals("-h")) {
                out.println(USAGE);
                return 0;
            } else if (argument.equals("--rules") && i + 1 < rest.size()) {
                ruleDirs.add(Path.of(rest.get(++i)));
            } else if (argument.startsWith("-")) {
                err.println("unknown option " + argument + "\n" + USAGE);
                return 2;
            } else {
                files.add(Path.of(argument));
            }
        }
        if (files.isEmpty()) {
            err.println(USAGE);
            return 2;
        }
        for (Path path : files) {
            if (!Files.isRegularFile(path)) {
                err.println("not a file: " + path);
                return 2;
            }
        }
        for (Path path : ruleDirs) {
            if (!Files.isDirectory(path)) {
                err.println("not a directory: " + path);
                return 2;
            }
        }
        try (ConfigurableApplicationContext app = OfflineApplication.start(split.getFirst())) {
            return replay(app, ruleDirs, files, out, err);
        } catch (IOException e) {
            err.println("replay failed: " + e.getMessage());
            return 2;
        }
    }

    /** Reports the rules that were rejected; answers how many. */
    static int reportRejected(RuleRepository rules, PrintStream err) {
        List<SigmaRuleLoader.Rejected> rejected = rules.status().rejected();
        rejected.forEach(r -> err.println("rejected " + r.source() + (r.id() == null ? "" : " (" + r.id() + ")")
                + ": " + r.reason()));
        return rejected.size();
    }

    private static int replay(ConfigurableApplicationContext app, List<Path> ruleDirs, List<Path> files,
                              PrintStream out, PrintStream err) throws IOException {
        RuleRepository rules = OfflineApplication.rules(app, ruleDirs);
        int rejected = reportRejected(rules, err);
        long lines = 0;
        long events = 0;
        long findings = 0;
        long hits = 0;
        Map<String, Long> byRule = new TreeMap<>();
        try (OfflinePipeline pipeline = app.getBean(OfflinePipelines.class).open(rules.ruleSet())) {
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
                        OfflinePipeline.Step step = pipeline.raw(new RawLog(line.text(), null, written, "file",
                                file.toString(), line.truncated()));
                        if (step.event() == null) {
                            continue;
                        }
                        events++;
                        for (Finding finding : step.findings()) {
                            findings++;
                            byRule.merge(finding.ruleId(), 1L, Long::sum);
                            out.println(finding(finding));
                        }
                        for (AlertRecorder.Recorded recorded : step.ruleAlerts()) {
                            out.println(ruleAlert(recorded));
                        }
                        for (int h = 0; h < step.hits().size(); h++) {
                            hits++;
                            byRule.merge(step.hits().get(h).rule().id(), 1L, Long::sum);
                            out.println(alert(step.hits().get(h), step.alerts().get(h)));
                        }
                        for (AlertRecorder.Recorded recorded : step.riskAlerts()) {
                            out.println(riskAlert(recorded));
                        }
                    }
                }
            }
            for (AlertRecorder.Recorded recorded : pipeline.finish()) {
                out.println(riskAlert(recorded));
            }
            Map<String, Object> summary = new LinkedHashMap<>();
            summary.put("kind", "summary");
            summary.put("files", files.size());
            summary.put("lines", lines);
            summary.put("events", events);
            summary.put("findings", findings);
            summary.put("hits", hits);
            summary.put("alerts", pipeline.alerts().size());
            summary.put("rules_loaded", rules.ruleSet().rules().size() + rules.ruleSet().correlations().size());
            summary.put("hits_by_rule", byRule);
            out.println(json(summary));
        }
        return rejected == 0 ? 0 : 1;
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

    /**
     * A correlation's hit and the alert it raised or updated; a hit that is only evidence of its entity's risk (it
     * raised no alert of its own) is a line of kind {@code hit}.
     */
    static String alert(CorrelationEngine.Hit hit, AlertRecorder.Recorded recorded) {
        Map<String, Object> line = new LinkedHashMap<>();
        line.put("kind", recorded == null ? "hit" : "alert");
        line.put("rule", Map.of("id", hit.rule().id(), "name", hit.rule().title(), "level", hit.rule().level(),
                "type", hit.rule().type().word()));
        line.put("group", hit.group());
        line.put("count", hit.count());
        line.put("value", hit.value());
        line.put("first", hit.first().toString());
        line.put("last", hit.last().toString());
        line.put("events", hit.eventIds());
        if (recorded != null) {
            line.put("change", recorded.change().word());
            line.put("stored", recorded.alert().document());
        }
        return json(line);
    }

    /** A single rule's alert, in the shape of a correlation's: its rule, group, span, events and stored state. */
    static String ruleAlert(AlertRecorder.Recorded recorded) {
        Alert alert = recorded.alert();
        return storedAlert(recorded, Map.of("id", alert.ruleId(), "name", alert.title(), "type", "rule"), 1,
                alert.lastSeen(), alert.lastSeen());
    }

    /** An entity's risk alert, in the shape of a correlation's; the stored alert carries its breakdown. */
    static String riskAlert(AlertRecorder.Recorded recorded) {
        Alert alert = recorded.alert();
        return storedAlert(recorded, Map.of("id", EntityRisk.RULE_ID, "name", "Entity risk", "type", "risk"),
                alert.count(), alert.firstSeen(), alert.lastSeen());
    }

    private static String storedAlert(AlertRecorder.Recorded recorded, Map<String, String> rule, long count,
                                      Instant first, Instant last) {
        Alert alert = recorded.alert();
        Map<String, Object> line = new LinkedHashMap<>();
        line.put("kind", "alert");
        line.put("rule", rule);
        line.put("group", alert.group());
        line.put("count", count);
        line.put("first", first.toString());
        line.put("last", last.toString());
        line.put("change", recorded.change().word());
        line.put("stored", alert.document());
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
