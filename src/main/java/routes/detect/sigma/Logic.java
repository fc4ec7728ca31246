package routes.detect.sigma;

import java.util.ArrayList;
import java.util.List;

/** AND, OR and NOT over detections; the fields recorded by a branch that fails are rolled back. */
final class Logic {

    private Logic() {
    }

    static Detection all(List<Detection> terms) {
        return new All(terms.toArray(Detection[]::new));
    }

    static Detection any(List<Detection> terms) {
        return new Any(terms.toArray(Detection[]::new));
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

    /**
     * Of several clue sets that all hold, the most selective: the one whose shortest literal is longest, then the
     * one with the fewest literals. Null when none is known.
     */
    static List<Detection.Clue> narrowest(List<List<Detection.Clue>> candidates) {
        List<Detection.Clue> best = null;
        for (List<Detection.Clue> clues : candidates) {
            if (clues != null && (best == null || shortest(clues) > shortest(best)
                    || shortest(clues) == shortest(best) && clues.size() < best.size())) {
                best = clues;
            }
        }
        return best;
    }

    private static int shortest(List<Detection.Clue> clues) {
        int shortest = Integer.MAX_VALUE;
        for (Detection.Clue clue : clues) {
            shortest = Math.min(shortest, clue.text().length());
        }
        return shortest;
    }

    private record All(Detection[] parts) implements Detection {
        @Override
        public boolean matches(MatchContext context) {
            int mark = context.mark();
            for (Detection part : parts) {
                if (!part.matches(context)) {
                    context.rollback(mark);
                    return false;
                }
            }
            return true;
        }

        /** Every part must match, so the clues of any one of them will do: the narrowest. */
        @Override
        public List<Clue> clues() {
            List<List<Clue>> each = new ArrayList<>();
            for (Detection part : parts) {
                each.add(part.clues());
            }
            return narrowest(each);
        }
    }

    private record Any(Detection[] parts) implements Detection {
        @Override
        public boolean matches(MatchContext context) {
            for (Detection part : parts) {
                int mark = context.mark();
                if (part.matches(context)) {
                    return true;
                }
                context.rollback(mark);
            }
            return false;
        }

        /** One part must match: the union of their clues, known only when every part has some. */
        @Override
        public List<Clue> clues() {
            List<Clue> union = new ArrayList<>();
            for (Detection part : parts) {
                List<Clue> clues = part.clues();
                if (clues == null) {
                    return null;
                }
                union.addAll(clues);
            }
            return union;
        }
    }
}
