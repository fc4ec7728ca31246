package routes.tools;

import routes.detect.anomaly.AnomalyDetector;
import routes.detect.sigma.RuleSet;
import routes.detect.sigma.CorrelationRule;
import routes.detect.sigma.SigmaFilter;
import routes.detect.sigma.SigmaRule;
import routes.detect.sigma.SigmaRuleLoader;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * {@code java -jar caravan.jar rules DIR...}: compiles every rule file under the directories without starting the
 * appliance, prints one line per rule (its id, then {@code compiled} and its title, or {@code rejected} and the
 * reason) and a last line {@code N compiled, M rejected}. Exits 1 when a rule was rejected, 2 on bad arguments.
 */
public final class RulesCommand {

    private RulesCommand() {
    }

    static final String USAGE = "usage: caravan rules DIR...\n"
            + "  Compiles every .yml/.yaml rule under the directories: one line per rule (compiled or rejected,\n"
            + "  with the reason), then \"N compiled, M rejected\". Exits 1 when a rule was rejected.";

    public static int run(List<String> arguments, PrintStream out, PrintStream err) {
        if (arguments.contains("--help") || arguments.contains("-h")) {
            out.println(USAGE);
            return 0;
        }
        if (arguments.isEmpty()) {
            err.println(USAGE);
            return 2;
        }
        List<Path> directories = new ArrayList<>();
        for (String argument : arguments) {
            Path directory = Path.of(argument);
            if (!Files.isDirectory(directory)) {
                err.println("not a directory: " + argument);
                return 2;
            }
            directories.add(directory);
        }
        SigmaRuleLoader.Result result;
        try {
            result = new SigmaRuleLoader(Map.of()).loadDirectories(directories);
        } catch (IOException e) {
            err.println("cannot read the rules: " + e.getMessage());
            return 2;
        }
        for (SigmaRule rule : result.rules()) {
            out.println(rule.id() + "\tcompiled\t" + rule.title());
        }
        SigmaFilter.Applied filtered = result.filtered();
        List<SigmaRule> all = new ArrayList<>(filtered.rules());
        for (SigmaFilter filter : result.filters()) {
            if (filtered.rejected().stream().noneMatch(r -> java.util.Objects.equals(r.id(), filter.id()))) {
                out.println(filter.id() + "\tcompiled\t" + filter.title() + " (filter on " + filter.rules() + ")");
            }
        }
        for (SigmaRuleLoader.Rejected r : filtered.rejected()) {
            out.println(r.id() + "\trejected\t" + r.source() + ": " + r.reason());
        }
        List<RuleSet.Unresolved> unresolved = RuleSet.resolve(all, result.correlations(), AnomalyDetector.ruleIds())
                .unresolved();
        for (CorrelationRule correlation : result.correlations()) {
            if (unresolved.stream().noneMatch(u -> u.rule() == correlation)) {
                out.println(correlation.id() + "\tcompiled\t" + correlation.title() + " (" + correlation.type()
                        + " correlation)");
            }
        }
        for (RuleSet.Unresolved u : unresolved) {
            out.println(u.rule().id() + "\trejected\t" + u.rule().source() + ": " + u.reason());
        }
        for (SigmaRuleLoader.Rejected rejected : result.rejected()) {
            out.println((rejected.id() != null ? rejected.id() : rejected.source()) + "\trejected\t"
                    + rejected.source() + ": " + rejected.reason());
        }
        int compiled = result.rules().size() + result.correlations().size() - unresolved.size()
                + result.filters().size() - filtered.rejected().size();
        int rejected = result.rejected().size() + unresolved.size() + filtered.rejected().size();
        out.println(compiled + " compiled, " + rejected + " rejected");
        return rejected == 0 ? 0 : 1;
    }
}
