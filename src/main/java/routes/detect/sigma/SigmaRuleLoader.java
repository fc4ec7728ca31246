package routes.detect.sigma;

import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.YAMLException;
import routes.model.Level;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Reads Sigma rule files (one or more YAML documents each, including Sigma 1 {@code action: global} collections)
 * and compiles their detection rules. A rule that cannot be used is rejected with a precise reason; the others in
 * the same file are still loaded.
 */
public final class SigmaRuleLoader {

    /** What a set of files gave: the compiled rules and correlations, and a reason for every one rejected. */
    public record Result(List<SigmaRule> rules, List<CorrelationRule> correlations, List<SigmaFilter> filters,
                         List<Rejected> rejected) {

        public Result(List<SigmaRule> rules, List<CorrelationRule> correlations, List<Rejected> rejected) {
            this(rules, correlations, List.of(), rejected);
        }

        /** The detection rules with this result's filters applied, and the filters that name no rule. */
        public SigmaFilter.Applied filtered() {
            return SigmaFilter.apply(rules, filters);
        }
    }

    /** A rule (or file) not loaded, and why. */
    public record Rejected(String source, String id, String reason) {
    }

    private static final List<String> LEVELS = java.util.Arrays.stream(Level.values()).map(Level::word).toList();

    private final Map<String, List<String>> placeholders;

    public SigmaRuleLoader(Map<String, List<String>> placeholders) {
        this.placeholders = Map.copyOf(placeholders);
    }

    /** Every {@code .yml}/{@code .yaml} file under the directories, in path order. */
    public Result loadDirectories(List<Path> directories) throws IOException {
        List<SigmaRule> rules = new ArrayList<>();
        List<CorrelationRule> correlations = new ArrayList<>();
        List<SigmaFilter> filters = new ArrayList<>();
        List<Rejected> rejected = new ArrayList<>();
        for (Path directory : directories) {
            List<Path> files;
            try (Stream<Path> walk = Files.walk(directory)) {
                files = walk.filter(Files::isRegularFile).filter(p -> {
                    String name = p.getFileName().toString().toLowerCase(Locale.ROOT);
                    return name.endsWith(".yml") || name.endsWith(".yaml");
                }).sorted().toList();
            }
            for (Path file : files) {
                Result one = load(Files.readString(file, StandardCharsets.UTF_8), file.toString());
                rules.addAll(one.rules());
                correlations.addAll(one.correlations());
                filters.addAll(one.filters());
                rejected.addAll(one.rejected());
            }
        }
        return new Result(rules, correlations, filters, rejected);
    }

    /** The rules of one file's text; {@code source} names it in rules and reasons. */
    public Result load(String text, String source) {
        List<SigmaRule> rules = new ArrayList<>();
        List<CorrelationRule> correlations = new ArrayList<>();
        List<SigmaFilter> filters = new ArrayList<>();
        List<Rejected> rejected = new ArrayList<>();
        List<Map<String, Object>> documents = new ArrayList<>();
        try {
            for (Object document : new Yaml(new SafeConstructor(new LoaderOptions())).loadAll(text)) {
                if (document instanceof Map<?, ?> map) {
                    @SuppressWarnings("unchecked")
                    Map<String, Object> typed = (Map<String, Object>) map;
                    documents.add(typed);
                } else if (document != null) {
                    rejected.add(new Rejected(source, null, "a rule document must be a YAML map"));
                }
            }
        } catch (YAMLException e) {
            String reason = e.getMessage() == null ? e.toString() : e.getMessage().replaceAll("\\s+", " ");
            rejected.add(new Rejected(source, null, "not valid YAML: " + reason));
            return new Result(rules, correlations, filters, rejected);
        }
        Map<String, Object> global = Map.of();
        for (int n = 0; n < documents.size(); n++) {
            Map<String, Object> document = documents.get(n);
            Object action = document.get("action");
            if ("global".equals(action)) {
                global = without(document, "action");
                continue;
            }
            if ("reset".equals(action)) {
                global = Map.of();
                continue;
            }
            Map<String, Object> rule = merge(global, without(document, "action"));
            String id = text(rule.get("id"));
            String where = documents.size() > 1 ? source + "#" + (n + 1) : source;
            try {
                if (rule.containsKey("correlation")) {
                    correlations.add(correlation(rule, where));
                } else if (rule.containsKey("filter")) {
                    filters.add(filter(rule, where));
                } else {
                    rules.add(compile(rule, where));
                }
            } catch (SigmaRuleException e) {
                rejected.add(new Rejected(source, id, e.getMessage()));
            }
        }
        return new Result(rules, correlations, filters, rejected);
    }

    private SigmaFilter filter(Map<String, Object> rule, String source) {
        String title = text(rule.get("title"));
        if (title == null || title.isBlank()) {
            throw new SigmaRuleException("missing title");
        }
        if (!(rule.get("filter") instanceof Map<?, ?> filter)) {
            throw new SigmaRuleException("filter must be a map with rules, a selection and a condition");
        }
        List<String> targets = strings(filter.get("rules"));
        if (targets.isEmpty()) {
            throw new SigmaRuleException("filter names no rules");
        }
        Map<Object, Object> detection = new LinkedHashMap<>(filter);
        detection.remove("rules");
        LogSource logSource = rule.get("logsource") instanceof Map<?, ?> ls
                ? LogSource.of(text(ls.get("product")), text(ls.get("category")), text(ls.get("service")))
                : LogSource.of(null, null, null);
        String id = text(rule.get("id"));
        return new SigmaFilter(id != null ? id : source, title, targets, logSource, source,
                new DetectionCompiler(placeholders).compile(detection));
    }

    private static final List<String> CORRELATION_TYPES = java.util.Arrays.stream(CorrelationType.values())
            .map(CorrelationType::word).toList();

    private static CorrelationRule correlation(Map<String, Object> rule, String source) {
        String title = text(rule.get("title"));
        if (title == null || title.isBlank()) {
            throw new SigmaRuleException("missing title");
        }
        if (!(rule.get("correlation") instanceof Map<?, ?> c)) {
            throw new SigmaRuleException("correlation must be a map");
        }
        String typeName = text(c.get("type"));
        CorrelationType type = typeName == null ? null : CorrelationType.named(typeName);
        if (type == null) {
            throw new SigmaRuleException("correlation type '" + typeName + "' is not one of " + CORRELATION_TYPES);
        }
        List<String> rules = strings(c.get("rules"));
        if (rules.isEmpty()) {
            throw new SigmaRuleException("correlation has no rules");
        }
        // the seed design's defaults where a rule is silent: a 5-minute window per source address
        java.time.Duration timespan = c.get("timespan") == null ? DEFAULT_TIMESPAN : timespan(text(c.get("timespan")));
        CorrelationRule.Condition condition = condition(c.get("condition"), type);
        Map<String, Map<String, String>> aliases = new LinkedHashMap<>();
        if (c.get("aliases") instanceof Map<?, ?> map) {
            map.forEach((alias, perRule) -> {
                if (!(perRule instanceof Map<?, ?> fields)) {
                    throw new SigmaRuleException("alias '" + alias + "' must map rule names to fields");
                }
                Map<String, String> resolved = new LinkedHashMap<>();
                fields.forEach((ruleName, field) -> resolved.put(String.valueOf(ruleName), String.valueOf(field)));
                aliases.put(String.valueOf(alias), resolved);
            });
        }
        String level = text(rule.get("level"));
        if (level != null && !LEVELS.contains(level.toLowerCase(Locale.ROOT))) {
            throw new SigmaRuleException("level '" + level + "' is not one of " + LEVELS);
        }
        String id = text(rule.get("id"));
        return new CorrelationRule(id != null ? id : source, text(rule.get("name")), title,
                level == null ? "medium" : level.toLowerCase(Locale.ROOT), strings(rule.get("tags")), type, rules,
                c.containsKey("group-by") ? strings(c.get("group-by")) : DEFAULT_GROUP_BY, timespan, condition, aliases,
                Boolean.TRUE.equals(c.get("generate")) || Boolean.TRUE.equals(rule.get("generate")), source,
                likelihoodRatio(rule));
    }

    /** A rule's or correlation's own {@code likelihood_ratio}: a positive number, or null when it sets none. */
    private static Double likelihoodRatio(Map<String, Object> rule) {
        if (rule.get("likelihood_ratio") == null) {
            return null;
        }
        if (!(rule.get("likelihood_ratio") instanceof Number n) || n.doubleValue() <= 0) {
            throw new SigmaRuleException("likelihood_ratio must be a positive number");
        }
        return n.doubleValue();
    }

    /** A correlation's timespan when it states none. */
    static final java.time.Duration DEFAULT_TIMESPAN = java.time.Duration.ofMinutes(5);
    /** A correlation's group-by when it has none at all; {@code group-by: []} correlates across all sources. */
    static final List<String> DEFAULT_GROUP_BY = List.of("source.ip");

    private static java.time.Duration timespan(String text) {
        if (text == null || !text.matches("\\d+[smhdw]")) {
            throw new SigmaRuleException("timespan '" + text + "' must be a number and s, m, h, d or w (like 5m)");
        }
        long amount = Long.parseLong(text.substring(0, text.length() - 1));
        return switch (text.charAt(text.length() - 1)) {
            case 's' -> java.time.Duration.ofSeconds(amount);
            case 'm' -> java.time.Duration.ofMinutes(amount);
            case 'h' -> java.time.Duration.ofHours(amount);
            case 'd' -> java.time.Duration.ofDays(amount);
            default -> java.time.Duration.ofDays(7 * amount);
        };
    }

    private static CorrelationRule.Condition condition(Object value, CorrelationType type) {
        boolean needsCondition = !type.temporal();
        if (value == null) {
            if (needsCondition) {
                throw new SigmaRuleException(type + " needs a condition (gt, gte, lt, lte or eq)");
            }
            return new CorrelationRule.Condition(null, null, null, null, null, null, null);
        }
        if (!(value instanceof Map<?, ?> map)) {
            throw new SigmaRuleException("condition must be a map such as {gte: 10}");
        }
        Map<String, Double> bounds = new LinkedHashMap<>();
        String field = null;
        Double percentile = null;
        for (Map.Entry<?, ?> entry : map.entrySet()) {
            String key = String.valueOf(entry.getKey());
            switch (key) {
                case "gt", "gte", "lt", "lte", "eq" -> {
                    if (!(entry.getValue() instanceof Number number)) {
                        throw new SigmaRuleException("condition " + key + " must be a number");
                    }
                    bounds.put(key, number.doubleValue());
                }
                case "field" -> field = String.valueOf(entry.getValue());
                case "percentile" -> {
                    if (!(entry.getValue() instanceof Number number) || number.doubleValue() < 0
                            || number.doubleValue() > 100) {
                        throw new SigmaRuleException("condition percentile must be a number from 0 to 100");
                    }
                    percentile = number.doubleValue();
                }
                default -> throw new SigmaRuleException("unknown condition key '" + key + "'");
            }
        }
        if (bounds.isEmpty() && needsCondition) {
            throw new SigmaRuleException(type + " needs a condition bound (gt, gte, lt, lte or eq)");
        }
        if ((type == CorrelationType.VALUE_COUNT || type.aggregatesNumbers()) && field == null) {
            throw new SigmaRuleException(type + " needs the field to count or aggregate in its condition");
        }
        return new CorrelationRule.Condition(bounds.get("gt"), bounds.get("gte"), bounds.get("lt"), bounds.get("lte"),
                bounds.get("eq"), field, percentile);
    }

    private SigmaRule compile(Map<String, Object> rule, String source) {
        String title = text(rule.get("title"));
        if (title == null || title.isBlank()) {
            throw new SigmaRuleException("missing title");
        }
        if (!(rule.get("logsource") instanceof Map<?, ?> logsource)) {
            throw new SigmaRuleException("missing logsource");
        }
        if (!(rule.get("detection") instanceof Map<?, ?> detection)) {
            throw new SigmaRuleException("missing detection");
        }
        String level = text(rule.get("level"));
        if (level != null && !LEVELS.contains(level.toLowerCase(Locale.ROOT))) {
            throw new SigmaRuleException("level '" + level + "' is not one of " + LEVELS);
        }
        String id = text(rule.get("id"));
        Detection compiled = new DetectionCompiler(placeholders).compile(detection);
        Double ratio = likelihoodRatio(rule);
        return new SigmaRule(id != null ? id : source, text(rule.get("name")), title, text(rule.get("status")),
                level == null ? "medium" : level.toLowerCase(Locale.ROOT), text(rule.get("description")),
                strings(rule.get("tags")), strings(rule.get("falsepositives")),
                LogSource.of(text(logsource.get("product")), text(logsource.get("category")),
                        text(logsource.get("service"))),
                source, compiled, ratio);
    }

    private static Map<String, Object> without(Map<String, Object> document, String key) {
        Map<String, Object> copy = new LinkedHashMap<>(document);
        copy.remove(key);
        return copy;
    }

    /** A Sigma 1 collection: the global document's keys, deep-merged under each rule document's own. */
    @SuppressWarnings("unchecked")
    private static Map<String, Object> merge(Map<String, Object> base, Map<String, Object> over) {
        Map<String, Object> merged = new LinkedHashMap<>(base);
        for (Map.Entry<String, Object> entry : over.entrySet()) {
            Object existing = merged.get(entry.getKey());
            if (existing instanceof Map<?, ?> a && entry.getValue() instanceof Map<?, ?> b) {
                merged.put(entry.getKey(), merge((Map<String, Object>) a, (Map<String, Object>) b));
            } else {
                merged.put(entry.getKey(), entry.getValue());
            }
        }
        return merged;
    }

    private static String text(Object value) {
        return value == null ? null : String.valueOf(value);
    }

    private static List<String> strings(Object value) {
        if (value instanceof List<?> list) {
            return list.stream().map(String::valueOf).toList();
        }
        return value == null ? List.of() : List.of(String.valueOf(value));
    }
}
