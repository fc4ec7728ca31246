package routes;

import org.springframework.boot.SpringApplication;
import routes.detect.DevSetCommand;
import routes.detect.EvaluateCommand;
import routes.detect.ReplayCommand;
import routes.detect.RulesCommand;

import java.util.Arrays;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/**
 * Caravan, the SIEM appliance: starts the Camel pipeline, the stores and the API. With a command as first argument
 * it runs that tool instead and exits: {@code rules DIR...} compiles rule files, {@code replay FILE...} runs log
 * files through normalize, detect and correlate, {@code evaluate --labels LABELS LOG} grades detection on a
 * labelled log, {@code devset OUT_DIR} writes a labelled development set.
 */
@SpringBootApplication
@ConfigurationPropertiesScan
public class CaravanApplication {

    public static void main(String[] args) {
        if (args.length > 0 && args[0].equals("rules")) {
            System.exit(RulesCommand.run(Arrays.asList(args).subList(1, args.length), System.out, System.err));
        }
        if (args.length > 0 && args[0].equals("replay")) {
            System.exit(ReplayCommand.run(Arrays.asList(args).subList(1, args.length), System.out, System.err));
        }
        if (args.length > 0 && args[0].equals("evaluate")) {
            System.exit(EvaluateCommand.run(Arrays.asList(args).subList(1, args.length), System.out, System.err));
        }
        if (args.length > 0 && args[0].equals("devset")) {
            System.exit(DevSetCommand.run(Arrays.asList(args).subList(1, args.length), System.out, System.err));
        }
        SpringApplication.run(CaravanApplication.class, args);
    }
}
