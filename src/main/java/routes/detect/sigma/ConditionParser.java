package routes.detect.sigma;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Sigma's condition grammar, with its precedence (least to most binding): {@code or}, {@code and}, {@code not},
 * {@code x of pattern}, parentheses. {@code 1 of}/{@code any of} and {@code all of} take a search identifier
 * pattern with {@code *} wildcards, or {@code them} (every identifier not starting with {@code _}).
 */
final class ConditionParser {

    private final List<String> tokens;
    private final Map<String, Detection> identifiers;
    private final String condition;
    private int pos;

    private ConditionParser(String condition, Map<String, Detection> identifiers) {
        this.condition = condition;
        this.identifiers = identifiers;
        this.tokens = tokenize(condition);
    }

    static Detection parse(String condition, Map<String, Detection> identifiers) {
        ConditionParser parser = new ConditionParser(condition, identifiers);
        if (parser.tokens.isEmpty()) {
            throw new SigmaRuleException("empty condition");
        }
        Detection result = parser.or();
        if (parser.pos < parser.tokens.size()) {
            throw parser.error("unexpected '" + parser.tokens.get(parser.pos) + "'");
        }
        return result;
    }

    private Detection or() {
        List<Detection> terms = new ArrayList<>(List.of(and()));
        while (accept("or")) {
            terms.add(and());
        }
        return terms.size() == 1 ? terms.getFirst() : Logic.any(terms);
    }

    private Detection and() {
        List<Detection> terms = new ArrayList<>(List.of(not()));
        while (accept("and")) {
            terms.add(not());
        }
        return terms.size() == 1 ? terms.getFirst() : Logic.all(terms);
    }

    private Detection not() {
        if (accept("not")) {
            return Logic.not(not());
        }
        return primary();
    }

    private Detection primary() {
        if (pos >= tokens.size()) {
            throw error("the condition ends where a search identifier was expected");
        }
        String token = tokens.get(pos);
        if (token.equals("(")) {
            pos++;
            Detection inner = or();
            if (!accept(")")) {
                throw error("missing ')'");
            }
            return inner;
        }
        if ((token.equals("1") || token.equalsIgnoreCase("any") || token.equalsIgnoreCase("all"))
                && pos + 1 < tokens.size() && tokens.get(pos + 1).equalsIgnoreCase("of")) {
            boolean all = token.equalsIgnoreCase("all");
            pos += 2;
            if (pos >= tokens.size()) {
                throw error("'" + token + " of' needs a search identifier pattern or 'them'");
            }
            List<Detection> selected = select(tokens.get(pos++));
            return all ? Logic.all(selected) : Logic.any(selected);
        }
        if (isKeyword(token)) {
            throw error("unexpected '" + token + "'");
        }
        pos++;
        Detection identifier = identifiers.get(token);
        if (identifier == null) {
            throw error("unknown search identifier '" + token + "'");
        }
        return identifier;
    }

    private List<Detection> select(String pattern) {
        List<Detection> selected = new ArrayList<>();
        if (pattern.equalsIgnoreCase("them")) {
            identifiers.forEach((name, detection) -> {
                if (!name.startsWith("_")) {
                    selected.add(detection);
                }
            });
        } else {
            Pattern glob = Pattern.compile(("\\Q" + pattern + "\\E").replace("*", "\\E.*\\Q"));
            identifiers.forEach((name, detection) -> {
                if (glob.matcher(name).matches()) {
                    selected.add(detection);
                }
            });
        }
        if (selected.isEmpty()) {
            throw error("no search identifier matches '" + pattern + "'");
        }
        return selected;
    }

    private boolean accept(String keyword) {
        if (pos < tokens.size() && tokens.get(pos).equalsIgnoreCase(keyword)) {
            pos++;
            return true;
        }
        return false;
    }

    private static boolean isKeyword(String token) {
        return token.equalsIgnoreCase("and") || token.equalsIgnoreCase("or") || token.equalsIgnoreCase("not")
                || token.equals(")") || token.equalsIgnoreCase("of");
    }

    private SigmaRuleException error(String problem) {
        return new SigmaRuleException("condition '" + condition + "': " + problem);
    }

    private static List<String> tokenize(String condition) {
        List<String> tokens = new ArrayList<>();
        StringBuilder word = new StringBuilder();
        for (char ch : condition.toCharArray()) {
            if (ch == '(' || ch == ')' || Character.isWhitespace(ch)) {
                if (!word.isEmpty()) {
                    tokens.add(word.toString());
                    word.setLength(0);
                }
                if (ch != ' ' && !Character.isWhitespace(ch)) {
                    tokens.add(String.valueOf(ch));
                }
            } else {
                word.append(ch);
            }
        }
        if (!word.isEmpty()) {
            tokens.add(word.toString());
        }
        return tokens;
    }
}
