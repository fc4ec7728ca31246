package routes.detect.sigma;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Picks, for one event, the rules worth testing: each field named by the rules' {@link Detection#clues() clues} is
 * scanned once for all of them together (Aho–Corasick), and a rule is a candidate when one of its clues was found
 * or when it has none. The rest cannot match, so most rules cost an event nothing.
 */
final class Prefilter {

    /** The clues of one field and case mode, and for each literal the rules it stands for. */
    private record Scanner(String field, boolean cased, AhoCorasick automaton, int[][] rules) {
    }

    private final Scanner[] scanners;
    private final BitSet always = new BitSet();

    Prefilter(SigmaRule[] rules) {
        Map<String, Map<String, List<Integer>>> byField = new LinkedHashMap<>();
        Map<String, Detection.Clue> sample = new LinkedHashMap<>();
        for (int i = 0; i < rules.length; i++) {
            List<Detection.Clue> clues = rules[i].detection().clues();
            if (clues == null) {
                always.set(i);
                continue;
            }
            for (Detection.Clue clue : clues) {
                String key = clue.field() + (clue.cased() ? "|cased" : "");
                sample.putIfAbsent(key, clue);
                List<Integer> owners = byField.computeIfAbsent(key, k -> new LinkedHashMap<>())
                        .computeIfAbsent(clue.text(), k -> new ArrayList<>());
                if (owners.isEmpty() || owners.getLast() != i) {
                    owners.add(i);
                }
            }
        }
        List<Scanner> built = new ArrayList<>();
        byField.forEach((key, literals) -> {
            List<String> words = new ArrayList<>(literals.keySet());
            int[][] owners = literals.values().stream()
                    .map(list -> list.stream().mapToInt(Integer::intValue).toArray()).toArray(int[][]::new);
            Detection.Clue clue = sample.get(key);
            built.add(new Scanner(clue.field(), clue.cased(), new AhoCorasick(words), owners));
        });
        scanners = built.toArray(Scanner[]::new);
    }

    /** The indexes of the rules that may match the event. */
    BitSet candidates(MatchContext context) {
        BitSet candidates = (BitSet) always.clone();
        BitSet found = null;
        for (Scanner scanner : scanners) {
            String[] values = scanner.cased() ? context.values(scanner.field())
                    : context.lowerValues(scanner.field());
            if (values.length == 0) {
                continue;
            }
            if (found == null) {
                found = new BitSet();
            } else {
                found.clear();
            }
            for (String value : values) {
                scanner.automaton().allIn(value, found);
            }
            for (int literal = found.nextSetBit(0); literal >= 0; literal = found.nextSetBit(literal + 1)) {
                for (int rule : scanner.rules()[literal]) {
                    candidates.set(rule);
                }
            }
        }
        return candidates;
    }
}
