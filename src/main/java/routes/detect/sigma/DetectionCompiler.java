package routes.detect.sigma;

import routes.model.IpAddress;

import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoField;
import java.time.temporal.IsoFields;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.LongPredicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Compiles a rule's {@code detection} section once into {@link Detection}s: maps are AND, lists of maps OR, lists
 * of strings keyword searches; {@code field|modifier|...: values} with the modifiers of the Sigma 2.x appendix.
 * Nothing is parsed or compiled per event.
 */
final class DetectionCompiler {

    /** Where keyword searches (values without a field) look. */
    static final String KEYWORD_FIELD = "message";
    private static final Set<String> NOT_IDENTIFIERS = Set.of("condition", "timeframe");
    private static final char[] DASHES = {'-', '/', '\u2013', '\u2014', '\u2015'};
    private static final Pattern PLACEHOLDER = Pattern.compile("(?<!\\\\)%([A-Za-z0-9_.-]+)%");

    private final Map<String, List<String>> placeholders;

    /** @param placeholders values for {@code |expand} placeholders ({@code %Servers%} → list) */
    DetectionCompiler(Map<String, List<String>> placeholders) {
        this.placeholders = placeholders;
    }

    Detection compile(Map<?, ?> detection) {
        Object condition = detection.get("condition");
        if (condition == null) {
            throw new SigmaRuleException("detection has no condition");
        }
        Map<String, Detection> identifiers = new LinkedHashMap<>();
        for (Map.Entry<?, ?> entry : detection.entrySet()) {
            String name = String.valueOf(entry.getKey());
            if (!NOT_IDENTIFIERS.contains(name)) {
                identifiers.put(name, searchIdentifier(name, entry.getValue()));
            }
        }
        if (condition instanceof List<?> conditions) {
            List<Detection> any = new ArrayList<>();
            for (Object c : conditions) {
                any.add(ConditionParser.parse(String.valueOf(c), identifiers));
            }
            return Logic.any(any);
        }
        return ConditionParser.parse(String.valueOf(condition), identifiers);
    }

    private Detection searchIdentifier(String name, Object value) {
        if (value instanceof Map<?, ?> map) {
            return selection(name, map);
        }
        if (value instanceof List<?> list) {
            if (list.isEmpty()) {
                throw new SigmaRuleException("search identifier '" + name + "' is an empty list");
            }
            if (list.stream().allMatch(item -> item instanceof Map<?, ?>)) {
                List<Detection> maps = new ArrayList<>();
                for (Object item : list) {
                    maps.add(selection(name, (Map<?, ?>) item));
                }
                return Logic.any(maps);
            }
            if (list.stream().noneMatch(item -> item instanceof Map<?, ?> || item instanceof List<?>)) {
                return fieldTest(name, "|contains", list, true);
            }
            throw new SigmaRuleException("search identifier '" + name + "' mixes maps and plain values");
        }
        if (value == null) {
            throw new SigmaRuleException("search identifier '" + name + "' is empty");
        }
        return fieldTest(name, "|contains", List.of(value), true);
    }

    private Detection selection(String name, Map<?, ?> map) {
        if (map.isEmpty()) {
            throw new SigmaRuleException("search identifier '" + name + "' is an empty map");
        }
        List<Detection> tests = new ArrayList<>();
        for (Map.Entry<?, ?> entry : map.entrySet()) {
            tests.add(fieldTest(name, String.valueOf(entry.getKey()), entry.getValue(), false));
        }
        return tests.size() == 1 ? tests.getFirst() : Logic.all(tests);
    }

    /** One {@code field|modifiers: values} item; an empty field name is a keyword search. */
    private Detection fieldTest(String identifier, String key, Object rawValue, boolean keywords) {
        String[] parts = key.split("\\|", -1);
        boolean keywordSearch = keywords || parts[0].isEmpty();
        String field = keywordSearch ? KEYWORD_FIELD : SigmaFieldMapping.ecs(parts[0]);
        String label = keywordSearch ? "keywords of '" + identifier + "'" : "field '" + parts[0] + "'";
        List<Object> values = rawValue instanceof List<?> list ? new ArrayList<>(list) : new ArrayList<>(
                java.util.Collections.singletonList(rawValue));
        if (values.isEmpty()) {
            throw new SigmaRuleException(label + " has an empty list of values");
        }
        Modifiers m = new Modifiers(label, field);
        for (int i = 1; i < parts.length; i++) {
            m.add(parts[i].trim());
        }
        if (keywordSearch && !m.contains && !m.startswith && !m.endswith && !m.re) {
            m.contains = true;
        }
        if (m.exists) {
            if (values.size() != 1 || !(values.getFirst() instanceof Boolean wanted)) {
                throw new SigmaRuleException(label + ": 'exists' takes true or false");
            }
            return context -> {
                if (context.has(field) != wanted) {
                    return false;
                }
                if (wanted) {
                    // the value that exists is the evidence (for a request's verdict, what was found where)
                    context.matched(field, String.join(" ", context.values(field)));
                }
                return true;
            };
        }
        if (m.fieldref) {
            return fieldRef(field, values, m, label);
        }
        if (m.cidr) {
            return matchValues(field, cidrTests(values, label), m, label);
        }
        if (m.comparison != null || m.timePart != null) {
            return matchValues(field, numberTests(values, m, label), m, label);
        }
        if (m.re) {
            return matchValues(field, regexTests(values, m, label), m, label);
        }
        return matchValues(field, stringTests(values, m, label), m, label);
    }

    // ---- the kinds of value test ----

    /** Tests one event value (the original text, and lower-cased when the test needs it). */
    interface ValueTest {
        boolean test(String original, String lower);

        default boolean wantsAbsent() {
            return false;
        }

        /** Literals of which one occurs in any value this test matches (see {@link Detection#clues()}), or null. */
        default List<Detection.Clue> clues(String field) {
            return null;
        }
    }

    /** A wildcard pattern, with the literal every value it matches contains. */
    private record PatternTest(StringPattern pattern) implements ValueTest {
        @Override
        public boolean test(String original, String lower) {
            return pattern.matches(pattern.lowerCase() ? lower : original);
        }

        @Override
        public List<Detection.Clue> clues(String field) {
            String literal = pattern.necessaryLiteral();
            return literal == null ? null : List.of(new Detection.Clue(field, !pattern.lowerCase(), literal));
        }
    }

    /** A plain "contains" value. */
    private record ContainsTest(String literal, boolean cased) implements ValueTest {
        @Override
        public boolean test(String original, String lower) {
            return (cased ? original : lower).contains(literal);
        }

        @Override
        public List<Detection.Clue> clues(String field) {
            return literal.isEmpty() ? null : List.of(new Detection.Clue(field, cased, literal));
        }
    }

    private Detection matchValues(String field, List<ValueTest> tests, Modifiers m, String label) {
        if (m.all && tests.size() < 2 && !m.expandedMany) {
            // Sigma forbids 'all' on one value; accept it as the single test it is
            m.all = false;
        }
        return new FieldMatch(field, tests.toArray(ValueTest[]::new), m.all, m.neq);
    }

    /**
     * A field's values against the tests of one {@code field|modifiers: values} item: any test (or, with
     * {@code all}, every test) matching some value; with {@code neq}, no test matching any value.
     */
    private record FieldMatch(String field, ValueTest[] tests, boolean all, boolean negate) implements Detection {
        @Override
        public boolean matches(MatchContext context) {
            MatchContext.Texts texts = context.texts(field);
            String[] originals = texts.original;
            String[] lowers = texts.lower();
            if (negate) {
                if (originals.length == 0) {
                    return false;
                }
                for (ValueTest test : tests) {
                    for (int i = 0; i < originals.length; i++) {
                        if (test.test(originals[i], lowers[i])) {
                            return false;
                        }
                    }
                }
                context.matched(field, String.join(" ", originals));
                return true;
            }
            int matchedTests = 0;
            for (ValueTest test : tests) {
                boolean hit = originals.length == 0 && test.wantsAbsent();
                for (int i = 0; i < originals.length && !hit; i++) {
                    if (test.test(originals[i], lowers[i])) {
                        context.matched(field, originals[i]);
                        hit = true;
                    }
                }
                if (hit) {
                    matchedTests++;
                    if (!all) {
                        return true;
                    }
                } else if (all) {
                    return false;
                }
            }
            return all && matchedTests == tests.length;
        }

        @Override
        public List<Clue> clues() {
            if (negate) {
                return null;
            }
            List<List<Clue>> each = new ArrayList<>();
            for (ValueTest test : tests) {
                each.add(test.clues(field));
            }
            if (all) {
                return Logic.narrowest(each);
            }
            List<Clue> union = new ArrayList<>();
            for (List<Clue> clues : each) {
                if (clues == null) {
                    return null;
                }
                union.addAll(clues);
            }
            return union;
        }
    }

    /** OR-lists at least this long of plain "contains" values are matched in one pass (Aho–Corasick). */
    private static final int MULTI_PATTERN_MIN = 3;

    private List<ValueTest> stringTests(List<Object> values, Modifiers m, String label) {
        List<ValueTest> tests = new ArrayList<>();
        List<String> contained = new ArrayList<>();
        for (String text : transformed(values, m, label)) {
            if (text == null) {
                tests.add(new ValueTest() {
                    @Override
                    public boolean test(String original, String lower) {
                        return false;
                    }

                    @Override
                    public boolean wantsAbsent() {
                        return true;
                    }
                });
                continue;
            }
            if (text.isEmpty() && !m.contains && !m.startswith && !m.endswith) {
                tests.add(new ValueTest() {
                    @Override
                    public boolean test(String original, String lower) {
                        return original.isEmpty();
                    }

                    @Override
                    public boolean wantsAbsent() {
                        return true;
                    }
                });
                continue;
            }
            String wildcarded = (m.contains || m.endswith ? "*" : "") + text + (m.contains || m.startswith ? "*" : "");
            StringPattern pattern = StringPattern.compile(wildcarded, m.cased);
            if (pattern.containedLiteral() != null && !m.all && !m.neq) {
                contained.add(pattern.containedLiteral());
            } else {
                tests.add(new PatternTest(pattern));
            }
        }
        if (contained.size() >= MULTI_PATTERN_MIN) {
            tests.add(new SetTest(List.copyOf(contained), m.cased, new AhoCorasick(contained)));
        } else {
            for (String literal : contained) {
                tests.add(new ContainsTest(literal, m.cased));
            }
        }
        return tests;
    }

    /** An OR-list of contained literals, matched in one pass over the value. */
    private record SetTest(List<String> literals, boolean cased, AhoCorasick automaton) implements ValueTest {
        @Override
        public boolean test(String original, String lower) {
            return automaton.firstIn(cased ? original : lower) != null;
        }

        @Override
        public List<Detection.Clue> clues(String field) {
            if (literals.contains("")) {
                return null;
            }
            return literals.stream().map(literal -> new Detection.Clue(field, cased, literal)).toList();
        }
    }

    /**
     * The rule's values after the transforming modifiers, applied in the order written: placeholders,
     * dash variants, UTF-16 and Base64 encodings. A null stays null (field must be absent).
     */
    private List<String> transformed(List<Object> values, Modifiers m, String label) {
        List<String> texts = new ArrayList<>();
        for (Object value : values) {
            if (value instanceof Map<?, ?> || value instanceof List<?>) {
                throw new SigmaRuleException(label + ": a value must be a string, number, boolean or null");
            }
            texts.add(value == null ? null : String.valueOf(value));
        }
        boolean binary = false;
        for (String step : m.transforms) {
            List<String> next = new ArrayList<>();
            for (String text : texts) {
                if (text == null) {
                    next.add(null);
                    continue;
                }
                switch (step) {
                    case "expand" -> next.addAll(expand(text, label, m));
                    case "windash" -> next.addAll(windash(text));
                    case "utf16le", "wide" -> next.add(bytesAsText(text, "UTF-16LE", binary));
                    case "utf16be" -> next.add(bytesAsText(text, "UTF-16BE", binary));
                    case "utf16" -> next.add("\u00ff\u00fe" + bytesAsText(text, "UTF-16LE", binary));
                    case "base64" -> next.add(Base64.getEncoder().encodeToString(bytes(text, binary)));
                    case "base64offset" -> next.addAll(base64Offsets(bytes(text, binary)));
                    default -> throw new IllegalStateException(step);
                }
            }
            binary = step.startsWith("utf16") || step.equals("wide");
            texts = next;
        }
        return texts;
    }

    private List<String> expand(String text, String label, Modifiers m) {
        Matcher placeholder = PLACEHOLDER.matcher(text);
        if (!placeholder.find()) {
            return List.of(text.replace("\\%", "%"));
        }
        List<String> replacements = placeholders.get(placeholder.group(1));
        if (replacements == null || replacements.isEmpty()) {
            throw new SigmaRuleException(label + ": placeholder %" + placeholder.group(1)
                    + "% has no values (configure siem.rules.placeholders." + placeholder.group(1) + ")");
        }
        List<String> out = new ArrayList<>();
        for (String replacement : replacements) {
            String once = text.substring(0, placeholder.start()) + replacement + text.substring(placeholder.end());
            out.addAll(expand(once, label, m));
        }
        m.expandedMany |= out.size() > 1;
        return out;
    }

    private static List<String> windash(String text) {
        List<String> variants = new ArrayList<>();
        for (char dash : DASHES) {
            StringBuilder variant = new StringBuilder(text.length());
            for (char ch : text.toCharArray()) {
                variant.append(isDash(ch) ? dash : ch);
            }
            if (!variants.contains(variant.toString())) {
                variants.add(variant.toString());
            }
        }
        return variants;
    }

    private static boolean isDash(char ch) {
        for (char dash : DASHES) {
            if (ch == dash) {
                return true;
            }
        }
        return false;
    }

    /** Bytes carried as ISO-8859-1 text between transforming steps. */
    private static String bytesAsText(String text, String charset, boolean binary) {
        byte[] encoded = (binary ? new String(bytes(text, true), StandardCharsets.UTF_8) : text)
                .getBytes(java.nio.charset.Charset.forName(charset));
        return new String(encoded, StandardCharsets.ISO_8859_1);
    }

    private static byte[] bytes(String text, boolean binary) {
        return text.getBytes(binary ? StandardCharsets.ISO_8859_1 : StandardCharsets.UTF_8);
    }

    /** The three Base64 forms a value takes depending on its byte offset, minus the characters that vary. */
    private static List<String> base64Offsets(byte[] value) {
        List<String> variants = new ArrayList<>(3);
        int[] skipStart = {0, 2, 3};
        int[] trimEnd = {0, 3, 2};
        for (int shift = 0; shift < 3; shift++) {
            byte[] padded = new byte[value.length + shift];
            System.arraycopy(value, 0, padded, shift, value.length);
            String encoded = Base64.getEncoder().encodeToString(padded);
            int end = encoded.length() - trimEnd[(value.length + shift) % 3];
            if (end > skipStart[shift]) {
                variants.add(encoded.substring(skipStart[shift], end));
            }
        }
        return variants;
    }

    private static List<ValueTest> regexTests(List<Object> values, Modifiers m, String label) {
        int flags = (m.reInsensitive ? Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE : 0)
                | (m.reMultiline ? Pattern.MULTILINE : 0) | (m.reDotAll ? Pattern.DOTALL : 0);
        List<ValueTest> tests = new ArrayList<>();
        for (Object value : values) {
            if (!(value instanceof String regex)) {
                throw new SigmaRuleException(label + ": 're' takes regular expressions as strings");
            }
            Pattern pattern;
            try {
                pattern = Pattern.compile(regex, flags);
            } catch (PatternSyntaxException e) {
                throw new SigmaRuleException(label + ": invalid regular expression: " + e.getDescription()
                        + " near index " + e.getIndex());
            }
            tests.add((original, lower) -> pattern.matcher(original).find());
        }
        return tests;
    }

    private static List<ValueTest> cidrTests(List<Object> values, String label) {
        List<ValueTest> tests = new ArrayList<>();
        for (Object value : values) {
            String text = String.valueOf(value);
            int slash = text.indexOf('/');
            InetAddress network = IpAddress.parse(slash > 0 ? text.substring(0, slash) : text);
            int bits = network == null ? 0 : network.getAddress().length * 8;
            int prefix;
            try {
                prefix = slash > 0 ? Integer.parseInt(text.substring(slash + 1)) : bits;
            } catch (NumberFormatException e) {
                prefix = -1;
            }
            if (network == null || prefix < 0 || prefix > bits) {
                throw new SigmaRuleException(label + ": '" + text + "' is not a CIDR block");
            }
            byte[] net = network.getAddress();
            int length = prefix;
            tests.add((original, lower) -> {
                InetAddress address = IpAddress.parse(original);
                return address != null && inBlock(address.getAddress(), net, length);
            });
        }
        return tests;
    }

    private static boolean inBlock(byte[] address, byte[] network, int prefix) {
        if (address.length != network.length) {
            return false;
        }
        int full = prefix / 8;
        for (int i = 0; i < full; i++) {
            if (address[i] != network[i]) {
                return false;
            }
        }
        int rest = prefix % 8;
        if (rest == 0) {
            return true;
        }
        int mask = 0xff << (8 - rest) & 0xff;
        return (address[full] & mask) == (network[full] & mask);
    }

    private static List<ValueTest> numberTests(List<Object> values, Modifiers m, String label) {
        List<ValueTest> tests = new ArrayList<>();
        for (Object value : values) {
            long number;
            if (value instanceof Number n) {
                number = n.longValue();
            } else {
                try {
                    number = Long.parseLong(String.valueOf(value).trim());
                } catch (NumberFormatException e) {
                    throw new SigmaRuleException(label + ": '" + value + "' is not a number, as '"
                            + (m.comparison != null ? m.comparison : m.timePart) + "' needs");
                }
            }
            LongPredicate compare = switch (m.comparison == null ? "eq" : m.comparison) {
                case "lt" -> v -> v < number;
                case "lte" -> v -> v <= number;
                case "gt" -> v -> v > number;
                case "gte" -> v -> v >= number;
                default -> v -> v == number;
            };
            String part = m.timePart;
            tests.add((original, lower) -> {
                Long actual = part == null ? parseLong(original) : timePart(original, part);
                return actual != null && compare.test(actual);
            });
        }
        return tests;
    }

    private static Long parseLong(String text) {
        try {
            return Long.parseLong(text.trim());
        } catch (NumberFormatException e) {
            try {
                double d = Double.parseDouble(text.trim());
                return d == Math.rint(d) ? (long) d : null;
            } catch (NumberFormatException notNumber) {
                return null;
            }
        }
    }

    private static Long timePart(String text, String part) {
        try {
            ZonedDateTime time = Instant.parse(text).atZone(ZoneOffset.UTC);
            return (long) switch (part) {
                case "minute" -> time.getMinute();
                case "hour" -> time.getHour();
                case "day" -> time.getDayOfMonth();
                case "week" -> time.get(IsoFields.WEEK_OF_WEEK_BASED_YEAR);
                case "month" -> time.getMonthValue();
                default -> time.get(ChronoField.YEAR);
            };
        } catch (RuntimeException e) {
            return null;
        }
    }

    private static Detection fieldRef(String field, List<Object> values, Modifiers m, String label) {
        List<String> others = new ArrayList<>();
        for (Object value : values) {
            if (!(value instanceof String other) || other.isBlank()) {
                throw new SigmaRuleException(label + ": 'fieldref' takes field names");
            }
            others.add(SigmaFieldMapping.ecs(other));
        }
        boolean cased = m.cased;
        boolean negate = m.neq;
        return context -> {
            String[] mine = cased ? context.values(field) : context.lowerValues(field);
            if (mine.length == 0) {
                return false;
            }
            for (String other : others) {
                String[] theirs = cased ? context.values(other) : context.lowerValues(other);
                boolean equal = theirs.length > 0 && java.util.Arrays.asList(theirs).contains(mine[0]);
                if (equal == negate) {
                    return false;
                }
            }
            context.matched(field, context.values(field)[0]);
            return true;
        };
    }

    /** A field item's modifiers, checked for the combinations Sigma allows. */
    private static final class Modifiers {
        private final String label;
        final String field;
        final List<String> transforms = new ArrayList<>();
        boolean contains;
        boolean startswith;
        boolean endswith;
        boolean all;
        boolean cased;
        boolean exists;
        boolean neq;
        boolean fieldref;
        boolean cidr;
        boolean re;
        boolean reInsensitive;
        boolean reMultiline;
        boolean reDotAll;
        boolean expandedMany;
        String comparison;
        String timePart;

        Modifiers(String label, String field) {
            this.label = label;
            this.field = field;
        }

        void add(String modifier) {
            switch (modifier) {
                case "contains" -> contains = true;
                case "startswith" -> startswith = true;
                case "endswith" -> endswith = true;
                case "all" -> all = true;
                case "cased" -> cased = true;
                case "exists" -> exists = true;
                case "neq" -> neq = true;
                case "fieldref" -> fieldref = true;
                case "cidr" -> cidr = true;
                case "re" -> re = true;
                case "i" -> reFlag(() -> reInsensitive = true);
                case "m" -> reFlag(() -> reMultiline = true);
                case "s" -> reFlag(() -> reDotAll = true);
                case "lt", "lte", "gt", "gte" -> comparison = modifier;
                case "minute", "hour", "day", "week", "month", "year" -> timePart = modifier;
                case "expand", "windash", "base64", "base64offset", "utf16le", "utf16be", "utf16", "wide" ->
                        transforms.add(modifier);
                case "" -> throw new SigmaRuleException(label + ": empty modifier");
                default -> throw new SigmaRuleException(label + ": unsupported modifier '" + modifier + "'");
            }
        }

        private void reFlag(Runnable set) {
            if (!re) {
                throw new SigmaRuleException(label + ": modifiers i, m and s only follow 're'");
            }
            set.run();
        }
    }
}
