package routes.detect;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One automaton per field (and case mode) over the literals of all the rules of a rule set: a field is scanned
 * once per event, whatever number of rules look into it.
 */
final class FieldScanners {

    static final FieldScanners NONE = new FieldScanners(List.of());

    private record Scanner(String field, boolean cased, AhoCorasick automaton, int[] globalIds) {
    }

    private final Map<String, Scanner> byKey = new HashMap<>();

    FieldScanners(List<LiteralSet> sets) {
        Map<String, LinkedHashMap<String, Integer>> literals = new LinkedHashMap<>();
        Map<String, LiteralSet> sample = new HashMap<>();
        for (LiteralSet set : sets) {
            LinkedHashMap<String, Integer> words = literals.computeIfAbsent(set.scannerKey(), k -> new LinkedHashMap<>());
            sample.putIfAbsent(set.scannerKey(), set);
            for (String literal : set.literals()) {
                words.putIfAbsent(literal, LiteralSet.id(set.field(), set.cased(), literal));
            }
        }
        literals.forEach((key, words) -> {
            LiteralSet first = sample.get(key);
            List<String> list = new ArrayList<>(words.keySet());
            int[] ids = words.values().stream().mapToInt(Integer::intValue).toArray();
            byKey.put(key, new Scanner(first.field(), first.cased(), new AhoCorasick(list), ids));
        });
    }

    /** True when this rule set scans the field the set belongs to. */
    boolean covers(LiteralSet set) {
        return byKey.containsKey(set.scannerKey());
    }

    /** The ids of every literal of the scanner found in any of the values. */
    BitSet scan(String key, String[] values) {
        Scanner scanner = byKey.get(key);
        BitSet found = new BitSet();
        for (String value : values) {
            scanner.automaton().allIn(value, scanner.globalIds(), found);
        }
        return found;
    }
}
