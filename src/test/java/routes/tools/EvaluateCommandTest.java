package routes.tools;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The development set and the evaluation command together: a seeded set of normal traffic with injected attacks,
 * graded as the issue asks (ROC-AUC of 0.95 or more for web attacks and for scans against normal traffic).
 */
class EvaluateCommandTest {

    private static String run(String command, List<String> arguments) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exit = command.equals("devset")
                ? DevSetCommand.run(arguments, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8))
                : EvaluateCommand.run(arguments, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        assertThat(exit).as(err.toString(StandardCharsets.UTF_8)).isZero();
        return out.toString(StandardCharsets.UTF_8);
    }

    @Test
    void theDevelopmentSetIsReproducibleFromItsSeed(@TempDir Path a, @TempDir Path b) throws Exception {
        run("devset", List.of(a.toString(), "--seed", "9", "--hours", "1"));
        run("devset", List.of(b.toString(), "--seed", "9", "--hours", "1"));
        assertThat(Files.readAllLines(a.resolve("devset.log"))).isEqualTo(Files.readAllLines(b.resolve("devset.log")))
                .hasSameSizeAs(Files.readAllLines(a.resolve("devset.labels")));
        assertThat(Files.readAllLines(a.resolve("devset.labels"))).contains("0", "1 bruteforce", "1 scan");
    }

    @Test
    void webAttacksAndScansStandOutFromNormalTraffic(@TempDir Path directory) {
        run("devset", List.of(directory.toString(), "--seed", "5", "--hours", "3"));
        String report = run("evaluate", List.of("--labels", directory.resolve("devset.labels").toString(),
                directory.resolve("devset.log").toString()));
        System.out.println(report);
        assertThat(report).contains("calibration of the combined score");
        assertThat(anomalyAuc(report, "web")).as("anomaly model alone, web").isGreaterThanOrEqualTo(0.95);
        assertThat(anomalyAuc(report, "network")).as("anomaly model alone, network").isGreaterThanOrEqualTo(0.95);
        String last = report.strip().lines().reduce((first, second) -> second).orElseThrow();
        Matcher figures = Pattern.compile("precision=([0-9.]+) recall=([0-9.]+) f1=([0-9.]+) roc_auc=([0-9.]+)"
                + " episode_recall=([0-9.]+) false_alerts_per_100k=([0-9.]+)").matcher(last);
        assertThat(figures.matches()).as(last).isTrue();
        assertThat(Double.parseDouble(figures.group(4))).as("combined roc_auc").isGreaterThanOrEqualTo(0.95);
        assertThat(Double.parseDouble(figures.group(3))).as("combined f1").isGreaterThan(0.8);
        assertThat(report).contains("alerts by attack episode", "bruteforce", "scan");
        assertThat(Double.parseDouble(figures.group(5))).as("episode recall").isGreaterThanOrEqualTo(0.9);
        assertThat(Double.parseDouble(figures.group(6))).as("false alerts per 100k benign lines").isLessThanOrEqualTo(2);
    }

    @Test
    void theSameLogAndSettingsGiveTheSameFiguresRunAfterRun(@TempDir Path directory) {
        run("devset", List.of(directory.toString(), "--seed", "3", "--hours", "1"));
        List<String> arguments = List.of("--labels", directory.resolve("devset.labels").toString(),
                directory.resolve("devset.log").toString());
        String first = run("evaluate", arguments);
        String second = run("evaluate", arguments);
        assertThat(first).contains("roc_auc=").isEqualTo(second);
    }

    @Test
    void labelsThatDoNotFitTheLogAreRefused(@TempDir Path directory) throws Exception {
        Files.writeString(directory.resolve("log"), "a\nb\n");
        Files.writeString(directory.resolve("labels"), "1\n");
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exit = EvaluateCommand.run(List.of("--labels", directory.resolve("labels").toString(),
                        directory.resolve("log").toString()), new PrintStream(new ByteArrayOutputStream()),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        assertThat(exit).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("has 1 labels for 2 lines");
    }

    /** The anomaly model's ROC-AUC for a family, from the report's table. */
    private static double anomalyAuc(String report, String family) {
        Matcher row = Pattern.compile("(?m)^" + family + "\\s+\\d+\\s+\\d+\\s+([0-9.]+)").matcher(report);
        assertThat(row.find()).as("row for " + family).isTrue();
        return Double.parseDouble(row.group(1));
    }
}
