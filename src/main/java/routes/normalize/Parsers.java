package routes.normalize;

import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.context.annotation.ClassPathScanningCandidateComponentProvider;
import org.springframework.core.type.filter.AssignableTypeFilter;

import java.lang.reflect.Constructor;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The registered parsers: every {@link Parser} in this package, found on the class path, made with the zone for
 * times without one when its constructor takes it. Answers which parsers read a program's lines (in their
 * {@link Parser#order}) and which to try on a line by its content.
 */
public final class Parsers {

    private final List<Parser> all;
    /** Programs come from the logs: their answers are cached, within a bound. */
    private final com.github.benmanes.caffeine.cache.Cache<String, List<Parser>> byProgram =
            com.github.benmanes.caffeine.cache.Caffeine.newBuilder().maximumSize(10_000).build();

    private Parsers(List<Parser> all) {
        this.all = List.copyOf(all);
    }

    /** Every parser of this package, ordered by {@link Parser#order} (then name, so the order is stable). */
    public static Parsers discover(ZoneId zone) {
        ClassPathScanningCandidateComponentProvider scanner = new ClassPathScanningCandidateComponentProvider(false);
        scanner.addIncludeFilter(new AssignableTypeFilter(Parser.class));
        List<Parser> found = new ArrayList<>();
        for (BeanDefinition candidate : scanner.findCandidateComponents(Parser.class.getPackageName())) {
            found.add(instantiate(candidate.getBeanClassName(), zone));
        }
        found.sort(Comparator.comparingInt(Parser::order).thenComparing(p -> p.getClass().getSimpleName()));
        return new Parsers(found);
    }

    private static Parser instantiate(String className, ZoneId zone) {
        try {
            Class<? extends Parser> type = Class.forName(className).asSubclass(Parser.class);
            for (Constructor<?> constructor : type.getConstructors()) {
                if (constructor.getParameterCount() == 1 && constructor.getParameterTypes()[0] == ZoneId.class) {
                    return (Parser) constructor.newInstance(zone);
                }
            }
            return type.getConstructor().newInstance();
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("parser " + className + " needs a public constructor taking a ZoneId "
                    + "or nothing", e);
        }
    }

    /** The parsers that read this program's lines, in order. */
    public List<Parser> forProgram(String program) {
        return byProgram.get(program, name -> all.stream().filter(parser -> parser.claims(name)).toList());
    }

    /** Every parser, in the order content tests try them. */
    public List<Parser> all() {
        return all;
    }

    /** The parser of this type. */
    public <P extends Parser> P get(Class<P> type) {
        return all.stream().filter(type::isInstance).map(type::cast).findFirst().orElseThrow();
    }
}
