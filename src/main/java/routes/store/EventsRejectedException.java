package routes.store;

import routes.model.Event;

import java.util.List;

/** Some events of a batch could not be stored; the others were. Carries each rejected event with the reason. */
public final class EventsRejectedException extends RuntimeException {

    /** One event the store refused, and why. */
    public record Rejected(Event event, String reason) {
    }

    private final transient List<Rejected> rejected;

    public EventsRejectedException(List<Rejected> rejected) {
        super(rejected.size() + " event(s) rejected by the event index: "
                + (rejected.isEmpty() ? "" : rejected.getFirst().reason()));
        this.rejected = List.copyOf(rejected);
    }

    public List<Rejected> rejected() {
        return rejected;
    }
}
