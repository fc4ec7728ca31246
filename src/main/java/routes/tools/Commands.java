package routes.tools;

import java.io.PrintStream;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The jar's command line: {@code java -jar caravan.jar [COMMAND [ARGS]]}. No command runs the appliance; a command
 * runs its tool and exits with its code; {@code help}, {@code --help} or an unknown command prints the commands
 * without starting anything.
 */
public final class Commands {

    /** A command: what it does, and how it runs. */
    private record Command(String summary, Tool tool) {
    }

    private interface Tool {
        int run(List<String> arguments, PrintStream out, PrintStream err);
    }

    private static final Map<String, Command> COMMANDS = new LinkedHashMap<>();

    static {
        COMMANDS.put("rules", new Command("compile rule files: one line per rule, then \"N compiled, M rejected\"",
                RulesCommand::run));
        COMMANDS.put("replay", new Command("run log files through the pipeline offline; findings and alerts as JSON",
                ReplayCommand::run));
        COMMANDS.put("evaluate", new Command("grade detection on a labelled log (precision, recall, ROC-AUC)",
                EvaluateCommand::run));
        COMMANDS.put("devset", new Command("write a labelled development set (logs and labels)",
                DevSetCommand::run));
    }

    private Commands() {
    }

    /**
     * Runs the command the arguments name and answers its exit code, or null when they name none and the appliance
     * should start (no arguments, or only {@code --name=value} settings).
     */
    public static Integer run(String[] args, PrintStream out, PrintStream err) {
        List<String> arguments = Arrays.asList(args);
        if (arguments.isEmpty()) {
            return null;
        }
        String first = arguments.getFirst();
        Command command = COMMANDS.get(first);
        if (command != null) {
            return command.tool().run(arguments.subList(1, arguments.size()), out, err);
        }
        if (first.equals("help") || arguments.contains("--help") || arguments.contains("-h")) {
            out.print(help());
            return 0;
        }
        if (!first.startsWith("-")) {
            err.println("unknown command '" + first + "'");
            err.print(help());
            return 2;
        }
        return null;
    }

    /** The commands, one a line. */
    static String help() {
        StringBuilder text = new StringBuilder("""
                usage: java -jar caravan.jar [--siem.NAME=VALUE]...      run the appliance
                       java -jar caravan.jar COMMAND [ARGS]...           run a tool and exit
                commands (each takes --help):
                """);
        COMMANDS.forEach((name, command) -> text.append(String.format("  %-9s %s%n", name, command.summary())));
        return text.toString();
    }
}
