package routes.detect;

import java.util.List;

/** AND, OR and NOT over detections; the fields recorded by a branch that fails are rolled back. */
final class Logic {

    private Logic() {
    }

    static Detection all(List<Detection> terms) {
        Detection[] parts = terms.toArray(Detection[]::new);
        return context -> {
            int mark = context.mark();
            for (Detection part : parts) {
                if (!part.matches(context)) {
                    context.rollback(mark);
                    return false;
                }
            }
            return true;
        };
    }

    static Detection any(List<Detection> terms) {
        Detection[] parts = terms.toArray(Detection[]::new);
        return context -> {
            for (Detection part : parts) {
                int mark = context.mark();
                if (part.matches(context)) {
                    return true;
                }
                context.rollback(mark);
            }
            return false;
        };
    }

    /** What a negated branch matched is not evidence: it is never kept. */
    static Detection not(Detection term) {
        return context -> {
            int mark = context.mark();
            boolean matched = term.matches(context);
            context.rollback(mark);
            return !matched;
        };
    }
}
