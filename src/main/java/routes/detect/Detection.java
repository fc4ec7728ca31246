package routes.detect;

/** A compiled piece of a rule's detection: a search identifier, a field test, or a condition combining them. */
@FunctionalInterface
public interface Detection {

    /** True when the event matches; a match may record the fields that made it so in the context. */
    boolean matches(MatchContext context);
}
