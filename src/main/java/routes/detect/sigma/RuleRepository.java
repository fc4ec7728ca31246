package routes.detect.sigma;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.io.Resource;
import org.springframework.core.io.support.PathMatchingResourcePatternResolver;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The rules the engines run: those shipped in the jar ({@code rules/} on the class path) and those in the operator
 * directory, which is checked for changes and reloaded. A rule that breaks is rejected with its reason and, if an
 * earlier version of it was running, that version keeps running. An operator rule replaces a shipped one with the
 * same id.
 */
public final class RuleRepository {

    private static final Logger LOG = LoggerFactory.getLogger(RuleRepository.class);

    /** What is loaded now, for the API. */
    public record Status(Instant loadedAt, List<SigmaRule> rules, List<CorrelationRule> correlations,
                         List<SigmaRuleLoader.Rejected> rejected) {
    }

    private final SigmaEngine engine;
    private final java.util.Collection<String> findingIds;
    private final List<java.util.function.Consumer<RuleSet>> subscribers = new java.util.concurrent.CopyOnWriteArrayList<>();
    private volatile RuleSet current = RuleSet.EMPTY;
    private final SigmaRuleLoader loader;
    private final List<Path> operatorDirs;
    private final Map<String, List<SigmaRule>> shipped;
    private final List<SigmaRuleLoader.Rejected> shippedRejected = new ArrayList<>();
    private Map<String, List<SigmaRule>> lastGoodBySource = Map.of();
    private Map<String, List<CorrelationRule>> lastGoodCorrelationsBySource = Map.of();
    private String fingerprint = "";
    private final Map<String, List<CorrelationRule>> shippedCorrelations = new LinkedHashMap<>();
    private final List<SigmaFilter> shippedFilters = new ArrayList<>();
    private volatile Status status = new Status(Instant.EPOCH, List.of(), List.of(), List.of());

    /**
     * @param findingIds ids of the findings raised outside Sigma (the anomaly models'), which correlations may
     *                   refer to as they refer to rules
     */
    public RuleRepository(SigmaEngine engine, java.util.Collection<String> findingIds, SigmaRuleLoader loader,
                          Path operatorDir) {
        this(engine, findingIds, loader, List.of(operatorDir));
    }

    /** @param operatorDirs the operator's rule directories, in order: a later file's rule replaces an earlier one */
    public RuleRepository(SigmaEngine engine, java.util.Collection<String> findingIds, SigmaRuleLoader loader,
                          List<Path> operatorDirs) {
        this.engine = engine;
        this.findingIds = List.copyOf(findingIds);
        this.loader = loader;
        this.operatorDirs = List.copyOf(operatorDirs);
        this.shipped = loadShipped();
        reload();
    }

    public Status status() {
        return status;
    }

    /** The rule set running now. */
    public RuleSet ruleSet() {
        return current;
    }

    /** Hands the running rule set to {@code subscriber} now and every time it changes (the correlation engine). */
    public void subscribe(java.util.function.Consumer<RuleSet> subscriber) {
        subscribers.add(subscriber);
        subscriber.accept(current);
    }

    public SigmaRuleLoader loader() {
        return loader;
    }

    /** Reloads when a file in the operator directory was added, changed or removed; true when it reloaded. */
    public synchronized boolean reloadIfChanged() {
        if (!fingerprint().equals(fingerprint)) {
            reload();
            return true;
        }
        return false;
    }

    /** Loads the operator directory again and swaps the new rule set into the engine. */
    public synchronized void reload() {
        String now = fingerprint();
        Map<String, List<SigmaRule>> bySource = new LinkedHashMap<>();
        Map<String, List<CorrelationRule>> correlationsBySource = new LinkedHashMap<>();
        Map<String, CorrelationRule> correlationsById = new LinkedHashMap<>();
        shippedCorrelations.values().forEach(list -> list.forEach(c -> correlationsById.put(c.id(), c)));
        List<SigmaFilter> filters = new ArrayList<>(shippedFilters);
        List<SigmaRuleLoader.Rejected> rejected = new ArrayList<>(shippedRejected);
        for (Path file : operatorFiles()) {
            String source = file.toString();
            SigmaRuleLoader.Result result;
            try {
                result = loader.load(Files.readString(file, StandardCharsets.UTF_8), source);
            } catch (IOException e) {
                result = new SigmaRuleLoader.Result(List.of(), List.of(),
                        List.of(new SigmaRuleLoader.Rejected(source, null, "cannot read: " + e.getMessage())));
            }
            List<SigmaRule> rules = new ArrayList<>(result.rules());
            List<CorrelationRule> correlations = new ArrayList<>(result.correlations());
            List<SigmaRule> previous = lastGoodBySource.getOrDefault(source, List.of());
            List<CorrelationRule> previousCorrelations = lastGoodCorrelationsBySource.getOrDefault(source, List.of());
            for (SigmaRuleLoader.Rejected r : result.rejected()) {
                List<SigmaRule> kept = previous.stream()
                        .filter(old -> r.id() == null ? rules.stream().noneMatch(n -> n.id().equals(old.id()))
                                : old.id().equals(r.id()))
                        .toList();
                List<CorrelationRule> keptCorrelations = previousCorrelations.stream()
                        .filter(old -> r.id() == null
                                ? correlations.stream().noneMatch(n -> n.id().equals(old.id()))
                                : old.id().equals(r.id()))
                        .toList();
                rules.addAll(kept);
                correlations.addAll(keptCorrelations);
                String note = kept.isEmpty() && keptCorrelations.isEmpty() ? ""
                        : " (the previous version keeps running)";
                rejected.add(new SigmaRuleLoader.Rejected(r.source(), r.id(), r.reason() + note));
                LOG.warn("Sigma rule rejected in {}{}: {}{}", source, r.id() == null ? "" : " (" + r.id() + ")",
                        r.reason(), note);
            }
            bySource.put(source, rules);
            filters.addAll(result.filters());
            correlationsBySource.put(source, correlations);
            correlations.forEach(c -> correlationsById.put(c.id(), c));
        }
        Map<String, SigmaRule> byId = new LinkedHashMap<>();
        shipped.values().forEach(list -> list.forEach(rule -> byId.put(rule.id(), rule)));
        bySource.values().forEach(list -> list.forEach(rule -> byId.put(rule.id(), rule)));
        SigmaFilter.Applied applied = SigmaFilter.apply(List.copyOf(byId.values()), filters);
        List<SigmaRule> rules = applied.rules();
        rejected.addAll(applied.rejected());
        RuleSet.Resolved resolved = RuleSet.resolve(rules, List.copyOf(correlationsById.values()), findingIds);
        for (RuleSet.Unresolved u : resolved.unresolved()) {
            rejected.add(new SigmaRuleLoader.Rejected(u.rule().source(), u.rule().id(), u.reason()));
        }
        List<CorrelationRule> correlations = resolved.set().correlations();
        engine.load(rules);
        current = resolved.set();
        subscribers.forEach(s -> s.accept(resolved.set()));
        lastGoodBySource = bySource;
        lastGoodCorrelationsBySource = correlationsBySource;
        fingerprint = now;
        status = new Status(Instant.now(), rules, List.copyOf(correlations), List.copyOf(rejected));
        LOG.info("Sigma rules loaded: {} rules and {} correlations running, {} rejected", rules.size(),
                correlations.size(), rejected.size());
    }

    private Map<String, List<SigmaRule>> loadShipped() {
        Map<String, List<SigmaRule>> rules = new LinkedHashMap<>();
        try {
            Resource[] resources = new PathMatchingResourcePatternResolver().getResources("classpath*:rules/**/*.y*ml");
            for (Resource resource : resources) {
                String source = "classpath:rules/" + resource.getFilename();
                SigmaRuleLoader.Result result = loader.load(resource.getContentAsString(StandardCharsets.UTF_8),
                        source);
                rules.put(source, result.rules());
                shippedCorrelations.put(source, result.correlations());
                shippedFilters.addAll(result.filters());
                shippedRejected.addAll(result.rejected());
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the rules shipped in the jar", e);
        }
        return rules;
    }

    private List<Path> operatorFiles() {
        List<Path> files = new ArrayList<>();
        for (Path dir : operatorDirs) {
            if (!Files.isDirectory(dir)) {
                continue;
            }
            try (Stream<Path> walk = Files.walk(dir)) {
                walk.filter(Files::isRegularFile).filter(p -> {
                    String name = p.getFileName().toString().toLowerCase(Locale.ROOT);
                    return name.endsWith(".yml") || name.endsWith(".yaml");
                }).sorted().forEach(files::add);
            } catch (IOException e) {
                LOG.warn("Cannot list {}: {}", dir, e.getMessage());
            }
        }
        return files;
    }

    /** Names, sizes and modification times of the operator's rule files. */
    private String fingerprint() {
        StringBuilder print = new StringBuilder();
        for (Path file : operatorFiles()) {
            try {
                print.append(file).append('|').append(Files.size(file)).append('|')
                        .append(Files.getLastModifiedTime(file).toMillis()).append('\n');
            } catch (IOException e) {
                print.append(file).append("|gone\n");
            }
        }
        return print.toString();
    }
}
