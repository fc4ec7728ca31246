package routes.tools;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * {@code java -jar caravan.jar devset OUT_DIR [--seed N] [--hours H]}: writes {@code OUT_DIR/devset.log} and
 * {@code OUT_DIR/devset.labels} ({@link DevSetGenerator}), for {@code evaluate}.
 */
public final class DevSetCommand {

    private DevSetCommand() {
    }

    static final String USAGE = "usage: caravan devset OUT_DIR [--seed N] [--hours H]\n"
            + "  Writes a labelled development set: OUT_DIR/devset.log and devset.labels (1 or 0 per line).";

    public static int run(List<String> arguments, PrintStream out, PrintStream err) {
        if (arguments.contains("--help") || arguments.contains("-h")) {
            out.println(USAGE);
            return 0;
        }
        Path directory = null;
        long seed = 1;
        int hours = 6;
        try {
            for (int i = 0; i < arguments.size(); i++) {
                String argument = arguments.get(i);
                if (argument.equals("--seed") && i + 1 < arguments.size()) {
                    seed = Long.parseLong(arguments.get(++i));
                } else if (argument.equals("--hours") && i + 1 < arguments.size()) {
                    hours = Integer.parseInt(arguments.get(++i));
                } else if (directory == null && !argument.startsWith("--")) {
                    directory = Path.of(argument);
                } else {
                    throw new IllegalArgumentException("unexpected '" + argument + "'");
                }
            }
            if (directory == null || hours < 1) {
                throw new IllegalArgumentException("an output directory and at least one hour are needed");
            }
        } catch (IllegalArgumentException e) {
            err.println(e.getMessage() + "\n" + USAGE);
            return 2;
        }
        try {
            Files.createDirectories(directory);
            Path log = directory.resolve("devset.log");
            Path labels = directory.resolve("devset.labels");
            long[] counts = new DevSetGenerator(seed, hours).write(log, labels);
            out.printf("%s: %d lines, %d malicious; labels in %s%n", log, counts[0], counts[1], labels);
            return 0;
        } catch (IOException e) {
            err.println("devset failed: " + e.getMessage());
            return 2;
        }
    }
}
