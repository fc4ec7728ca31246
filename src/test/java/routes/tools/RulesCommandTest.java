package routes.tools;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class RulesCommandTest {

    @TempDir
    Path dir;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(String... arguments) {
        return RulesCommand.run(List.of(arguments), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    private List<String> lines() {
        return out.toString(StandardCharsets.UTF_8).lines().toList();
    }

    @Test
    void printsOneLinePerRuleAndTheTotals() throws Exception {
        Files.writeString(dir.resolve("good.yml"), """
                title: Good rule
                id: good-1
                logsource: {product: linux}
                detection:
                  kw: ['evil']
                  condition: kw
                """);
        Files.createDirectories(dir.resolve("sub"));
        Files.writeString(dir.resolve("sub/bad.yaml"), """
                title: Bad rule
                id: bad-1
                logsource: {product: linux}
                detection:
                  sel: {user.name|often: x}
                  condition: sel
                """);
        assertThat(run(dir.toString())).isEqualTo(1);
        assertThat(lines()).contains("good-1\tcompiled\tGood rule");
        assertThat(lines()).anySatisfy(line -> assertThat(line).startsWith("bad-1\trejected\t")
                .contains("bad.yaml").contains("unsupported modifier 'often'"));
        assertThat(lines().getLast()).isEqualTo("1 compiled, 1 rejected");
    }

    @Test
    void allCompiledExitsZero() throws Exception {
        Files.writeString(dir.resolve("good.yml"), """
                title: Good rule
                logsource: {product: linux}
                detection:
                  kw: ['evil']
                  condition: kw
                """);
        assertThat(run(dir.toString())).isZero();
        assertThat(lines().getLast()).isEqualTo("1 compiled, 0 rejected");
    }

    @Test
    void badArgumentsExitTwo() {
        assertThat(run()).isEqualTo(2);
        assertThat(run(dir.resolve("missing").toString())).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("not a directory");
    }
}
