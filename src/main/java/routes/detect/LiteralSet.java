package routes.detect;

import java.util.BitSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An OR-list of literals a rule looks for inside one field ({@code |contains} lists, keywords). Every literal gets a
 * process-wide id, so an engine can scan a field once for the literals of all its rules together and each rule's
 * test becomes a bit-set intersection ({@link FieldScanners}).
 *
 * @param field  the ECS field searched
 * @param cased      whether the literals are compared case-sensitively (else they are lower-case)
 * @param scannerKey the key of the shared scanner this set is matched by
 */
record LiteralSet(String field, boolean cased, List<String> literals, BitSet ids, String scannerKey) {

    private static final Map<String, Integer> IDS = new ConcurrentHashMap<>();
    private static final AtomicInteger NEXT = new AtomicInteger();

    static LiteralSet of(String field, boolean cased, List<String> literals) {
        BitSet ids = new BitSet();
        for (String literal : literals) {
            ids.set(id(field, cased, literal));
        }
        return new LiteralSet(field, cased, List.copyOf(literals), ids, field + (cased ? "|cased" : ""));
    }

    static int id(String field, boolean cased, String literal) {
        return IDS.computeIfAbsent(field + (cased ? "\u0001" : "\u0000") + literal, k -> NEXT.getAndIncrement());
    }
}
