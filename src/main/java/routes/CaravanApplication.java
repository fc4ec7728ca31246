package routes;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;
import routes.tools.Commands;

/**
 * Caravan, the SIEM appliance: starts the Camel pipeline, the stores and the API. With a command as first argument
 * it runs that tool instead and exits ({@link Commands}: {@code rules}, {@code replay}, {@code evaluate},
 * {@code devset}); {@code --help} lists them.
 */
@SpringBootApplication
@ConfigurationPropertiesScan
public class CaravanApplication {

    public static void main(String[] args) {
        Integer exit = Commands.run(args, System.out, System.err);
        if (exit != null) {
            System.exit(exit);
        }
        SpringApplication.run(CaravanApplication.class, args);
    }
}
