package routes.store;

import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.analysis.core.KeywordAnalyzer;
import org.apache.lucene.analysis.miscellaneous.PerFieldAnalyzerWrapper;
import org.apache.lucene.analysis.standard.StandardAnalyzer;
import org.apache.lucene.document.InetAddressPoint;
import org.apache.lucene.document.LongPoint;
import org.apache.lucene.queryparser.classic.MultiFieldQueryParser;
import org.apache.lucene.queryparser.classic.ParseException;
import org.apache.lucene.queryparser.classic.QueryParser;
import org.apache.lucene.search.Query;
import routes.model.EcsSchema;
import routes.model.FieldType;
import routes.model.IpAddress;

import java.net.InetAddress;
import java.time.Instant;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Lucene query syntax over ECS fields, typed by {@link EcsSchema}: {@code source.ip:10.0.0.0/8} and
 * {@code source.ip:"::1"} on IP fields, {@code http.response.status_code:[500 TO 599]} on numbers,
 * {@code @timestamp:[2024-01-01 TO now]} on dates, analyzed text on {@code message}; bare words search the message and the
 * names in {@link #DEFAULT_FIELDS}.
 */
public final class EventQueryParser {

    /** Where bare words are looked for: the message and the names people search by. */
    static final String[] DEFAULT_FIELDS = {"message", "user.name", "host.name", "process.name", "event.action",
            "url.original", "error.message"};

    /** An unquoted IP or CIDR value after an IP field, which the classic syntax would split at ':' or '/'. */
    private static final Pattern IP_VALUE = Pattern.compile("(?<![\\w.@])("
            + EcsSchema.fields().entrySet().stream().filter(e -> e.getValue() == FieldType.IP)
            .map(e -> Pattern.quote(e.getKey())).collect(Collectors.joining("|"))
            + "):([0-9A-Fa-f.:]*[.:][0-9A-Fa-f.:]*(?:/\\d{1,3})?)(?=$|[\\s)])");

    private final Analyzer analyzer = analyzer();

    static Analyzer analyzer() {
        Map<String, Analyzer> text = EcsSchema.fields().entrySet().stream()
                .filter(e -> e.getValue() == FieldType.TEXT)
                .collect(Collectors.toMap(Map.Entry::getKey, e -> new StandardAnalyzer()));
        return new PerFieldAnalyzerWrapper(new KeywordAnalyzer(), text);
    }

    Analyzer indexAnalyzer() {
        return analyzer;
    }

    /**
     * The query with addresses after IP fields quoted ({@code source.ip:10.0.0.0/8} becomes
     * {@code source.ip:"10.0.0.0/8"}), as the classic syntax, here and in Elasticsearch, needs them.
     */
    static String quoteAddresses(String query) {
        return IP_VALUE.matcher(query).replaceAll(m -> Matcher.quoteReplacement(
                m.group(1) + ":\"" + m.group(2) + "\""));
    }

    public Query parse(String query) {
        String prepared = quoteAddresses(query);
        TypedQueryParser parser = new TypedQueryParser(analyzer);
        parser.setDefaultOperator(QueryParser.Operator.AND);
        parser.setAllowLeadingWildcard(true);
        try {
            return parser.parse(prepared);
        } catch (ParseException | IllegalArgumentException e) {
            String reason = e.getMessage() == null ? e.toString() : e.getMessage().lines().findFirst().orElse("");
            throw new EventStore.InvalidQueryException("invalid query: " + reason, e);
        }
    }

    /** Turns terms and ranges on typed fields into point queries. */
    private static final class TypedQueryParser extends MultiFieldQueryParser {
        TypedQueryParser(Analyzer analyzer) {
            super(DEFAULT_FIELDS, analyzer);
        }

        /** Quoted terms arrive here; on a typed field the quotes only protected ':' and '/'. */
        @Override
        protected Query getFieldQuery(String field, String text, int slop) throws ParseException {
            FieldType type = field == null ? null : EcsSchema.declaredType(field);
            if (type == FieldType.IP || type == FieldType.LONG || type == FieldType.DATE) {
                return getFieldQuery(field, text, true);
            }
            return super.getFieldQuery(field, text, slop);
        }

        @Override
        protected Query getFieldQuery(String field, String text, boolean quoted) throws ParseException {
            FieldType type = field == null ? null : EcsSchema.declaredType(field);
            if (type == FieldType.IP) {
                return ipQuery(field, text);
            }
            if (type == FieldType.LONG) {
                return LongPoint.newExactQuery(field, number(field, text));
            }
            if (type == FieldType.DATE) {
                long millis = date(field, text, false);
                return LongPoint.newExactQuery(field, millis);
            }
            return super.getFieldQuery(field, text, quoted);
        }

        @Override
        protected Query getRangeQuery(String field, String part1, String part2, boolean startInclusive,
                                      boolean endInclusive) throws ParseException {
            FieldType type = field == null ? null : EcsSchema.declaredType(field);
            if (type == FieldType.LONG || type == FieldType.DATE) {
                long low = part1 == null || part1.equals("*") ? Long.MIN_VALUE
                        : type == FieldType.LONG ? number(field, part1) : date(field, part1, false);
                long high = part2 == null || part2.equals("*") ? Long.MAX_VALUE
                        : type == FieldType.LONG ? number(field, part2) : date(field, part2, true);
                if (!startInclusive && low != Long.MAX_VALUE) {
                    low++;
                }
                if (!endInclusive && high != Long.MIN_VALUE) {
                    high--;
                }
                return LongPoint.newRangeQuery(field, low, high);
            }
            if (type == FieldType.IP) {
                InetAddress low = part1 == null || part1.equals("*") ? null : address(field, part1);
                InetAddress high = part2 == null || part2.equals("*") ? null : address(field, part2);
                if (low == null) {
                    low = InetAddressPoint.MIN_VALUE;
                }
                if (high == null) {
                    high = InetAddressPoint.MAX_VALUE;
                }
                if (!startInclusive) {
                    low = InetAddressPoint.nextUp(low);
                }
                if (!endInclusive) {
                    high = InetAddressPoint.nextDown(high);
                }
                return InetAddressPoint.newRangeQuery(field, low, high);
            }
            return super.getRangeQuery(field, part1, part2, startInclusive, endInclusive);
        }

        private static Query ipQuery(String field, String text) throws ParseException {
            int slash = text.indexOf('/');
            if (slash > 0) {
                InetAddress network = address(field, text.substring(0, slash));
                int prefix;
                try {
                    prefix = Integer.parseInt(text.substring(slash + 1));
                } catch (NumberFormatException e) {
                    throw new ParseException("'" + text + "' is not a CIDR block for IP field " + field);
                }
                int bits = network.getAddress().length * 8;
                if (prefix < 0 || prefix > bits) {
                    throw new ParseException("prefix length /" + prefix + " out of range for " + text);
                }
                return InetAddressPoint.newPrefixQuery(field, network, prefix);
            }
            return InetAddressPoint.newExactQuery(field, address(field, text));
        }

        private static InetAddress address(String field, String text) throws ParseException {
            InetAddress address = IpAddress.parse(text.trim());
            if (address == null) {
                throw new ParseException("'" + text + "' is not an IP address, as IP field " + field + " needs");
            }
            return address;
        }

        private static long number(String field, String text) throws ParseException {
            try {
                return Long.parseLong(text.trim());
            } catch (NumberFormatException e) {
                throw new ParseException("'" + text + "' is not a whole number, as field " + field + " needs");
            }
        }

        private static long date(String field, String text, boolean endOfDay) throws ParseException {
            Instant instant = TimeBounds.parse(text.trim(), endOfDay);
            if (instant == null) {
                throw new ParseException("'" + text + "' is not a date (ISO-8601, epoch millis or now-1h) for "
                        + field);
            }
            return instant.toEpochMilli();
        }
    }
}
