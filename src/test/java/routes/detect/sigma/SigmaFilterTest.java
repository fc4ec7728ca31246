package routes.detect.sigma;

import routes.tools.RulesCommand;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class SigmaFilterTest {

    private static final String RULE_AND_FILTER = """
            title: Failed login
            id: failed-login
            name: failed_login
            logsource: {product: linux, service: sshd}
            detection:
              sel: {event.action: ssh_login, event.outcome: failure}
              condition: sel
            ---
            title: Ignore the backup account from the backup network
            id: filter-backup
            logsource: {product: linux, service: sshd}
            filter:
              rules: [failed_login]
              selection:
                user.name: backup
                source.ip|cidr: 10.9.0.0/16
              condition: selection
            """;

    private static routes.model.Event failure(String user, String ip) {
        routes.model.Event.Builder b = routes.model.Event.builder();
        b.put("event.dataset", "linux.sshd");
        b.put("event.action", "ssh_login");
        b.put("event.outcome", "failure");
        b.put("user.name", user);
        b.put("source.ip", ip);
        return b.build();
    }

    @Test
    void aFilterExcludesWhatItSelectsFromTheRulesItNames() {
        SigmaRuleLoader.Result result = new SigmaRuleLoader(Map.of()).load(RULE_AND_FILTER, "f.yml");
        assertThat(result.rejected()).isEmpty();
        assertThat(result.filters()).hasSize(1);
        SigmaFilter.Applied applied = result.filtered();
        assertThat(applied.rejected()).isEmpty();
        SigmaEngine engine = new SigmaEngine();
        engine.load(applied.rules());
        assertThat(engine.evaluate(failure("backup", "10.9.1.2"))).isEmpty();
        assertThat(engine.evaluate(failure("backup", "203.0.113.5"))).hasSize(1);
        assertThat(engine.evaluate(failure("root", "10.9.1.2"))).hasSize(1);
    }

    @Test
    void aFilterNamingAnUnknownRuleIsRejected() {
        SigmaRuleLoader.Result result = new SigmaRuleLoader(Map.of()).load(RULE_AND_FILTER
                .replace("rules: [failed_login]", "rules: [nobody]"), "f.yml");
        assertThat(result.filtered().rejected()).singleElement().satisfies(r -> assertThat(r.reason())
                .contains("unknown rule(s) [nobody]"));
    }

    @TempDir
    Path dir;

    @Test
    void theRulesCommandCountsFilters() throws Exception {
        Files.writeString(dir.resolve("f.yml"), RULE_AND_FILTER);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrintStream print = new PrintStream(out, true, StandardCharsets.UTF_8);
        assertThat(RulesCommand.run(List.of(dir.toString()), print, print)).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("filter-backup\tcompiled\t")
                .endsWith("2 compiled, 0 rejected\n");
    }
}
